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
public sealed class Recall : Metric
{
    private readonly IReadOnlyList<float>? _initThresholds;
    private readonly ThresholdedConfusion _confusion;
    private readonly MetricStateVariable _truePositives;
    private readonly MetricStateVariable _falseNegatives;
    private readonly nint[] _resultShape;

    /// <summary>Creates the metric.</summary>
    /// <param name="thresholds">Thresholds in [0, 1]; default 0.5 (or −1e10 when <paramref name="topK"/> is set). For logits use 0.</param>
    /// <param name="topK">Consider only the k largest predictions of each row; null for all.</param>
    /// <param name="classId">Consider only this class (column) of [samples, classes] data; null for all.</param>
    /// <param name="name">Metric name; default <c>"recall"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is outside [0, 1], topK &lt; 1 or classId &lt; 0.</exception>
    public Recall(IReadOnlyList<float>? thresholds = null, int? topK = null, int? classId = null, string? name = null)
        : base(name ?? "recall")
    {
        if (topK is int k) ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, nameof(topK));
        if (classId is int c) ArgumentOutOfRangeException.ThrowIfNegative(c, nameof(classId));
        _initThresholds = thresholds is null ? null : Array.AsReadOnly(thresholds.ToArray());
        double[] values = ThresholdList.Parse(thresholds, topK is null ? 0.5 : ThresholdedConfusion.NegativeInfinity);
        Thresholds = ThresholdList.AsFloats(values);
        TopK = topK;
        ClassId = classId;
        _confusion = new ThresholdedConfusion(values, ThresholdedConfusion.IsEvenlyDistributed(values), topK, classId);
        _truePositives = AddState("true_positives", values.Length, StateMerge.Sum);
        _falseNegatives = AddState("false_negatives", values.Length, StateMerge.Sum);
        _resultShape = values.Length == 1 ? [] : [values.Length];
    }

    /// <summary>The thresholds, in the order of the result.</summary>
    public IReadOnlyList<float> Thresholds { get; }

    /// <summary>The top-k setting, or null.</summary>
    public int? TopK { get; }

    /// <summary>The class restriction, or null.</summary>
    public int? ClassId { get; }

    /// <inheritdoc/>
    protected override ReadOnlySpan<nint> ResultShape => _resultShape;

    /// <inheritdoc/>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                     ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        Span<double> tp = _truePositives.Values, other = _falseNegatives.Values;
        _confusion.Update(yTrue, yPred, sampleWeight, tp, [], [], other);
    }

    /// <inheritdoc/>
    protected override void ComputeResult(Span<double> destination)
    {
        ReadOnlySpan<double> tp = _truePositives.Values, other = _falseNegatives.Values;
        for (int i = 0; i < destination.Length; i++) destination[i] = MetricMath.DivideNoNan(tp[i], tp[i] + other[i]);
    }

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        ThresholdList.Write(writer, "thresholds", _initThresholds);
        if (TopK is int k) writer.WriteNumber("top_k", k); else writer.WriteNull("top_k");
        if (ClassId is int c) writer.WriteNumber("class_id", c); else writer.WriteNull("class_id");
    }
}
