using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Approximates the area under the ROC, PR or PR-gain curve with a Riemann sum over a threshold grid
/// (Keras <c>keras.metrics.AUC</c>).
/// </summary>
/// <remarks>
/// <para>The grid has <c>numThresholds</c> points: (i)/(T−1) for the inner points plus −1e-7 and 1 + 1e-7 at the ends,
/// so predictions of exactly 0 and 1 are handled; user <c>thresholds</c> replace the inner points (sorted). A
/// prediction is positive when strictly greater than a threshold. On an evenly spaced grid each prediction is
/// bucketed once (O(N + T), as Keras's optimised path); otherwise by binary search (O(N log T)).</para>
/// <para>ROC uses trapezoids by default; PR uses the Davis–Goadrich interpolation of TP and FP (not a trapezoid).
/// Ratios divide with <c>divide_no_nan</c>. With <c>multiLabel</c> each column of [batch, labels] data gets its own
/// curve and the result is their mean (weighted by <c>labelWeights</c>); otherwise data is flattened and
/// <c>labelWeights</c> weight the columns. Counts are accumulated in double and the area computed in double.</para>
/// </remarks>
public sealed class AUC : Metric, IRegisteredMetric
{
    /// <summary>Keras's end-point epsilon (<c>backend.epsilon()</c>).</summary>
    private const double EndEpsilon = 1e-7;

    private readonly double[] _thresholds;
    private readonly IReadOnlyList<float>? _initThresholds;
    private readonly float[]? _labelWeights;
    private readonly ThresholdedConfusion _confusion;
    private readonly MetricStateVariable _tp, _fp, _tn, _fn;

