using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>SparseCategoricalCrossentropy</c> metric for integer labels ([N] or [N, 1]) and scores [N, C]:
/// −log q[label], q = yPred rescaled to sum to 1 and clipped to [1e-7, 1 − 1e-7]; with <c>from_logits</c>,
/// logsumexp(x) − x[label]. A label outside [0, C) is an <see cref="ArgumentException"/>. Only <c>axis = -1</c>.
/// </summary>
public sealed class SparseCategoricalCrossentropy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="fromLogits">True when yPred holds logits; default false.</param>
    /// <param name="axis">Must be -1 (the Keras default).</param>
    /// <param name="name">Metric name; default <c>"sparse_categorical_crossentropy"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not -1.</exception>
    public SparseCategoricalCrossentropy(bool fromLogits = false, int axis = -1, string? name = null)
        : base(name ?? "sparse_categorical_crossentropy")
    {
        if (axis != -1) throw new ArgumentOutOfRangeException(nameof(axis), axis, "Only axis = -1 is supported.");
        FromLogits = fromLogits;
    }

    /// <summary>Whether yPred holds logits.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Shapes do not fit or a label is out of range.</exception>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        int rows = ClassificationLayout.Sparse(yTrue, yPred, out int c, out int samples, out var rowShape);
        if (rows == 0) return;
        var t = FlattenTrue(yTrue);
        var p = FlattenPred(yPred);
        var values = RowBuffer(rows);
        for (int r = 0; r < rows; r++)
        {
            int label = ClassificationLayout.Label(t[r], c, r);
            var row = p.Slice(r * c, c);
            double v;
            if (FromLogits)
            {
                v = ProbabilisticMath.LogSumExp(row) - row[label];
            }
            else
            {
                double q = Math.Clamp(row[label] / MetricKernels.Sum(row), MetricMath.Epsilon, 1 - (double)MetricMath.Epsilon);
                v = -Math.Log(q);
            }
            values[r] = (float)v;
        }
        AccumulateRows(values, samples, sampleWeight, rowShape, yPred.Lengths, "yPred");
    }

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteBoolean("from_logits", FromLogits);
        writer.WriteNumber("axis", -1);
    }
}
