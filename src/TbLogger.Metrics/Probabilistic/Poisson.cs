namespace TbLogger.Metrics;

/// <summary>Keras's <c>Poisson</c>: mean over the last axis of yPred − yTrue·log(yPred + 1e-7), averaged over samples.</summary>
public sealed class Poisson : ElementwiseMeanMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"poisson"</c>.</param>
    public Poisson(string? name = null) : base(name ?? "poisson")
    {
    }

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)(yPred[i] - yTrue[i] * Math.Log(yPred[i] + (double)MetricMath.Epsilon));
    }
}
