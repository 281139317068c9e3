using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>Keras's <c>MeanSquaredError</c>: mean over the last axis of (yTrue − yPred)², averaged over samples.</summary>
public sealed class MeanSquaredError : ElementwiseMeanMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"mean_squared_error"</c>.</param>
    public MeanSquaredError(string? name = null) : base(name ?? "mean_squared_error")
    {
    }

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        TensorPrimitives.Subtract(yPred, yTrue, destination);
        TensorPrimitives.Multiply(destination, destination, destination);
    }

    /// <inheritdoc/>
    protected override bool TrySumElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, out double sum)
    {
        sum = MetricKernels.SumSquaredDifference(yPred, yTrue);
        return true;
    }
}
