using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>PearsonCorrelation</c>: the Pearson coefficient of each row along the last axis, then the (weighted) mean
/// of those per-row values — not a running correlation over all samples. A rank-1 input is a single row (one value,
/// one sample), as in Keras. A constant row has no correlation and yields NaN, as in Keras.
/// </summary>
public sealed class PearsonCorrelation : RowwiseMeanMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="axis">The axis each row runs along (negative counts from the end).</param>
    /// <param name="name">Metric name; default <c>"pearson_correlation"</c>.</param>
    public PearsonCorrelation(int axis = -1, string? name = null) : base(name ?? "pearson_correlation", axis)
    {
    }

    /// <inheritdoc/>
    protected override float ComputeRow(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        int n = yTrue.Length;
        double mt = MetricKernels.Sum(yTrue) / n, mp = MetricKernels.Sum(yPred) / n;
        double cov = 0, vt = 0, vp = 0;
        for (int i = 0; i < n; i++)
        {
            double dt = yTrue[i] - mt, dp = yPred[i] - mp;
            cov += dt * dp; vt += dt * dt; vp += dp * dp;
        }
        return (float)(cov / Math.Sqrt(vt * vp));
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new PearsonCorrelation(c.GetInt32("axis", -1), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("axis", Axis);
}
