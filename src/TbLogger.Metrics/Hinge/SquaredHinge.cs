namespace TbLogger.Metrics;

/// <summary>Keras's <c>SquaredHinge</c> metric: mean(max(1 − t·p, 0)², axis=-1); 0/1 labels are mapped to −1/1 when every label of the batch is 0 or 1.</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.SquaredHingeLoss"/> (one implementation of the function for both).</remarks>
public sealed class SquaredHinge : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"squared_hinge"</c>.</param>
    public SquaredHinge(string? name = null)
        : base(name ?? "squared_hinge", new Losses.SquaredHingeLoss(name: name ?? "squared_hinge"), rankOneIsPerSample: true)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new SquaredHinge(c.Name);
}
