using System.Text.Json;
using TbLogger.Metrics.Losses;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>CosineSimilarity</c> metric: Σ (t/‖t‖)·(p/‖p‖) along <see cref="Axis"/> (norms at least ε), averaged over
/// samples. It is the negated <see cref="CosineSimilarityLoss"/>, whose per-sample values it uses.
/// </summary>
public sealed class CosineSimilarity : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="axis">The axis along which the similarity is computed (negative counts from the end).</param>
    /// <param name="name">Metric name; default <c>"cosine_similarity"</c>.</param>
    public CosineSimilarity(int axis = -1, string? name = null)
        : base(name ?? "cosine_similarity", new CosineSimilarityLoss(axis, name: name ?? "cosine_similarity"),
               rankOneIsPerSample: false, negate: true)
    {
        Axis = axis;
    }

    /// <summary>The axis along which the similarity is computed.</summary>
    public int Axis { get; }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new CosineSimilarity(c.GetInt32("axis", -1), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("axis", Axis);
}
