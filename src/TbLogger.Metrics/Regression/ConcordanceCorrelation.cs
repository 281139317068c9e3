using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>ConcordanceCorrelation</c>: per row along the last axis,
/// 2·cov(yTrue, yPred) / (var(yTrue) + var(yPred) + (μt − μp)² + 1e-7) (population moments), then the (weighted) mean
/// over rows. A rank-1 input is a single row.
/// </summary>
public sealed class ConcordanceCorrelation : RowwiseMeanMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="axis">The axis each row runs along (negative counts from the end).</param>
    /// <param name="name">Metric name; default <c>"concordance_correlation"</c>.</param>
    public ConcordanceCorrelation(int axis = -1, string? name = null) : base(name ?? "concordance_correlation", axis)
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
        cov /= n; vt /= n; vp /= n;
        return (float)(2 * cov / (vt + vp + (mt - mp) * (mt - mp) + MetricMath.Epsilon));
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new ConcordanceCorrelation(c.GetInt32("axis", -1), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("axis", Axis);
}
