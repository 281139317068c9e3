using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Recall, TP / (TP + FN): how many positive labels get a prediction above the threshold (Keras <c>keras.metrics.Recall</c>).
/// </summary>
/// <remarks>
/// <para>A prediction is positive when strictly greater than the threshold. Division by zero gives 0 (Keras's
/// <c>divide_no_nan</c>), not NaN. One value per threshold: scalar for one threshold, a vector [T] otherwise.</para>
/// <para><c>topK</c> keeps the k largest predictions of each row (last axis; ties go to the lower index) and treats
/// the rest as negative; with topK and no thresholds the threshold is −1e10 (every kept prediction is positive).
/// <c>classId</c> restricts [samples, classes] data to one column. Counts are accumulated in double.</para>
/// </remarks>
public sealed class Recall : Metric, IRegisteredMetric
{
    private readonly ThresholdedRatio _ratio;

    /// <summary>Creates the metric.</summary>
    /// <param name="thresholds">Thresholds in [0, 1]; default 0.5 (or −1e10 when <paramref name="topK"/> is set). For logits use 0.</param>
    /// <param name="topK">Consider only the k largest predictions of each row; null for all.</param>
    /// <param name="classId">Consider only this class (column) of [samples, classes] data; null for all.</param>
    /// <param name="name">Metric name; default <c>"recall"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is outside [0, 1], topK &lt; 1 or classId &lt; 0.</exception>
    public Recall(IReadOnlyList<float>? thresholds = null, int? topK = null, int? classId = null, string? name = null)
        : base(name ?? "recall")
        => _ratio = new ThresholdedRatio(ConfusionCondition.FalseNegatives, thresholds, topK, classId, AddState);

    /// <summary>The thresholds, in the order of the result.</summary>
    public IReadOnlyList<float> Thresholds => _ratio.Thresholds;

    /// <summary>The top-k setting, or null.</summary>
    public int? TopK => _ratio.TopK;

    /// <summary>The class restriction, or null.</summary>
    public int? ClassId => _ratio.ClassId;

    /// <inheritdoc/>
    protected override ReadOnlySpan<nint> ResultShape => _ratio.ResultShape;

    /// <inheritdoc/>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                     ReadOnlyTensorSpan<float> sampleWeight = default)
        => _ratio.Update(yTrue, yPred, sampleWeight);

    /// <inheritdoc/>
    protected override void ComputeResult(Span<double> destination) => _ratio.ComputeResult(destination);

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new Recall(c.GetSingleArray("thresholds"), c.GetNullableInt32("top_k", null), c.GetNullableInt32("class_id", null), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer) => _ratio.WriteConfig(writer);
}
