namespace TbLogger.Metrics;

/// <summary>Keras's <c>Poisson</c> metric: mean(p − t·log(p + ε), axis=-1), averaged over samples.</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.PoissonLoss"/> (one implementation of the function for both).</remarks>
public sealed class Poisson : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"poisson"</c>.</param>
    public Poisson(string? name = null)
        : base(name ?? "poisson", new Losses.PoissonLoss(name: name ?? "poisson"), rankOneIsPerSample: true)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new Poisson(c.Name);
}
