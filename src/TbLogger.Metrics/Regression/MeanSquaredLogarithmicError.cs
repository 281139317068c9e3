using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>Keras's <c>MeanSquaredLogarithmicError</c>: mean over the last axis of (log(max(yPred, ε) + 1) − log(max(yTrue, ε) + 1))², ε = 1e-7.</summary>
public sealed class MeanSquaredLogarithmicError : ElementwiseMeanMetric
{
    private float[]? _second;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"mean_squared_logarithmic_error"</c>.</param>
    public MeanSquaredLogarithmicError(string? name = null) : base(name ?? "mean_squared_logarithmic_error")
    {
    }

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        var second = MetricGuard.Scratch(ref _second, yTrue.Length);
        TensorPrimitives.Max(yPred, MetricMath.Epsilon, destination);
        TensorPrimitives.Add(destination, 1f, destination);
        TensorPrimitives.Log(destination, destination);
        TensorPrimitives.Max(yTrue, MetricMath.Epsilon, second);
        TensorPrimitives.Add(second, 1f, second);
        TensorPrimitives.Log(second, second);
        TensorPrimitives.Subtract(destination, second, destination);
        TensorPrimitives.Multiply(destination, destination, destination);
    }
}
