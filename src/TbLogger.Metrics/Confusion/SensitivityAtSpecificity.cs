namespace TbLogger.Metrics;

/// <summary>
/// The best sensitivity TP / (TP + FN) at a specificity TN / (TN + FP) of at least the target (Keras <c>keras.metrics.SensitivityAtSpecificity</c>).
/// </summary>
/// <remarks>
/// Accumulates TP/FP/TN/FN over <c>numThresholds</c> thresholds exactly 0, 1/(T−1), …, 1 (one threshold: 0.5) and
/// returns the best sensitivity rate among the thresholds whose specificity rate is at least the target, or 0 when none is. A
/// prediction is positive when strictly greater than the threshold. Counts are accumulated in double.
/// </remarks>
public sealed class SensitivityAtSpecificity : SensitivitySpecificityBase, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="specificity">The target specificity in [0, 1].</param>
    /// <param name="numThresholds">Number of thresholds (default 200, at least 1).</param>
    /// <param name="classId">Consider only this class (column) of [samples, classes] data; null for all.</param>
    /// <param name="name">Metric name; default <c>"sensitivity_at_specificity"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The target is outside [0, 1], numThresholds &lt; 1 or &gt; 268,435,447 (its bucket counts must fit in one array), or classId &lt; 0.</exception>
    public SensitivityAtSpecificity(double specificity, int numThresholds = 200, int? classId = null, string? name = null)
        : base(name ?? "sensitivity_at_specificity", specificity, "specificity", numThresholds, classId, OperatingRate.Specificity, OperatingRate.Sensitivity)
    {
    }

    /// <summary>The target specificity.</summary>
    public double Specificity => Target;

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new SensitivityAtSpecificity(
            c.GetRequiredDouble("specificity"), c.GetInt32("num_thresholds", 200), c.GetNullableInt32("class_id", null), c.Name);
}
