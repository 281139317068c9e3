using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>SparseCategoricalAccuracy</c>: how often argmax(yPred) (first maximum) equals the integer label.
/// Labels [N] or [N, 1] for predictions [N, C]; a label outside [0, C) is an <see cref="ArgumentException"/>.
/// </summary>
public sealed class SparseCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name; default <c>"sparse_categorical_accuracy"</c>.</param>
    public SparseCategoricalAccuracy(string? name = null) : base(name ?? "sparse_categorical_accuracy")
    {
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Shapes do not fit, a label is out of range, or yPred contains NaN.</exception>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        int rows = ClassificationLayout.Sparse(yTrue, yPred, out int c, out int samples, out var rowShape);
        if (rows == 0) return;
        var t = FlattenTrue(yTrue);
        var p = FlattenPred(yPred);
        if (sampleWeight.IsEmpty)
        {
            int hits = 0;
            for (int r = 0; r < rows; r++)
            {
                int label = ClassificationLayout.Label(t[r], c, r);
                int hit = MetricKernels.IsFirstMax(p.Slice(r * c, c), label);
                if (hit < 0) ClassificationLayout.RequireNoNaN(p);
                hits += hit;
            }
            AddToState((double)hits / (rows / samples), samples);
            return;
        }
        var values = RowBuffer(rows);
        for (int r = 0; r < rows; r++)
        {
            int hit = MetricKernels.IsFirstMax(p.Slice(r * c, c), ClassificationLayout.Label(t[r], c, r));
            if (hit < 0) ClassificationLayout.RequireNoNaN(p);
            values[r] = hit;
        }
        AccumulateRows(values, samples, sampleWeight, rowShape, yPred.Lengths, "yPred");
    }
}
