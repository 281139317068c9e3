namespace TbLogger.Metrics;

/// <summary>Keras's <c>KLDivergence</c>: Σ over the last axis of t·log(t / p), both clipped to [1e-7, 1]; averaged over samples.</summary>
public sealed class KLDivergence : ElementwiseMeanMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"kl_divergence"</c>.</param>
    public KLDivergence(string? name = null) : base(name ?? "kl_divergence")
    {
    }

    /// <inheritdoc/>
    protected override bool SumOverLastAxis => true;

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            double t = Math.Clamp(yTrue[i], MetricMath.Epsilon, 1f), p = Math.Clamp(yPred[i], MetricMath.Epsilon, 1f);
            destination[i] = (float)(t * Math.Log(t / p));
        }
    }
}
