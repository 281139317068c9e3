namespace TbLogger.Metrics;

/// <summary>
/// The best precision TP / (TP + FP) at a recall TP / (TP + FN) of at least the target (Keras <c>keras.metrics.PrecisionAtRecall</c>).
/// </summary>
/// <remarks>
/// Accumulates TP/FP/TN/FN over <c>numThresholds</c> thresholds exactly 0, 1/(T−1), …, 1 (one threshold: 0.5) and
/// returns the best precision rate among the thresholds whose recall rate is at least the target, or 0 when none is. A
/// prediction is positive when strictly greater than the threshold. Counts are accumulated in double.
/// </remarks>
public sealed class PrecisionAtRecall : SensitivitySpecificityBase, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="recall">The target recall in [0, 1].</param>
    /// <param name="numThresholds">Number of thresholds (default 200, at least 1).</param>
    /// <param name="classId">Consider only this class (column) of [samples, classes] data; null for all.</param>
    /// <param name="name">Metric name; default <c>"precision_at_recall"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The target is outside [0, 1], numThresholds &lt; 1 or &gt; 268,435,447 (its bucket counts must fit in one array), or classId &lt; 0.</exception>
    public PrecisionAtRecall(double recall, int numThresholds = 200, int? classId = null, string? name = null)
        : base(name ?? "precision_at_recall", recall, "recall", numThresholds, classId, OperatingRate.Recall, OperatingRate.Precision)
    {
    }

    /// <summary>The target recall.</summary>
    public double Recall => Target;

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new PrecisionAtRecall(
            c.GetRequiredDouble("recall"), c.GetInt32("num_thresholds", 200), c.GetNullableInt32("class_id", null), c.Name);
}
