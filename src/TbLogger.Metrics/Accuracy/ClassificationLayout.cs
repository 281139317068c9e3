using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>Shape rules and label checks shared by the categorical and sparse-categorical metrics.</summary>
public static class ClassificationLayout
{
    /// <summary>
    /// Sparse labels: yPred is [N, ..., C] and yTrue is yPred's shape without the class axis, optionally with a trailing 1
    /// ([N] or [N, 1] for [N, C]).
    /// </summary>
    /// <param name="yTrue">Integer class labels.</param>
    /// <param name="yPred">Scores, last axis = classes.</param>
    /// <param name="classes">C.</param>
    /// <param name="samples">N.</param>
    /// <param name="rowShape">yPred's shape without the class axis.</param>
    /// <returns>Number of rows (labels).</returns>
    /// <exception cref="ArgumentException">The shapes do not fit (the message names both).</exception>
    public static int Sparse(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred,
                             out int classes, out int samples, out ReadOnlySpan<nint> rowShape)
    {
        ReadOnlySpan<nint> p = yPred.Lengths, t = yTrue.Lengths;
        if (p.Length < 2)
            throw MetricGuard.ShapeMismatch("yTrue", t, "yPred", p, "sparse metrics need yPred of shape [batch, classes]");
        rowShape = p[..^1];
        bool ok = t.SequenceEqual(rowShape) || (t.Length == rowShape.Length + 1 && t[^1] == 1 && t[..^1].SequenceEqual(rowShape));
        if (!ok)
            throw MetricGuard.ShapeMismatch("yTrue", t, "yPred", p,
                $"sparse labels must have shape {MetricGuard.FormatShape(rowShape)} or {MetricGuard.FormatShape([.. rowShape, 1])}");
        classes = checked((int)p[^1]);
        samples = checked((int)p[0]);
        return classes == 0 ? 0 : checked((int)(yPred.FlattenedLength / classes));
    }

    /// <summary>One-hot / probability labels: yTrue and yPred both [N, ..., C].</summary>
    /// <param name="yTrue">One-hot labels.</param>
    /// <param name="yPred">Scores.</param>
    /// <param name="classes">C.</param>
    /// <param name="samples">N.</param>
    /// <param name="rowShape">The shape without the class axis.</param>
    /// <returns>Number of rows.</returns>
    /// <exception cref="ArgumentException">The shapes differ (the message names both).</exception>
    public static int Categorical(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred,
                                  out int classes, out int samples, out ReadOnlySpan<nint> rowShape)
    {
        ReadOnlySpan<nint> p = yPred.Lengths, t = yTrue.Lengths;
        if (!t.SequenceEqual(p))
            throw MetricGuard.ShapeMismatch("yTrue", t, "yPred", p);
        if (p.Length < 2)
            throw MetricGuard.ShapeMismatch("yTrue", t, "yPred", p, "categorical metrics need shape [batch, classes]");
        rowShape = p[..^1];
        classes = checked((int)p[^1]);
        samples = checked((int)p[0]);
        return classes == 0 ? 0 : checked((int)(yPred.FlattenedLength / classes));
    }

    /// <summary>Validates a sparse label: an integer in [0, <paramref name="classes"/>).</summary>
    /// <param name="label">The label value.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="index">Flat index of the label in yTrue, for the message.</param>
    /// <returns>The class index.</returns>
    /// <exception cref="ArgumentException">Not an integer in range (the message names the index and value).</exception>
    public static int Label(float label, int classes, int index)
    {
        int c = (int)label;
        if (c != label || c < 0 || c >= classes)
            throw new ArgumentException($"yTrue[{index}] = {label} is not a class index in [0, {classes}).", "yTrue");
        return c;
    }
}