    /// <summary>Creates the metric.</summary>
    /// <param name="numThresholds">Number of grid points including the two ends (default 200, at least 2); ignored when <paramref name="thresholds"/> is given.</param>
    /// <param name="curve">ROC (default), PR or PR-gain.</param>
    /// <param name="summationMethod">Interpolation (default), minoring or majoring.</param>
    /// <param name="thresholds">Inner grid points in [0, 1]; the grid becomes −ε, sorted(thresholds), 1 + ε.</param>
    /// <param name="multiLabel">Compute one curve per label column and average them.</param>
    /// <param name="numLabels">Number of labels when <paramref name="multiLabel"/> is set; null to take it from the first batch.</param>
    /// <param name="labelWeights">Non-negative per-label weights: of the label AUCs (multi-label) or of the columns of flattened data.</param>
    /// <param name="fromLogits">Apply a sigmoid to predictions first.</param>
    /// <param name="name">Metric name; default <c>"auc"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">numThresholds &lt; 2 or &gt; 268,435,447 (its bucket counts must fit in one array), thresholds of more than 268,435,445 values (the same bound, with its two end thresholds), a threshold outside [0, 1], numLabels &lt; 1 or with numThresholds × numLabels &gt; <see cref="Array.MaxLength"/>, a negative label weight, or an undefined enum value.</exception>
    /// <exception cref="ArgumentException">numLabels without multiLabel, or labelWeights whose length differs from numLabels.</exception>
    public AUC(int numThresholds = 200, AucCurve curve = AucCurve.Roc, AucSummationMethod summationMethod = AucSummationMethod.Interpolation,
               IReadOnlyList<float>? thresholds = null, bool multiLabel = false, int? numLabels = null,
               IReadOnlyList<float>? labelWeights = null, bool fromLogits = false, string? name = null)
        : base(name ?? "auc")
    {
        if (!Enum.IsDefined(curve)) throw new ArgumentOutOfRangeException(nameof(curve), curve, "Expected ROC, PR or PRGain.");
        if (!Enum.IsDefined(summationMethod))
            throw new ArgumentOutOfRangeException(nameof(summationMethod), summationMethod, "Expected Interpolation, Minoring or Majoring.");
        bool evenly;
        if (thresholds is not null)
        {
            double[] inner = ThresholdList.Parse(thresholds, 0.5);
            Array.Sort(inner);
            _initThresholds = ThresholdList.AsFloats(inner);
            _thresholds = [-EndEpsilon, .. inner, 1 + EndEpsilon];
            // The list and the two end thresholds size the same bucket counts as numThresholds does.
            ThresholdedConfusion.ThrowIfTooManyThresholds(_thresholds.Length, nameof(thresholds));
            evenly = ThresholdedConfusion.IsEvenlyDistributed([0.0, .. inner, 1.0]);
        }
        else
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(numThresholds, 2, nameof(numThresholds));
            ThresholdedConfusion.ThrowIfTooManyThresholds(numThresholds);
            _thresholds = new double[numThresholds];
            _thresholds[0] = -EndEpsilon;
            for (int i = 1; i < numThresholds - 1; i++) _thresholds[i] = (i * 1.0) / (numThresholds - 1);
            _thresholds[^1] = 1 + EndEpsilon;
            evenly = true;
        }
        if (numLabels is int nl)
        {
            if (!multiLabel) throw new ArgumentException("numLabels is needed only when multiLabel is true.", nameof(numLabels));
            ArgumentOutOfRangeException.ThrowIfLessThan(nl, 1, nameof(numLabels));
            // The [T, L] states are single arrays; past this bound T × L would wrap around int and size them wrongly.
            int maxLabels = Array.MaxLength / _thresholds.Length;
            if (nl > maxLabels)
            {
                throw new ArgumentOutOfRangeException(nameof(numLabels), nl, TooManyLabels(_thresholds.Length) + ".");
            }
        }
        if (labelWeights is not null)
        {
            _labelWeights = [.. labelWeights];
            for (int i = 0; i < _labelWeights.Length; i++)
                if (!(_labelWeights[i] >= 0))
                    throw new ArgumentOutOfRangeException(nameof(labelWeights), _labelWeights[i], $"labelWeights[{i}] must be non-negative.");
            if (numLabels is int n && n != _labelWeights.Length)
                throw new ArgumentException($"labelWeights has {_labelWeights.Length} values but numLabels is {n}.", nameof(labelWeights));
        }
        NumThresholds = _thresholds.Length;
        Curve = curve;
        SummationMethod = summationMethod;
        MultiLabel = multiLabel;
        NumLabels = numLabels;
        FromLogits = fromLogits;
        Thresholds = ThresholdList.AsFloats(_thresholds);
        _confusion = new ThresholdedConfusion(_thresholds, evenly, multiLabel: multiLabel, fromLogits: fromLogits,
                                              labelWeights: multiLabel ? null : _labelWeights);
        // Multi-label states are [T, L], sized at construction when numLabels is known, else by the first batch.
        int length = !multiLabel ? NumThresholds : numLabels is int l ? NumThresholds * l : 0;
        _tp = AddState("true_positives", length, StateMerge.Sum);
        _fp = AddState("false_positives", length, StateMerge.Sum);
        _tn = AddState("true_negatives", length, StateMerge.Sum);
        _fn = AddState("false_negatives", length, StateMerge.Sum);
    }

    /// <summary>Number of grid points T, including the two end points.</summary>
    public int NumThresholds { get; }

    /// <summary>The full threshold grid, including −1e-7 and 1 + 1e-7 (as Keras's <c>thresholds</c> property).</summary>
    public IReadOnlyList<float> Thresholds { get; }

    /// <summary>The curve.</summary>
    public AucCurve Curve { get; }

    /// <summary>The summation method.</summary>
    public AucSummationMethod SummationMethod { get; }

    /// <summary>Whether each label column gets its own curve.</summary>
    public bool MultiLabel { get; }

    /// <summary>The configured number of labels, or null.</summary>
    public int? NumLabels { get; }

    /// <summary>Whether predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>Why more labels than <c>Array.MaxLength / thresholds</c> are refused, for the constructor's numLabels and a first batch alike.</summary>
    private static string TooManyLabels(int thresholds) =>
        $"At most {Array.MaxLength / thresholds} labels are accepted with {thresholds} thresholds: each state holds numThresholds × numLabels counts, " +
        $"which must fit in one .NET array of at most Array.MaxLength ({Array.MaxLength}) elements";

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Multi-label: yPred's labels differ from the first batch's (or labelWeights'), or, on the first
    /// batch without numLabels, numThresholds × labels exceeds <see cref="Array.MaxLength"/>; the metric is left unchanged.</exception>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                     ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        if (MultiLabel)
        {
            int labels = ThresholdedConfusion.MultiLabelCount(yPred);
            // Without numLabels the first batch sizes the [T, L] states: checked as the constructor checks numLabels,
            // in long (T × L wrapped around int and sized them wrongly), before anything changes.
            long counts = (long)NumThresholds * labels;
            if (_tp.Length == 0 && counts > Array.MaxLength)
            {
                throw new ArgumentException($"{TooManyLabels(NumThresholds)}; yPred has shape {MetricGuard.FormatShape(yPred)}.", nameof(yPred));
            }
            if (_tp.Length != 0 && _tp.Length != counts)
                throw new ArgumentException(
                    $"yPred has shape {MetricGuard.FormatShape(yPred)} but this metric was built for {_tp.Length / NumThresholds} labels.", nameof(yPred));
            if (_labelWeights is not null && _labelWeights.Length != labels)
                throw new ArgumentException(
                    $"labelWeights has {_labelWeights.Length} values but yPred has shape {MetricGuard.FormatShape(yPred)}.", nameof(yPred));
            _tp.EnsureLength(NumThresholds * labels);
            _fp.EnsureLength(NumThresholds * labels);
            _tn.EnsureLength(NumThresholds * labels);
            _fn.EnsureLength(NumThresholds * labels);
        }
        _confusion.Update(yTrue, yPred, sampleWeight, _tp.Values, _fp.Values, _tn.Values, _fn.Values);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Multi-label without numLabels and no batch seen yet (Keras has no variables then).</exception>
    protected override void ComputeResult(Span<double> destination)
    {
        if (!MultiLabel)
        {
            destination[0] = Area(_tp.Values, _fp.Values, _tn.Values, _fn.Values, 1, 0);
            return;
        }
        if (_tp.Length == 0)
            throw new InvalidOperationException($"Metric '{Name}' has no result yet: a multi-label AUC without numLabels learns the number of labels from the first batch.");
        int labels = _tp.Length / NumThresholds;
        double sum = 0, weightSum = 0;
        for (int l = 0; l < labels; l++)
        {
            double area = Area(_tp.Values, _fp.Values, _tn.Values, _fn.Values, labels, l);
            double w = _labelWeights is null ? 1 : _labelWeights[l];
            sum += area * w;
            weightSum += w;
        }
        destination[0] = _labelWeights is null ? sum / labels : MetricMath.DivideNoNan(sum, weightSum);
    }

    /// <summary>The area of one curve whose counts sit at offset + stride·t.</summary>
    private double Area(ReadOnlySpan<double> tp, ReadOnlySpan<double> fp, ReadOnlySpan<double> tn, ReadOnlySpan<double> fn, int stride, int offset)
    {
        int t = NumThresholds;
        double total = 0;
        if (Curve == AucCurve.PR && SummationMethod == AucSummationMethod.Interpolation)
        {
            for (int i = 0; i < t - 1; i++)
            {
                int a = offset + stride * i, b = a + stride;
                double dtp = tp[a] - tp[b];
                double pA = tp[a] + fp[a], pB = tp[b] + fp[b];
                double slope = MetricMath.DivideNoNan(dtp, Math.Max(pA - pB, 0));
                double intercept = tp[b] - slope * pB;
                double ratio = pA > 0 && pB > 0 ? MetricMath.DivideNoNan(pA, Math.Max(pB, 0)) : 1;
                total += MetricMath.DivideNoNan(slope * (dtp + intercept * Math.Log(ratio)), Math.Max(tp[b] + fn[b], 0));
            }
            return total;
        }
        double xPrev = 0, yPrev = 0;
        for (int i = 0; i < t; i++)
        {
            int k = offset + stride * i;
            var (x, y) = Point(tp[k], fp[k], tn[k], fn[k]);
            if (i > 0)
            {
                double height = SummationMethod switch
                {
                    AucSummationMethod.Interpolation => (yPrev + y) / 2,
                    AucSummationMethod.Minoring => Math.Min(yPrev, y),
                    _ => Math.Max(yPrev, y),
                };
                total += (xPrev - x) * height;
            }
            xPrev = x;
            yPrev = y;
        }
        return total;
    }

    private (double X, double Y) Point(double tp, double fp, double tn, double fn)
    {
        double recall = MetricMath.DivideNoNan(tp, tp + fn);
        switch (Curve)
        {
            case AucCurve.Roc:
                return (MetricMath.DivideNoNan(fp, fp + tn), recall);
            case AucCurve.PR:
                return (recall, MetricMath.DivideNoNan(tp, tp + fp));
            default:
                // Precision-recall gain: degenerate points (no true positives) get recall gain 0 and precision gain 1,
                // and a negative recall gain is clamped to 0, as Keras does.
                double scaling = MetricMath.DivideNoNan(tp + fn, tn + fp);
                double recallGain = tp == 0 ? 0 : Math.Max(1 - scaling * MetricMath.DivideNoNan(fn, tp), 0);
                double precisionGain = tp == 0 ? 1 : 1 - scaling * MetricMath.DivideNoNan(fp, tp);
                return (recallGain, precisionGain);
        }
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new AUC(
            c.GetInt32("num_thresholds", 200),
            ParseAucCurve(c.GetString("curve", "ROC")),
            ParseSummationMethod(c.GetString("summation_method", "interpolation")),
            c.GetSingleArray("thresholds"),
            c.GetBoolean("multi_label", false),
            c.GetNullableInt32("num_labels", null),
            c.GetSingleArray("label_weights"),
            c.GetBoolean("from_logits", false),
            c.Name);

    private static AucCurve ParseAucCurve(string? value) => value switch
    {
        "ROC" or "roc" => AucCurve.Roc,
        "PR" or "pr" => AucCurve.PR,
        "PRGAIN" or "prgain" => AucCurve.PRGain,
        _ => throw new ArgumentException($"Invalid AUC curve value: \"{value}\". Expected values are [\"PR\", \"ROC\", \"PRGAIN\"].", "configJson"),
    };

    private static AucSummationMethod ParseSummationMethod(string? value) => value switch
    {
        "interpolation" or "Interpolation" => AucSummationMethod.Interpolation,
        "majoring" or "Majoring" => AucSummationMethod.Majoring,
        "minoring" or "Minoring" => AucSummationMethod.Minoring,
        _ => throw new ArgumentException(
            $"Invalid AUC summation method value: \"{value}\". Expected values are [\"interpolation\", \"majoring\", \"minoring\"].", "configJson"),
    };

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("num_thresholds", NumThresholds);
        writer.WriteString("curve", Curve switch { AucCurve.Roc => "ROC", AucCurve.PR => "PR", _ => "PRGAIN" });
        writer.WriteString("summation_method", SummationMethod.ToString().ToLowerInvariant());
        writer.WriteBoolean("multi_label", MultiLabel);
        if (NumLabels is int n) writer.WriteNumber("num_labels", n); else writer.WriteNull("num_labels");
        if (_labelWeights is null) writer.WriteNull("label_weights");
        else
        {
            writer.WriteStartArray("label_weights");
            foreach (float w in _labelWeights) writer.WriteNumberValue(w);
            writer.WriteEndArray();
        }
        writer.WriteBoolean("from_logits", FromLogits);
        if (_initThresholds is not null) ThresholdList.Write(writer, "thresholds", _initThresholds);
    }
}
