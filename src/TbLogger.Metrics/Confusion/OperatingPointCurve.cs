using System.Numerics.Tensors;

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
/// The shared body of the operating-point metrics (Keras's <c>SensitivitySpecificityBase</c>): TP/FP/TN/FN over
/// <c>num_thresholds</c> thresholds exactly 0, 1/(T−1), …, 1 (no end epsilons, unlike AUC; a single threshold is 0.5),
/// and the best value of one rate among the thresholds where another rate reaches a target.
/// </summary>
internal sealed class OperatingPointCurve
{
    private readonly ThresholdedConfusion _confusion;
    private readonly MetricStateVariable _tp, _fp, _tn, _fn;
    private readonly OperatingRate _constrained, _maximised;
    private readonly float _target;

    public OperatingPointCurve(double target, string targetName, int numThresholds, int? classId,
                               OperatingRate constrained, OperatingRate maximised,
                               Func<string, int, StateMerge, MetricStateVariable> addState)
    {
        if (!(target >= 0 && target <= 1))
            throw new ArgumentOutOfRangeException(targetName, target, $"Argument `{targetName}` must be in the range [0, 1].");
        ArgumentOutOfRangeException.ThrowIfLessThan(numThresholds, 1, nameof(numThresholds));
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
        _tp = addState("true_positives", numThresholds, StateMerge.Sum);
        _fp = addState("false_positives", numThresholds, StateMerge.Sum);
        _tn = addState("true_negatives", numThresholds, StateMerge.Sum);
        _fn = addState("false_negatives", numThresholds, StateMerge.Sum);
        _constrained = constrained;
        _maximised = maximised;
        _target = (float)target;
    }

    public void Update(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in ReadOnlyTensorSpan<float> sampleWeight)
        => _confusion.Update(yTrue, yPred, sampleWeight, _tp.Values, _fp.Values, _tn.Values, _fn.Values);

    /// <summary>
    /// max over thresholds of the maximised rate where the constrained rate ≥ target, else 0. The comparison is made
    /// on the rate rounded to float32 against the float32 target, as Keras compares its float32 tensors.
    /// </summary>
    public double Result()
    {
        double best = 0;
        for (int i = 0; i < _tp.Length; i++)
        {
            if ((float)Rate(_constrained, i) >= _target) best = Math.Max(best, Rate(_maximised, i));
        }
        return best;
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
