using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>Mean</c>: the (weighted) mean of the given values, <c>total / count</c> with states <c>total</c> and
/// <c>count</c> (both merged by sum). Returns 0 before any update (Keras's <c>divide_no_nan</c>).
/// </summary>
/// <remarks>
/// Values of shape [N, ...] are first reduced to one mean per sample, as in Keras. Weights may be one per sample
/// ([N] or [N, 1]), a single value ([1]), or the values' own shape.
/// </remarks>
public sealed class Mean : MeanMetricBase, IRegisteredMetric
{
    private float[]? _valueScratch;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"mean"</c>.</param>
    public Mean(string? name = null) : base(name ?? "mean")
    {
    }

    /// <summary>Accumulates values (Keras's <c>Mean.update_state(values, sample_weight)</c>).</summary>
    /// <param name="values">The values, shape [N] or [N, ...].</param>
    /// <param name="sampleWeight">Optional weights: [N], [N, 1], [1] or the shape of <paramref name="values"/>.</param>
    /// <exception cref="ArgumentException">The weights' shape does not fit.</exception>
    public void UpdateState(ReadOnlyTensorSpan<float> values, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        if (values.FlattenedLength == 0) return;
        var v = MetricGuard.Flatten(values, ref _valueScratch);
        int samples = MetricGuard.BatchSize(values);
        AccumulateRows(v, samples, sampleWeight, values.Lengths, values.Lengths, "values");
    }

    /// <summary>For use in a <see cref="MetricCollection"/>: accumulates <paramref name="yPred"/> as the values; <paramref name="yTrue"/> is ignored.</summary>
    /// <param name="yTrue">Ignored.</param>
    /// <param name="yPred">The values.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
        => UpdateState(yPred, sampleWeight);

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new Mean(c.Name);
}
