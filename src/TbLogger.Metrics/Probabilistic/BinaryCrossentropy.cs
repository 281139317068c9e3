using System.Text.Json;
using TbLogger.Metrics.Losses;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>BinaryCrossentropy</c> metric: mean over the last axis of the binary crossentropy (probabilities clipped to
/// [ε, 1 − ε], or from logits), with optional label smoothing, averaged over samples.
/// </summary>
/// <remarks>The per-sample values are those of <see cref="BinaryCrossentropyLoss"/> (one implementation of the function for both).</remarks>
public sealed class BinaryCrossentropy : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="fromLogits">True when yPred holds logits.</param>
    /// <param name="labelSmoothing">Label smoothing in [0, 1].</param>
    /// <param name="name">Metric name; default <c>"binary_crossentropy"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1].</exception>
    public BinaryCrossentropy(bool fromLogits = false, float labelSmoothing = 0f, string? name = null)
        : base(name ?? "binary_crossentropy",
               new BinaryCrossentropyLoss(fromLogits, labelSmoothing, name: name ?? "binary_crossentropy"), rankOneIsPerSample: true)
    {
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>True when yPred holds logits.</summary>
    public bool FromLogits { get; }

    /// <summary>Label smoothing in [0, 1].</summary>
    public float LabelSmoothing { get; }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static string[] IRegisteredMetric.Aliases => ["bce", "BCE"];

    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new BinaryCrossentropy(c.GetBoolean("from_logits", false), c.GetSingle("label_smoothing", 0f), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteBoolean("from_logits", FromLogits);
        writer.WriteNumber("label_smoothing", LabelSmoothing);
    }
}
