using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>CategoricalCrossentropy</c> metric for one-hot / probability labels [N, C]: −Σ t·log q per row, where q
/// is yPred rescaled to sum to 1 along the class axis and then clipped to [1e-7, 1 − 1e-7]; with <c>from_logits</c>,
/// q = softmax(yPred) computed as log-softmax. Label smoothing s maps t to t·(1 − s) + s/C. Only <c>axis = -1</c>.
/// </summary>
public sealed class CategoricalCrossentropy : RowwiseMeanMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="fromLogits">True when yPred holds logits; default false.</param>
    /// <param name="labelSmoothing">In [0, 1]; default 0.</param>
    /// <param name="axis">Must be -1 (the Keras default).</param>
    /// <param name="name">Metric name; default <c>"categorical_crossentropy"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">Bad smoothing or axis.</exception>
    public CategoricalCrossentropy(bool fromLogits = false, float labelSmoothing = 0f, int axis = -1, string? name = null)
        : base(name ?? "categorical_crossentropy")
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Expected a value in [0, 1].");
        if (axis != -1) throw new ArgumentOutOfRangeException(nameof(axis), axis, "Only axis = -1 is supported.");
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>Whether yPred holds logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The label smoothing.</summary>
    public float LabelSmoothing { get; }

    /// <inheritdoc/>
    protected override float ComputeRow(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred)
    {
        int c = yTrue.Length;
        double s = LabelSmoothing;
        double loss = 0;
        if (FromLogits)
        {
            double lse = ProbabilisticMath.LogSumExp(yPred);
            for (int j = 0; j < c; j++) loss -= (yTrue[j] * (1 - s) + s / c) * (yPred[j] - lse);
        }
        else
        {
            double sum = MetricKernels.Sum(yPred);
            for (int j = 0; j < c; j++)
            {
                double q = Math.Clamp(yPred[j] / sum, MetricMath.Epsilon, 1 - (double)MetricMath.Epsilon);
                loss -= (yTrue[j] * (1 - s) + s / c) * Math.Log(q);
            }
        }
        return (float)loss;
    }

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteBoolean("from_logits", FromLogits);
        writer.WriteNumber("label_smoothing", LabelSmoothing);
        writer.WriteNumber("axis", -1);
    }
}
