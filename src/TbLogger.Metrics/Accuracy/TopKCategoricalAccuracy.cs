using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>TopKCategoricalAccuracy</c>: how often the one-hot target (argmax of yTrue) is among the k highest
/// predictions. Ties at the k-th score count as in the top k (TensorFlow's <c>in_top_k</c>).
/// </summary>
public sealed class TopKCategoricalAccuracy : MeanMetricWrapper, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="k">How many top predictions to look at; default 5.</param>
    /// <param name="name">Metric name; default <c>"top_k_categorical_accuracy"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> &lt; 1.</exception>
    public TopKCategoricalAccuracy(int k = 5, string? name = null) : base(name ?? "top_k_categorical_accuracy")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        K = k;
    }

    /// <summary>The k.</summary>
    public int K { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Shapes differ, or yTrue or yPred contains NaN.</exception>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        int rows = ClassificationLayout.Categorical(yTrue, yPred, out int c, out int samples, out var rowShape);
        if (rows == 0) return;
        var t = FlattenTrue(yTrue);
        var p = FlattenPred(yPred);
        var values = RowBuffer(rows);
        for (int r = 0; r < rows; r++)
        {
            int truth = MetricKernels.ArgMaxNumPy(t.Slice(r * c, c)); // NaN: see MetricKernels.InTopK
            values[r] = MetricKernels.InTopK(p.Slice(r * c, c), truth, K) ? 1f : 0f;
        }
        AccumulateRows(values, samples, sampleWeight, rowShape, yPred.Lengths, "yPred");
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new TopKCategoricalAccuracy(c.GetInt32("k", 5), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("k", K);
}
