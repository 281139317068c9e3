using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// Base of the metrics whose per-sample value is the mean (or sum) over the last axis of an element-wise function of
/// (yTrue, yPred): MSE, MAE, MAPE, MSLE, log-cosh, binary accuracy, binary crossentropy, Poisson, KL divergence, hinge, …
/// yTrue and yPred must have the same shape up to a trailing 1; weights are one per sample ([N] or [N, 1]) or [1].
/// </summary>
public abstract class ElementwiseMeanMetric : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name.</param>
    protected ElementwiseMeanMetric(string name) : base(name)
    {
    }

    /// <summary>True to sum over the last axis instead of averaging (Keras's KL divergence).</summary>
    protected virtual bool SumOverLastAxis => false;

    /// <summary>Computes the element-wise values; spans have equal length.</summary>
    /// <param name="yTrue">Labels, flattened.</param>
    /// <param name="yPred">Predictions, flattened.</param>
    /// <param name="destination">One value per element.</param>
    protected abstract void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination);

    /// <summary>Optional fused kernel: Σ of the element-wise values without materialising them (unweighted fast path).</summary>
    /// <param name="yTrue">Labels, flattened.</param>
    /// <param name="yPred">Predictions, flattened.</param>
    /// <param name="sum">The sum.</param>
    /// <returns>False when there is no fused kernel.</returns>
    protected virtual bool TrySumElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, out double sum)
    {
        sum = 0;
        return false;
    }

    /// <summary>Hook to validate or inspect the batch's labels before <see cref="ComputeElements"/>.</summary>
    /// <param name="yTrue">Labels, flattened.</param>
    /// <param name="width">Length of the last axis (1 for rank-1 inputs).</param>
    protected virtual void OnBatch(ReadOnlySpan<float> yTrue, int width)
    {
    }

    /// <inheritdoc/>
    public sealed override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        int rows = LastAxisLayout(yTrue, yPred, out int width, out int samples, out var rowShape);
        if (rows == 0) return;
        var t = FlattenTrue(yTrue);
        var p = FlattenPred(yPred);
        OnBatch(t, width);
        double scale = SumOverLastAxis ? 1.0 : 1.0 / width;
        int perSample = rows / samples;
        if (sampleWeight.IsEmpty && TrySumElements(t, p, out double fused))
        {
            AddToState(fused * scale / perSample, samples);
            return;
        }
        var elements = ElementBuffer(t.Length);
        ComputeElements(t, p, elements);
        if (sampleWeight.IsEmpty)
        {
            AddToState(MetricKernels.Sum(elements) * scale / perSample, samples);
            return;
        }
        var rowValues = RowBuffer(rows);
        MetricKernels.RowSums(elements, width, rowValues, (float)scale);
        AccumulateRows(rowValues, samples, sampleWeight, rowShape, yPred.Lengths, "yPred");
    }
}
