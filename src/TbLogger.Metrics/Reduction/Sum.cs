using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>Keras's <c>Sum</c>: the (weighted) sum of the given values; one state <c>total</c> merged by sum.</summary>
public sealed class Sum : Metric, IRegisteredMetric
{
    private readonly MetricStateVariable _total;
    private float[]? _valueScratch;
    private float[]? _weightScratch;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"sum"</c>.</param>
    public Sum(string? name = null) : base(name ?? "sum")
    {
        _total = AddState("total", 1, StateMerge.Sum);
    }

    /// <summary>Adds Σ values·weights (Keras's <c>Sum.update_state(values, sample_weight)</c>).</summary>
    /// <param name="values">The values.</param>
    /// <param name="sampleWeight">Optional weights: the values' shape, [N], [N, 1] or [1].</param>
    /// <exception cref="ArgumentException">The weights' shape does not fit.</exception>
    public void UpdateState(ReadOnlyTensorSpan<float> values, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        var v = MetricGuard.Flatten(values, ref _valueScratch);
        if (sampleWeight.IsEmpty)
        {
            _total.Values[0] += MetricKernels.Sum(v);
            return;
        }
        var w = MetricGuard.Flatten(sampleWeight, ref _weightScratch);
        ReadOnlySpan<nint> vs = values.Lengths, ws = sampleWeight.Lengths;
        if (w.Length == v.Length && MetricGuard.SameShapeUpToTrailingOne(ws, vs))
        {
            _total.Values[0] += MetricKernels.Dot(v, w);
        }
        else if (w.Length == 1)
        {
            _total.Values[0] += w[0] * MetricKernels.Sum(v);
        }
        else if (vs.Length > 0 && MetricGuard.SameShapeUpToTrailingOne(ws, vs[..1]))
        {
            int per = v.Length / (int)vs[0];
            double total = 0;
            for (int i = 0; i < w.Length; i++) total += w[i] * MetricKernels.Sum(v.Slice(i * per, per));
            _total.Values[0] += total;
        }
        else
        {
            throw MetricGuard.ShapeMismatch("sampleWeight", ws, "values", vs, "expected the values' shape, one weight per sample, or [1]");
        }
    }

    /// <summary>For use in a <see cref="MetricCollection"/>: sums <paramref name="yPred"/>; <paramref name="yTrue"/> is ignored.</summary>
    /// <param name="yTrue">Ignored.</param>
    /// <param name="yPred">The values.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
        => UpdateState(yPred, sampleWeight);

    /// <inheritdoc/>
    protected override void ComputeResult(Span<double> destination) => destination[0] = _total.Values[0];

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new Sum(c.Name);
}
