namespace TbLogger.Metrics;

/// <summary>Keras's <c>Hinge</c> metric: mean(max(1 − t·p, 0), axis=-1); 0/1 labels are mapped to −1/1 when every label of the batch is 0 or 1.</summary>
/// <remarks>The per-sample values are those of <see cref="Losses.HingeLoss"/> (one implementation of the function for both).</remarks>
public sealed class Hinge : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"hinge"</c>.</param>
    public Hinge(string? name = null)
        : base(name ?? "hinge", new Losses.HingeLoss(name: name ?? "hinge"), rankOneIsPerSample: true)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new Hinge(c.Name);
}
