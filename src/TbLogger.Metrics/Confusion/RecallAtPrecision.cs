namespace TbLogger.Metrics;

/// <summary>
/// The best recall TP / (TP + FN) at a precision TP / (TP + FP) of at least the target (Keras <c>keras.metrics.RecallAtPrecision</c>).
/// </summary>
/// <remarks>
/// Accumulates TP/FP/TN/FN over <c>numThresholds</c> thresholds exactly 0, 1/(T−1), …, 1 (one threshold: 0.5) and
/// returns the best recall rate among the thresholds whose precision rate is at least the target, or 0 when none is. A
/// prediction is positive when strictly greater than the threshold. Counts are accumulated in double.
/// </remarks>
public sealed class RecallAtPrecision : SensitivitySpecificityBase, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="precision">The target precision in [0, 1].</param>
    /// <param name="numThresholds">Number of thresholds (default 200, at least 1).</param>
    /// <param name="classId">Consider only this class (column) of [samples, classes] data; null for all.</param>
    /// <param name="name">Metric name; default <c>"recall_at_precision"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The target is outside [0, 1], numThresholds &lt; 1 or &gt; 268,435,447 (its bucket counts must fit in one array), or classId &lt; 0.</exception>
    public RecallAtPrecision(double precision, int numThresholds = 200, int? classId = null, string? name = null)
        : base(name ?? "recall_at_precision", precision, "precision", numThresholds, classId, OperatingRate.Precision, OperatingRate.Recall)
    {
    }

    /// <summary>The target precision.</summary>
    public double Precision => Target;

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new RecallAtPrecision(
            c.GetRequiredDouble("precision"), c.GetInt32("num_thresholds", 200), c.GetNullableInt32("class_id", null), c.Name);
}
