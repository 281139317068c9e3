namespace TbLogger.Metrics;

/// <summary>
/// The best specificity TN / (TN + FP) at a sensitivity TP / (TP + FN) of at least the target (Keras <c>keras.metrics.SpecificityAtSensitivity</c>).
/// </summary>
/// <remarks>
/// Accumulates TP/FP/TN/FN over <c>numThresholds</c> thresholds exactly 0, 1/(T−1), …, 1 (one threshold: 0.5) and
/// returns the best specificity rate among the thresholds whose sensitivity rate is at least the target, or 0 when none is. A
/// prediction is positive when strictly greater than the threshold. Counts are accumulated in double.
/// </remarks>
public sealed class SpecificityAtSensitivity : SensitivitySpecificityBase, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="sensitivity">The target sensitivity in [0, 1].</param>
    /// <param name="numThresholds">Number of thresholds (default 200, at least 1).</param>
    /// <param name="classId">Consider only this class (column) of [samples, classes] data; null for all.</param>
    /// <param name="name">Metric name; default <c>"specificity_at_sensitivity"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The target is outside [0, 1], numThresholds &lt; 1 or &gt; 268,435,447 (its bucket counts must fit in one array), or classId &lt; 0.</exception>
    public SpecificityAtSensitivity(double sensitivity, int numThresholds = 200, int? classId = null, string? name = null)
        : base(name ?? "specificity_at_sensitivity", sensitivity, "sensitivity", numThresholds, classId, OperatingRate.Sensitivity, OperatingRate.Specificity)
    {
    }

    /// <summary>The target sensitivity.</summary>
    public double Sensitivity => Target;

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new SpecificityAtSensitivity(
            c.GetRequiredDouble("sensitivity"), c.GetInt32("num_thresholds", 200), c.GetNullableInt32("class_id", null), c.Name);
}
