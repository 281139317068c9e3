using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>CosineSimilarity</c>: per row (last axis), Σ l2_normalize(yTrue) · l2_normalize(yPred), averaged over
/// samples. A zero vector has similarity 0 (normalisation uses max(‖x‖², 1e-12)). Only <c>axis = -1</c> is supported.
/// </summary>
public sealed class CosineSimilarity : RowwiseMeanMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"cosine_similarity"</c>.</param>
    /// <param name="axis">Must be -1 (the Keras default).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not -1.</exception>
    public CosineSimilarity(string? name = null, int axis = -1) : base(name ?? "cosine_similarity")
    {
        if (axis != -1) throw new ArgumentOutOfRangeException(nameof(axis), axis, "Only axis = -1 is supported.");
    }

    /// <inheritdoc/>
    protected override float ComputeRow(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        double dot = MetricKernels.Dot(yTrue, yPred), tt = MetricKernels.Dot(yTrue, yTrue), pp = MetricKernels.Dot(yPred, yPred);
        return (float)(dot / (Math.Sqrt(Math.Max(tt, 1e-12)) * Math.Sqrt(Math.Max(pp, 1e-12))));
    }

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("axis", -1);
}
