namespace TbLogger.Metrics;

/// <summary>
/// The (weighted) number of true positives: prediction above the threshold and a positive label (Keras <c>keras.metrics.TruePositives</c>).
/// A prediction is positive when strictly greater than the threshold.
/// </summary>
/// <remarks>
/// One value per threshold; the result is a scalar for one threshold and a vector [T] otherwise. Labels are
/// booleans (non-zero is positive). Evenly spaced thresholds (i/(T−1), T ≥ 3) use the O(N + T) bucketing path.
/// Counts are accumulated in double.
/// </remarks>
public sealed class TruePositives : ConfusionConditionCount, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="thresholds">Thresholds in [0, 1]; default one threshold 0.5. For logits use 0.</param>
    /// <param name="name">Metric name; default <c>"true_positives"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is outside [0, 1].</exception>
    public TruePositives(IReadOnlyList<float>? thresholds = null, string? name = null)
        : base(name ?? "true_positives", ConfusionCondition.TruePositives, thresholds)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new TruePositives(c.GetSingleArray("thresholds"), c.Name);
}
