namespace TbLogger.Metrics;

/// <summary>
/// The (weighted) number of true negatives: prediction at or below the threshold and a negative label (Keras <c>keras.metrics.TrueNegatives</c>).
/// A prediction is positive when strictly greater than the threshold.
/// </summary>
/// <remarks>
/// One value per threshold; the result is a scalar for one threshold and a vector [T] otherwise. Labels are
/// booleans (non-zero is positive). Evenly spaced thresholds (i/(T−1), T ≥ 3) use the O(N + T) bucketing path.
/// Counts are accumulated in double.
/// </remarks>
public sealed class TrueNegatives : ConfusionConditionCount, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="thresholds">Thresholds in [0, 1]; default one threshold 0.5. For logits use 0.</param>
    /// <param name="name">Metric name; default <c>"true_negatives"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is outside [0, 1].</exception>
    public TrueNegatives(IReadOnlyList<float>? thresholds = null, string? name = null)
        : base(name ?? "true_negatives", ConfusionCondition.TrueNegatives, thresholds)
    {
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new TrueNegatives(c.GetSingleArray("thresholds"), c.Name);
}
