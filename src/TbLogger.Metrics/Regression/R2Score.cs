using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>R2Score</c> (coefficient of determination), one score per output column of [N, C] inputs ([N] ≡ [N, 1]),
/// aggregated by <c>class_aggregation</c>: "uniform_average" (default), "variance_weighted_average", or null for the
/// per-column vector. <c>num_regressors</c> &gt; 0 gives the adjusted R² (with Keras's fall-backs).
/// </summary>
/// <remarks>
/// States are sums per column (merged by sum), so merging shards is exact. Before any data, <see cref="Metric.Result"/>
/// throws <see cref="InvalidOperationException"/> (Keras raises). An infinite raw score (constant labels, non-zero error)
/// becomes 0 as in Keras; 0/0 (constant labels predicted exactly) stays NaN as in Keras.
/// </remarks>
public sealed class R2Score : Metric, IRegisteredMetric
{
    private readonly MetricStateVariable _numSamples, _squaredSum, _sum, _residual, _count;
    private readonly string? _aggregation;
    private float[]? _t, _p, _w;
    private nint[] _shape = [];

    /// <summary>Creates the metric.</summary>
    /// <param name="classAggregation">"uniform_average" (default), "variance_weighted_average" or null.</param>
    /// <param name="numRegressors">Independent regressors for the adjusted R² (n = samples with a non-zero weight, as Keras 3.16); 0 (default) = standard R².</param>
    /// <param name="name">Metric name; default <c>"r2_score"</c>.</param>
    /// <exception cref="ArgumentException">Invalid aggregation or negative regressors.</exception>
    public R2Score(string? classAggregation = "uniform_average", int numRegressors = 0, string? name = null) : base(name ?? "r2_score")
    {
        if (classAggregation is not (null or "uniform_average" or "variance_weighted_average"))
            throw new ArgumentException(
                $"Invalid class_aggregation '{classAggregation}'. Expected one of: null, uniform_average, variance_weighted_average.", nameof(classAggregation));
        ArgumentOutOfRangeException.ThrowIfNegative(numRegressors);
        _aggregation = classAggregation;
        NumRegressors = numRegressors;
        _numSamples = AddState("num_samples", 1, StateMerge.Sum);
        _squaredSum = AddState("squared_sum", 0, StateMerge.Sum);
        _sum = AddState("sum", 0, StateMerge.Sum);
        _residual = AddState("residual", 0, StateMerge.Sum);
        _count = AddState("count", 0, StateMerge.Sum);
    }

    /// <summary>The class aggregation ("uniform_average", "variance_weighted_average" or null).</summary>
    public string? ClassAggregation => _aggregation;

    /// <summary>Independent regressors for the adjusted R².</summary>
    public int NumRegressors { get; }

