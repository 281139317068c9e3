using System.Text.Json;
using TbLogger.Metrics.Losses;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>CategoricalCrossentropy</c> metric: −Σ t·log(q) along <see cref="Axis"/> (q = predictions rescaled to sum
/// to 1 and clipped to [ε, 1 − ε], or the softmax of logits), with optional label smoothing, averaged over samples.
/// </summary>
/// <remarks>The per-sample values are those of <see cref="CategoricalCrossentropyLoss"/> (one implementation of the function for both).</remarks>
public sealed class CategoricalCrossentropy : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="fromLogits">True when yPred holds logits.</param>
    /// <param name="labelSmoothing">Label smoothing in [0, 1].</param>
    /// <param name="axis">The class axis (Keras's <c>axis</c>; negative counts from the end).</param>
    /// <param name="name">Metric name; default <c>"categorical_crossentropy"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is outside [0, 1].</exception>
    public CategoricalCrossentropy(bool fromLogits = false, float labelSmoothing = 0f, int axis = -1, string? name = null)
        : base(name ?? "categorical_crossentropy",
               new CategoricalCrossentropyLoss(fromLogits, labelSmoothing, axis, name: name ?? "categorical_crossentropy"),
               rankOneIsPerSample: false)
    {
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        Axis = axis;
    }

    /// <summary>True when yPred holds logits.</summary>
    public bool FromLogits { get; }

    /// <summary>Label smoothing in [0, 1].</summary>
    public float LabelSmoothing { get; }

    /// <summary>The class axis.</summary>
    public int Axis { get; }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new CategoricalCrossentropy(c.GetBoolean("from_logits", false), c.GetSingle("label_smoothing", 0f), c.GetInt32("axis", -1), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteBoolean("from_logits", FromLogits);
        writer.WriteNumber("label_smoothing", LabelSmoothing);
        writer.WriteNumber("axis", Axis);
    }
}
