namespace TbLogger.Metrics;

/// <summary>Keras's <c>CategoricalHinge</c> metric: max(max((1 − t)·p) − Σ t·p + 1, 0) per row, averaged over samples.</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.CategoricalHingeLoss"/> (one implementation of the function for both).</remarks>
public sealed class CategoricalHinge : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"categorical_hinge"</c>.</param>
    public CategoricalHinge(string? name = null)
        : base(name ?? "categorical_hinge", new Losses.CategoricalHingeLoss(name: name ?? "categorical_hinge"), rankOneIsPerSample: false)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new CategoricalHinge(c.Name);
}
