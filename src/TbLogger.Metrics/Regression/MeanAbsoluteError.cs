using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>Keras's <c>MeanAbsoluteError</c>: mean over the last axis of |yTrue − yPred|, averaged over samples.</summary>
public sealed class MeanAbsoluteError : ElementwiseMeanMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"mean_absolute_error"</c>.</param>
    public MeanAbsoluteError(string? name = null) : base(name ?? "mean_absolute_error")
    {
    }

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        TensorPrimitives.Subtract(yPred, yTrue, destination);
        TensorPrimitives.Abs(destination, destination);
    }
}
