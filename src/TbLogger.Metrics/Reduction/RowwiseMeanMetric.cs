using System.Numerics.Tensors;

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
        OnBatch(t, p);
        var values = RowBuffer(rows);
        for (int r = 0; r < rows; r++) values[r] = ComputeRow(t.Slice(r * c, c), p.Slice(r * c, c));
        AccumulateRows(values, samples, sampleWeight, rowShape, yPred.Lengths, "yPred");
    }
}
