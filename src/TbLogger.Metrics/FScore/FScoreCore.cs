using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// The shared body of <see cref="FBetaScore"/> and <see cref="F1Score"/> (Keras's <c>FBetaScore</c>): per-class (or,
/// for micro, total) true positives, false positives, false negatives and label weight, sized by the first batch.
/// </summary>
internal sealed class FScoreCore
{
    private readonly MetricStateVariable _tp, _fp, _fn, _weights;
    private readonly nint[] _vectorShape = [0];
    private float[]? _flatTrue, _flatPred, _flatWeight, _expandedWeight;

    public FScoreCore(FScoreAverage average, double beta, float? threshold, Func<string, int, StateMerge, MetricStateVariable> addState)
    {
        if (!Enum.IsDefined(average)) throw new ArgumentOutOfRangeException(nameof(average), average, "Expected None, Micro, Macro or Weighted.");
        if (!(beta > 0) || double.IsInfinity(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be a finite number > 0.");
        if (threshold is float t && !(t > 0 && t <= 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), t, "threshold must verify 0 < threshold <= 1.");
        Average = average;
        Beta = beta;
        Threshold = threshold;
        // Sized by the first batch (Keras builds its variables then); until then there is no result.
        _tp = addState("true_positives", 0, StateMerge.Sum);
        _fp = addState("false_positives", 0, StateMerge.Sum);
        _fn = addState("false_negatives", 0, StateMerge.Sum);
        _weights = addState("intermediate_weights", 0, StateMerge.Sum);
    }

    public FScoreAverage Average { get; }

    public double Beta { get; }

    public float? Threshold { get; }

    public ReadOnlySpan<nint> ResultShape
    {
        get
        {
            if (Average != FScoreAverage.None || _tp.Length == 0) return [];
            _vectorShape[0] = _tp.Length;
            return _vectorShape;
        }
    }

    public void Update(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in ReadOnlyTensorSpan<float> sampleWeight)
    {
        if (yPred.Rank != 2 || yTrue.Rank != 2)
            throw MetricGuard.ShapeMismatch("yTrue", yTrue.Lengths, "yPred", yPred.Lengths,
                "F-scores expect 2-D inputs of shape [batch, classes].");
        MetricGuard.RequireSameShape(yTrue, yPred);
        int classes = checked((int)yPred.Lengths[1]);
        int length = Average == FScoreAverage.Micro ? 1 : classes;
        if (_tp.Length != 0 && _tp.Length != length)
            throw new ArgumentException($"yPred has shape {MetricGuard.FormatShape(yPred)} but this metric was built for {_tp.Length} classes.", nameof(yPred));
        ReadOnlySpan<float> t = MetricGuard.Flatten(yTrue, ref _flatTrue);
        ReadOnlySpan<float> p = MetricGuard.Flatten(yPred, ref _flatPred);
        // NaN as in Keras: a NaN prediction is never above a threshold nor equal to its row's (NaN) maximum, so it is
        // predicted negative; a NaN label makes its class's counts NaN (Keras multiplies it in), hence a NaN score.
        ReadOnlySpan<float> w = ConfusionWeights.Expand(sampleWeight, yPred.Lengths, ref _flatWeight, ref _expandedWeight);
        _tp.EnsureLength(length);
        _fp.EnsureLength(length);
        _fn.EnsureLength(length);
        _weights.EnsureLength(length);
        Span<double> tp = _tp.Values, fp = _fp.Values, fn = _fn.Values, support = _weights.Values;
        bool micro = Average == FScoreAverage.Micro;
        for (int start = 0; start < p.Length; start += classes)
        {
            var row = p.Slice(start, classes);
            // Without a threshold the row maximum is predicted (all ties), unless it is zero: Keras's argmax rule.
            float cut = Threshold is null ? TensorPrimitives.Max(row) : 0f;
            for (int c = 0; c < classes; c++)
            {
                float v = row[c];
                bool positive = Threshold is float threshold ? v > threshold : v >= cut && MathF.Abs(v) > 1e-9f;
                double label = t[start + c];
                double weight = w.IsEmpty ? 1.0 : w.Length == 1 ? w[0] : w[start + c];
                int k = micro ? 0 : c;
                if (positive)
                {
                    tp[k] += label * weight;
                    fp[k] += (1 - label) * weight;
                }
                else
                {
                    fn[k] += label * weight;
                }
                support[k] += label * weight;
            }
        }
    }

    /// <summary>
    /// F_β = (1 + β²)·P·R / (β²·P + R + ε) with P = TP / (TP + FP + ε), R = TP / (TP + FN + ε), ε = 1e-7 (Keras adds
    /// epsilon rather than dividing without NaN, so an exact 0.5 reads 0.49999994 in float32).
    /// </summary>
    public void ComputeResult(Span<double> destination, string name)
    {
        int n = _tp.Length;
        if (n == 0) throw new InvalidOperationException($"Metric '{name}' has no result before its first update (Keras builds its variables from the first batch).");
        ReadOnlySpan<double> tp = _tp.Values, fp = _fp.Values, fn = _fn.Values, support = _weights.Values;
        double beta2 = Beta * Beta, eps = MetricMath.Epsilon;
        double supportSum = 0;
        foreach (double s in support) supportSum += s;
        double total = 0;
        for (int c = 0; c < n; c++)
        {
            double precision = tp[c] / (tp[c] + fp[c] + eps);
            double recall = tp[c] / (tp[c] + fn[c] + eps);
            double score = precision * recall / (beta2 * precision + recall + eps) * (1 + beta2);
            switch (Average)
            {
                case FScoreAverage.None: destination[c] = score; break;
                case FScoreAverage.Weighted: total += score * (support[c] / (supportSum + eps)); break;
                default: total += score; break;
            }
        }
        if (Average == FScoreAverage.Weighted) destination[0] = total;
        else if (Average != FScoreAverage.None) destination[0] = total / n;
    }

    public void WriteConfig(Utf8JsonWriter writer, bool includeBeta)
    {
        if (Average == FScoreAverage.None) writer.WriteNull("average");
        else writer.WriteString("average", Average.ToString().ToLowerInvariant());
        if (includeBeta) writer.WriteNumber("beta", Beta);
        if (Threshold is float t) writer.WriteNumber("threshold", t); else writer.WriteNull("threshold");
    }

    /// <summary>Keras's <c>average</c> config value.</summary>
    internal static FScoreAverage ParseAverage(string? value) => value switch
    {
        null => FScoreAverage.None,
        "micro" => FScoreAverage.Micro,
        "macro" => FScoreAverage.Macro,
        "weighted" => FScoreAverage.Weighted,
        _ => throw new ArgumentException(
            $"Invalid `average` argument value. Expected one of: {{None, 'micro', 'macro', 'weighted'}}. Received: average={value}", "configJson"),
    };
}
