using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>MeanAbsolutePercentageError</c>: 100 · mean over the last axis of |(yTrue − yPred) / max(|yTrue|, 1e-7)|.
/// A zero label therefore gives a huge (finite) value, exactly as Keras.
/// </summary>
public sealed class MeanAbsolutePercentageError : ElementwiseMeanMetric
{
    private float[]? _denominator;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"mean_absolute_percentage_error"</c>.</param>
    public MeanAbsolutePercentageError(string? name = null) : base(name ?? "mean_absolute_percentage_error")
    {
    }

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        var den = MetricGuard.Scratch(ref _denominator, yTrue.Length);
        TensorPrimitives.Abs(yTrue, den);
        TensorPrimitives.Max(den, MetricMath.Epsilon, den);
        TensorPrimitives.Subtract(yTrue, yPred, destination);
        TensorPrimitives.Divide(destination, den, destination);
        TensorPrimitives.Abs(destination, destination);
        TensorPrimitives.Multiply(destination, 100f, destination);
    }
}
