using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// The shared body of <see cref="TruePositives"/>, <see cref="FalsePositives"/>, <see cref="TrueNegatives"/> and
/// <see cref="FalseNegatives"/> (Keras's <c>_ConfusionMatrixConditionCount</c>): one <c>accumulator</c> state of one
/// value per threshold.
/// </summary>
internal sealed class ConfusionCount
{
    private readonly ConfusionCondition _condition;
    private readonly IReadOnlyList<float>? _initThresholds;
    private readonly double[] _thresholds;
    private readonly ThresholdedConfusion _confusion;
    private readonly MetricStateVariable _accumulator;
    private readonly nint[] _resultShape;

    public ConfusionCount(ConfusionCondition condition, IReadOnlyList<float>? thresholds, Func<string, int, StateMerge, MetricStateVariable> addState)
    {
        _condition = condition;
        _initThresholds = thresholds is null ? null : Array.AsReadOnly(thresholds.ToArray());
        _thresholds = ThresholdList.Parse(thresholds, 0.5);
        Thresholds = ThresholdList.AsFloats(_thresholds);
        _confusion = new ThresholdedConfusion(_thresholds, ThresholdedConfusion.IsEvenlyDistributed(_thresholds));
        _accumulator = addState("accumulator", _thresholds.Length, StateMerge.Sum);
        _resultShape = _thresholds.Length == 1 ? [] : [_thresholds.Length];
    }

    public IReadOnlyList<float> Thresholds { get; }

    public ReadOnlySpan<nint> ResultShape => _resultShape;

    public void Update(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in ReadOnlyTensorSpan<float> sampleWeight)
    {
        Span<double> acc = _accumulator.Values;
        _confusion.Update(yTrue, yPred, sampleWeight,
            _condition == ConfusionCondition.TruePositives ? acc : [],
            _condition == ConfusionCondition.FalsePositives ? acc : [],
            _condition == ConfusionCondition.TrueNegatives ? acc : [],
            _condition == ConfusionCondition.FalseNegatives ? acc : []);
    }

    public void ComputeResult(Span<double> destination) => _accumulator.Values.CopyTo(destination);

    public void WriteConfig(Utf8JsonWriter writer) => ThresholdList.Write(writer, "thresholds", _initThresholds);
}
