using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>Which rate constrains an operating-point metric and which one it maximises.</summary>
internal enum OperatingRate
{
    Sensitivity,
    Specificity,
    Precision,
    Recall,
}

/// <summary>
/// The shared base of <see cref="SensitivityAtSpecificity"/>, <see cref="SpecificityAtSensitivity"/>,
/// <see cref="PrecisionAtRecall"/> and <see cref="RecallAtPrecision"/> (Keras's <c>SensitivitySpecificityBase</c>): the
/// best value of one rate among the thresholds where another rate reaches a target.
/// </summary>
/// <remarks>
/// Accumulates TP/FP/TN/FN over <see cref="NumThresholds"/> thresholds exactly 0, 1/(T−1), …, 1 (no end epsilons,
/// unlike AUC; a single threshold is 0.5) and returns the best maximised rate among the thresholds whose constrained
/// rate is at least <see cref="Target"/>, or 0 when none is. A prediction is positive when strictly greater than the
/// threshold. Counts are accumulated in double. Only this library derives from this class.
/// </remarks>
public abstract class SensitivitySpecificityBase : Metric
{
    private readonly string _targetName;
    private readonly ThresholdedConfusion _confusion;
    private readonly MetricStateVariable _tp, _fp, _tn, _fn;
    private readonly OperatingRate _constrained, _maximised;
    private readonly float _target32;

    /// <summary>Validates the arguments and registers the <c>true_positives</c>, <c>false_positives</c>, <c>true_negatives</c> and <c>false_negatives</c> states.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="target">The target of the constrained rate, in [0, 1].</param>
    /// <param name="targetName">The Keras name of the target (its constructor argument and config key).</param>
    /// <param name="numThresholds">Number of thresholds, at least 1.</param>
    /// <param name="classId">Consider only this class (column) of [samples, classes] data; null for all.</param>
    /// <param name="constrained">The rate that must reach <paramref name="target"/>.</param>
    /// <param name="maximised">The rate whose best value is the result.</param>
    /// <exception cref="ArgumentOutOfRangeException">The target is outside [0, 1], numThresholds &lt; 1 or &gt; 268,435,447 (its bucket counts must fit in one array), or classId &lt; 0.</exception>
    private protected SensitivitySpecificityBase(string name, double target, string targetName, int numThresholds, int? classId,
                                                 OperatingRate constrained, OperatingRate maximised)
        : base(name)
    {
        if (!(target >= 0 && target <= 1))
            throw new ArgumentOutOfRangeException(targetName, target, $"Argument `{targetName}` must be in the range [0, 1].");
        ArgumentOutOfRangeException.ThrowIfLessThan(numThresholds, 1, nameof(numThresholds));
        ThresholdedConfusion.ThrowIfTooManyThresholds(numThresholds);
        if (classId is int c) ArgumentOutOfRangeException.ThrowIfNegative(c, nameof(classId));
        double[] thresholds;
        if (numThresholds == 1)
        {
            thresholds = [0.5];
        }
        else
        {
            thresholds = new double[numThresholds];
            for (int i = 1; i < numThresholds - 1; i++) thresholds[i] = (i * 1.0) / (numThresholds - 1);
            thresholds[^1] = 1.0;
        }
        _confusion = new ThresholdedConfusion(thresholds, evenlySpaced: numThresholds > 1, classId: classId);
        _tp = AddState("true_positives", numThresholds, StateMerge.Sum);
        _fp = AddState("false_positives", numThresholds, StateMerge.Sum);
        _tn = AddState("true_negatives", numThresholds, StateMerge.Sum);
        _fn = AddState("false_negatives", numThresholds, StateMerge.Sum);
        _targetName = targetName;
        _constrained = constrained;
        _maximised = maximised;
        _target32 = (float)target;
        Target = target;
        NumThresholds = numThresholds;
        ClassId = classId;
    }

    /// <summary>The target of the constrained rate (Keras's <c>value</c>).</summary>
    public double Target { get; }

    /// <summary>The number of thresholds.</summary>
    public int NumThresholds { get; }

    /// <summary>The class restriction, or null.</summary>
    public int? ClassId { get; }

    /// <inheritdoc/>
    public sealed override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                            ReadOnlyTensorSpan<float> sampleWeight = default)
        => _confusion.Update(yTrue, yPred, sampleWeight, _tp.Values, _fp.Values, _tn.Values, _fn.Values);

    /// <inheritdoc/>
    /// <remarks>
    /// The max over thresholds of the maximised rate where the constrained rate ≥ target, else 0. The comparison is made
    /// on the rate rounded to float32 against the float32 target, as Keras compares its float32 tensors.
    /// </remarks>
    protected sealed override void ComputeResult(Span<double> destination)
    {
        double best = 0;
        for (int i = 0; i < _tp.Length; i++)
        {
            if ((float)Rate(_constrained, i) >= _target32) best = Math.Max(best, Rate(_maximised, i));
        }
        destination[0] = best;
    }

    /// <inheritdoc/>
    protected sealed override void WriteConfig(Utf8JsonWriter writer)
    {
        if (ClassId is int c) writer.WriteNumber("class_id", c); else writer.WriteNull("class_id");
        writer.WriteNumber("num_thresholds", NumThresholds);
        writer.WriteNumber(_targetName, Target);
    }

    private double Rate(OperatingRate rate, int i)
    {
        double tp = _tp.Values[i], fp = _fp.Values[i], tn = _tn.Values[i], fn = _fn.Values[i];
        return rate switch
        {
            OperatingRate.Sensitivity or OperatingRate.Recall => MetricMath.DivideNoNan(tp, tp + fn),
            OperatingRate.Specificity => MetricMath.DivideNoNan(tn, tn + fp),
            _ => MetricMath.DivideNoNan(tp, tp + fp),
        };
    }
}
