namespace TbLogger.Metrics;

/// <summary>
/// The (weighted) number of false negatives: prediction at or below the threshold and a positive label (Keras <c>keras.metrics.FalseNegatives</c>).
/// A prediction is positive when strictly greater than the threshold.
/// </summary>
/// <remarks>
/// One value per threshold; the result is a scalar for one threshold and a vector [T] otherwise. Labels are
/// booleans (non-zero is positive). Evenly spaced thresholds (i/(T−1), T ≥ 3) use the O(N + T) bucketing path.
/// Counts are accumulated in double.
/// </remarks>
public sealed class FalseNegatives : ConfusionConditionCount, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="thresholds">Thresholds in [0, 1]; default one threshold 0.5. For logits use 0.</param>
    /// <param name="name">Metric name; default <c>"false_negatives"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is outside [0, 1].</exception>
    public FalseNegatives(IReadOnlyList<float>? thresholds = null, string? name = null)
        : base(name ?? "false_negatives", ConfusionCondition.FalseNegatives, thresholds)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new FalseNegatives(c.GetSingleArray("thresholds"), c.Name);
}
