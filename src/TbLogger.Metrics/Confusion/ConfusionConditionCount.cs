using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// The shared base of <see cref="TruePositives"/>, <see cref="FalsePositives"/>, <see cref="TrueNegatives"/> and
/// <see cref="FalseNegatives"/> (Keras's <c>_ConfusionMatrixConditionCount</c>): the (weighted) count of one cell of the
/// binary confusion matrix, kept in one <c>accumulator</c> state of one value per threshold.
/// </summary>
/// <remarks>
/// A prediction is positive when strictly greater than the threshold. The result is a scalar for one threshold and a
/// vector [T] otherwise. Only this library derives from this class.
/// </remarks>
public abstract class ConfusionConditionCount : Metric
{
    private readonly ConfusionCondition _condition;
    private readonly IReadOnlyList<float>? _initThresholds;
    private readonly ThresholdedConfusion _confusion;
    private readonly MetricStateVariable _accumulator;
    private readonly nint[] _resultShape;

    /// <summary>Validates the thresholds and registers the <c>accumulator</c> state.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="condition">The confusion-matrix cell to count.</param>
    /// <param name="thresholds">Thresholds in [0, 1]; null for one threshold 0.5.</param>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is outside [0, 1].</exception>
    private protected ConfusionConditionCount(string name, ConfusionCondition condition, IReadOnlyList<float>? thresholds)
        : base(name)
    {
        _condition = condition;
        _initThresholds = thresholds is null ? null : Array.AsReadOnly(thresholds.ToArray());
        double[] values = ThresholdList.Parse(thresholds, 0.5);
        Thresholds = ThresholdList.AsFloats(values);
        _confusion = new ThresholdedConfusion(values, ThresholdedConfusion.IsEvenlyDistributed(values));
        _accumulator = AddState("accumulator", values.Length, StateMerge.Sum);
        _resultShape = values.Length == 1 ? [] : [values.Length];
    }

    /// <summary>The thresholds, in the order of the result.</summary>
    public IReadOnlyList<float> Thresholds { get; }

    /// <inheritdoc/>
    protected sealed override ReadOnlySpan<nint> ResultShape => _resultShape;

    /// <inheritdoc/>
    public sealed override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                            ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        Span<double> acc = _accumulator.Values;
        _confusion.Update(yTrue, yPred, sampleWeight,
            _condition == ConfusionCondition.TruePositives ? acc : [],
            _condition == ConfusionCondition.FalsePositives ? acc : [],
            _condition == ConfusionCondition.TrueNegatives ? acc : [],
            _condition == ConfusionCondition.FalseNegatives ? acc : []);
    }

    /// <inheritdoc/>
    protected sealed override void ComputeResult(Span<double> destination) => _accumulator.Values.CopyTo(destination);

    /// <inheritdoc/>
    protected sealed override void WriteConfig(Utf8JsonWriter writer) => ThresholdList.Write(writer, "thresholds", _initThresholds);
}
