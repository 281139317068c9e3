using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>Keras's <c>CategoricalAccuracy</c>: how often argmax(yPred) equals argmax(yTrue) for one-hot labels [N, C] (first maximum wins).</summary>
public sealed class CategoricalAccuracy : MeanMetricWrapper, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"categorical_accuracy"</c>.</param>
    public CategoricalAccuracy(string? name = null) : base(name ?? "categorical_accuracy")
    {
    }

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
            // Keras's numpy backend: argmax picks the first NaN of a row that has one.
            int truth = MetricKernels.ArgMaxNumPy(t.Slice(r * c, c));
            int predicted = MetricKernels.ArgMaxNumPy(p.Slice(r * c, c));
            values[r] = truth == predicted ? 1f : 0f;
        }
        AccumulateRows(values, samples, sampleWeight, rowShape, yPred.Lengths, "yPred");
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new CategoricalAccuracy(c.Name);
}
