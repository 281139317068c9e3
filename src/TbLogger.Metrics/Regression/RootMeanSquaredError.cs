using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>Keras's <c>RootMeanSquaredError</c>: √(weighted mean of (yPred − yTrue)²). Weights are one per sample.</summary>
public sealed class RootMeanSquaredError : ElementwiseMeanMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"root_mean_squared_error"</c>.</param>
    public RootMeanSquaredError(string? name = null) : base(name ?? "root_mean_squared_error")
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

    /// <inheritdoc/>
    protected override void ComputeResult(Span<double> destination) => destination[0] = Math.Sqrt(MetricMath.DivideNoNan(Total, Count));

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new RootMeanSquaredError(c.Name);
}
