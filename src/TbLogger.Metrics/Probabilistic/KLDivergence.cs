namespace TbLogger.Metrics;

/// <summary>Keras's <c>KLDivergence</c> metric: Σ t·log(t/p) over the last axis (both clipped to [ε, 1]), averaged over samples.</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.KLDivergenceLoss"/> (one implementation of the function for both).</remarks>
public sealed class KLDivergence : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"kl_divergence"</c>.</param>
    public KLDivergence(string? name = null)
        : base(name ?? "kl_divergence", new Losses.KLDivergenceLoss(name: name ?? "kl_divergence"), rankOneIsPerSample: true)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static string[] IRegisteredMetric.Aliases => ["kld", "KLD"];

    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new KLDivergence(c.Name);
}
