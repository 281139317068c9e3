using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>BinaryAccuracy</c>: how often <c>(yPred &gt; threshold)</c> equals the 0/1 label. A prediction equal to
/// the threshold counts as 0 (strictly greater, as Keras). Labels [N] or [N, 1]; multi-label [N, C] is averaged per row.
/// </summary>
public sealed class BinaryAccuracy : ElementwiseMeanMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="threshold">Decision threshold in (0, 1); default 0.5.</param>
    /// <param name="name">Metric name; default <c>"binary_accuracy"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not in (0, 1).</exception>
    public BinaryAccuracy(float threshold = 0.5f, string? name = null) : base(name ?? "binary_accuracy")
    {
        if (!(threshold > 0 && threshold < 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "Expected a value in interval (0, 1).");
        Threshold = threshold;
    }

    /// <summary>The decision threshold.</summary>
    public float Threshold { get; }

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        float thr = Threshold;
        for (int i = 0; i < destination.Length; i++) destination[i] = (yPred[i] > thr ? 1f : 0f) == yTrue[i] ? 1f : 0f;
    }

    /// <inheritdoc/>
    protected override bool TrySumElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, out double sum)
    {
        sum = MetricKernels.CountBinaryMatches(yTrue, yPred, Threshold);
        return true;
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new BinaryAccuracy(c.GetSingle("threshold", 0.5f), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("threshold", Threshold);
}
