namespace TbLogger.Metrics;

/// <summary>Keras's <c>KLDivergence</c> metric: Σ t·log(t/p) over the last axis (both clipped to [ε, 1]), averaged over samples.</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.KLDivergenceLoss"/> (one implementation of the function for both).</remarks>
public sealed class KLDivergence : LossFunctionMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"kl_divergence"</c>.</param>
    public KLDivergence(string? name = null)
        : base(name ?? "kl_divergence", new Losses.KLDivergenceLoss(name: name ?? "kl_divergence"), rankOneIsPerSample: true)
    {
    }
}
