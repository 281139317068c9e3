using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// The shared body of <see cref="Precision"/> and <see cref="Recall"/>: TP / (TP + other) per threshold, where other is
/// the false positives (precision) or the false negatives (recall). States <c>true_positives</c> and then
/// <c>false_positives</c> / <c>false_negatives</c>, one value per threshold.
/// </summary>
internal sealed class ThresholdedRatio
{
    private readonly ConfusionCondition _other;
    private readonly IReadOnlyList<float>? _initThresholds;
    private readonly ThresholdedConfusion _confusion;
    private readonly MetricStateVariable _truePositives;
    private readonly MetricStateVariable _others;
    private readonly nint[] _resultShape;

    /// <summary>Validates the arguments and registers the two states (TP first, as the public metrics always did).</summary>
    /// <param name="other">The count beside TP in the denominator: <see cref="ConfusionCondition.FalsePositives"/> (precision) or <see cref="ConfusionCondition.FalseNegatives"/> (recall).</param>
    /// <param name="thresholds">User thresholds, or null for the default.</param>
    /// <param name="topK">Top-k restriction, or null.</param>
    /// <param name="classId">Class restriction, or null.</param>
    /// <param name="addState">The owning metric's AddState.</param>
    public ThresholdedRatio(ConfusionCondition other, IReadOnlyList<float>? thresholds, int? topK, int? classId,
                            Func<string, int, StateMerge, MetricStateVariable> addState)
    {
        if (topK is int k) ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, nameof(topK));
        if (classId is int c) ArgumentOutOfRangeException.ThrowIfNegative(c, nameof(classId));
        _other = other;
        _initThresholds = thresholds is null ? null : Array.AsReadOnly(thresholds.ToArray());
        double[] values = ThresholdList.Parse(thresholds, topK is null ? 0.5 : ThresholdedConfusion.NegativeInfinity);
        Thresholds = ThresholdList.AsFloats(values);
        TopK = topK;
        ClassId = classId;
        _confusion = new ThresholdedConfusion(values, ThresholdedConfusion.IsEvenlyDistributed(values), topK, classId);
        _truePositives = addState("true_positives", values.Length, StateMerge.Sum);
        _others = addState(other == ConfusionCondition.FalsePositives ? "false_positives" : "false_negatives", values.Length, StateMerge.Sum);
        _resultShape = values.Length == 1 ? [] : [values.Length];
    }

    public IReadOnlyList<float> Thresholds { get; }

    public int? TopK { get; }

    public int? ClassId { get; }

    public ReadOnlySpan<nint> ResultShape => _resultShape;

    public void Update(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in ReadOnlyTensorSpan<float> sampleWeight)
    {
        Span<double> tp = _truePositives.Values, other = _others.Values;
        if (_other == ConfusionCondition.FalsePositives) _confusion.Update(yTrue, yPred, sampleWeight, tp, other, [], []);
        else _confusion.Update(yTrue, yPred, sampleWeight, tp, [], [], other);
    }

    public void ComputeResult(Span<double> destination)
    {
        ReadOnlySpan<double> tp = _truePositives.Values, other = _others.Values;
        for (int i = 0; i < destination.Length; i++) destination[i] = MetricMath.DivideNoNan(tp[i], tp[i] + other[i]);
    }

    public void WriteConfig(Utf8JsonWriter writer)
    {
        ThresholdList.Write(writer, "thresholds", _initThresholds);
        if (TopK is int k) writer.WriteNumber("top_k", k); else writer.WriteNull("top_k");
        if (ClassId is int c) writer.WriteNumber("class_id", c); else writer.WriteNull("class_id");
    }
}
