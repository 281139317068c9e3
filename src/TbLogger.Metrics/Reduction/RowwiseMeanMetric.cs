using System.Numerics.Tensors;
using TbLogger.Metrics.Losses;

namespace TbLogger.Metrics;

/// <summary>
/// Base of the metrics whose per-sample value is a function of a whole row along the last axis (cosine similarity,
/// correlations, categorical crossentropy, categorical hinge). yTrue and yPred have the same shape [N, ..., C]; a rank-1
/// input [C] is one row (one value, one sample), as Keras reduces over axis -1. Weights are one per sample.
/// </summary>
public abstract class RowwiseMeanMetric : MeanMetricWrapper
{
    private static readonly nint[] s_singleRow = [1];

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name.</param>
    protected RowwiseMeanMetric(string name) : base(name)
    {
    }

    /// <summary>Creates the metric with the axis its rows run along (Keras's <c>axis</c>; negative counts from the end).</summary>
    /// <param name="name">Metric name.</param>
    /// <param name="axis">The axis reduced into one value per row.</param>
    protected RowwiseMeanMetric(string name, int axis) : base(name) => Axis = axis;

    /// <summary>The axis each row runs along (-1, the last, by default).</summary>
    public int Axis { get; } = -1;

    /// <summary>Computes the value of one row.</summary>
    /// <param name="yTrue">The row's labels (length C).</param>
    /// <param name="yPred">The row's predictions (length C).</param>
    /// <returns>The row's value.</returns>
    protected abstract float ComputeRow(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred);

    /// <summary>Hook to validate or inspect the batch before the rows are computed.</summary>
    /// <param name="yTrue">Labels, flattened.</param>
    /// <param name="yPred">Predictions, flattened.</param>
    protected virtual void OnBatch(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Shapes differ or the weights do not fit.</exception>
    public sealed override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        int rows, c, samples;
        scoped ReadOnlySpan<nint> rowShape;
        if (yTrue.Rank <= 1 && yPred.Rank <= 1)
        {
            MetricGuard.RequireSameShape(yTrue, yPred);
            c = checked((int)yPred.FlattenedLength);
            rows = c == 0 ? 0 : 1;
            samples = 1;
            rowShape = s_singleRow;
        }
        else
        {
            MetricGuard.RequireSameShape(yTrue, yPred);
            rows = LastAxisLayout(yTrue, yPred, out c, out samples, out rowShape);
        }
        if (rows == 0) return;
        var t = FlattenTrue(yTrue);
        var p = FlattenPred(yPred);
        Span<nint> moved = stackalloc nint[Math.Max(yPred.Rank - 1, 1)];
        if (Axis != -1 && yPred.Rank >= 2 && LossAxes.Canonical(Axis, yPred.Rank, Name) != yPred.Rank - 1)
        {
            // Rows along another axis: move it last (the per-row values keep the order of the other axes, as Keras's
            // reduction along that axis does).
            var g = LossGeometry.Resolve(yPred.Lengths, LossAxes.Single(Axis, yPred.Rank, Name));
            var tt = ElementBuffer(2 * t.Length);
            g.ToRows(t, tt[..t.Length]);
            g.ToRows(p, tt[t.Length..]);
            t = tt[..t.Length];
            p = tt[t.Length..];
            c = g.AxisLength;
            rows = g.Count;
            rowShape = moved[..g.WriteValueShape(yPred.Lengths, moved)];
            samples = rowShape.IsEmpty ? 1 : checked((int)rowShape[0]);
        }
        else if (yPred.Rank == 1 && Axis is not (-1 or 0))
        {
            LossAxes.Canonical(Axis, 1, Name); // throws: out of range for rank 1
        }
        OnBatch(t, p);
        var values = RowBuffer(rows);
        for (int r = 0; r < rows; r++) values[r] = ComputeRow(t.Slice(r * c, c), p.Slice(r * c, c));
        AccumulateRows(values, samples, sampleWeight, rowShape, yPred.Lengths, "yPred");
    }
}
