using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>BinaryCrossentropy</c> metric: mean over the last axis of −(t·log p + (1 − t)·log(1 − p)), predictions
/// clipped to [1e-7, 1 − 1e-7]; with <c>from_logits</c>, the stable form max(x, 0) − x·t + log(1 + e^(−|x|)). Label
/// smoothing s maps t to t·(1 − s) + s/2. Computed in double per element.
/// </summary>
public sealed class BinaryCrossentropy : ElementwiseMeanMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="fromLogits">True when yPred holds logits; default false.</param>
    /// <param name="labelSmoothing">In [0, 1]; default 0.</param>
    /// <param name="name">Metric name; default <c>"binary_crossentropy"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelSmoothing"/> is not in [0, 1].</exception>
    public BinaryCrossentropy(bool fromLogits = false, float labelSmoothing = 0f, string? name = null) : base(name ?? "binary_crossentropy")
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Expected a value in [0, 1].");
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>Whether yPred holds logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label smoothing.</summary>
    public float LabelSmoothing { get; }

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        double s = LabelSmoothing;
        const double eps = MetricMath.Epsilon;
        for (int i = 0; i < destination.Length; i++)
        {
            double t = yTrue[i] * (1 - s) + 0.5 * s;
            double x = yPred[i];
            double v;
            if (FromLogits)
            {
                v = Math.Max(x, 0) - x * t + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            }
            else
            {
                double p = Math.Clamp(x, eps, 1 - eps);
                v = -(t * Math.Log(p) + (1 - t) * Math.Log(1 - p));
            }
            destination[i] = (float)v;
        }
    }

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteBoolean("from_logits", FromLogits);
        writer.WriteNumber("label_smoothing", LabelSmoothing);
    }
}