    /// <inheritdoc/>
    protected override ReadOnlySpan<nint> ResultShape => _shape;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Shapes differ, inputs are not [N] or [N, C], the column count changed, or the weights do not fit.</exception>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        MetricGuard.RequireSameShapeUpToTrailingOne(yTrue, yPred);
        ReadOnlySpan<nint> shape = yPred.Rank >= yTrue.Rank ? yPred.Lengths : yTrue.Lengths;
        if (shape.Length is 0 or > 2)
            throw MetricGuard.ShapeMismatch("yTrue", yTrue.Lengths, "yPred", yPred.Lengths, "R2Score expects inputs of shape [batch, outputs] or [batch]");
        int n = checked((int)shape[0]);
        int c = shape.Length == 2 ? checked((int)shape[1]) : 1;
        if (_sum.Length != 0 && _sum.Length != c)
            throw new ArgumentException($"R2Score was built for {_sum.Length} outputs but yPred has shape {MetricGuard.FormatShape(yPred.Lengths)}.", nameof(yPred));
        var t = MetricGuard.Flatten(yTrue, ref _t);
        var p = MetricGuard.Flatten(yPred, ref _p);
        scoped ReadOnlySpan<float> w = default;
        int wMode = 0; // 0 none, 1 scalar, 2 per sample, 3 per element
        if (!sampleWeight.IsEmpty)
        {
            w = MetricGuard.Flatten(sampleWeight, ref _w);
            ReadOnlySpan<nint> ws = sampleWeight.Lengths;
            if (w.Length == 1 && n != 1) wMode = 1;
            else if (MetricGuard.SameShapeUpToTrailingOne(ws, shape[..1])) wMode = 2;
            else if (MetricGuard.SameShapeUpToTrailingOne(ws, shape)) wMode = 3;
            else throw MetricGuard.ShapeMismatch("sampleWeight", ws, "yPred", yPred.Lengths, $"expected [{n}], [{n}, 1], [1] or {MetricGuard.FormatShape(shape)}");
        }
        _squaredSum.EnsureLength(c); _sum.EnsureLength(c); _residual.EnsureLength(c); _count.EnsureLength(c);
        if (_shape.Length == 0 && _aggregation is null) _shape = [c];
        Span<double> sum = _sum.Values, sq = _squaredSum.Values, res = _residual.Values, cnt = _count.Values;
        // Keras 3.16 counts a sample (row) once if any of its weights is non-zero, not N·C values (keras#23334).
        int activeSamples = 0;
        for (int i = 0; i < n; i++)
        {
            bool active = false;
            for (int j = 0; j < c; j++)
            {
                int k = i * c + j;
                double weight = wMode switch { 0 => 1.0, 1 => w[0], 2 => w[i], _ => w[k] };
                active |= weight != 0;
                double yt = t[k], d = yt - p[k];
                sum[j] += weight * yt;
                sq[j] += weight * yt * yt;
                res[j] += weight * d * d;
                cnt[j] += weight;
            }
            if (active) activeSamples++;
        }
        _numSamples.Values[0] += activeSamples;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">No data yet.</exception>
    protected override void ComputeResult(Span<double> destination)
    {
        if (_sum.Length == 0 || _numSamples.Values[0] == 0)
            throw new InvalidOperationException("R2Score has no result before it has seen a sample with a non-zero weight (Keras raises before the first update).");
        int c = _sum.Length;
        Span<double> raw = c <= 64 ? stackalloc double[c] : new double[c];
        Span<double> total = c <= 64 ? stackalloc double[c] : new double[c];
        for (int j = 0; j < c; j++)
        {
            double mean = _sum.Values[j] / _count.Values[j];
            total[j] = _squaredSum.Values[j] - _sum.Values[j] * mean;
            double r = 1 - _residual.Values[j] / total[j];
            raw[j] = double.IsInfinity(r) ? 0 : r;
        }
        if (_aggregation is null)
        {
            for (int j = 0; j < c; j++) destination[j] = Adjust(raw[j]);
            return;
        }
        double score;
        if (_aggregation == "uniform_average")
        {
            double s = 0;
            foreach (var r in raw) s += r;
            score = s / c;
        }
        else
        {
            double ws = 0, wt = 0;
            for (int j = 0; j < c; j++) { ws += total[j] * raw[j]; wt += total[j]; }
            score = ws / wt;
        }
        destination[0] = Adjust(score);
    }

    private double Adjust(double r2)
    {
        if (NumRegressors == 0) return r2;
        double n = _numSamples.Values[0], p = NumRegressors;
        if (p >= n - 1) return r2; // Keras warns and falls back to the standard score
        return 1 - (1 - r2) * (n - 1) / (n - p - 1);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new R2Score(c.GetString("class_aggregation", "uniform_average"), c.GetInt32("num_regressors", 0), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        if (_aggregation is null) writer.WriteNull("class_aggregation");
        else writer.WriteString("class_aggregation", _aggregation);
        writer.WriteNumber("num_regressors", NumRegressors);
    }

    /// <inheritdoc/>
    protected override void OnStateChanged()
    {
        if (_aggregation is null && _sum.Length != 0 && (_shape.Length == 0 || _shape[0] != _sum.Length)) _shape = [_sum.Length];
    }
}
