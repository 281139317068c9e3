using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>SparseCategoricalAccuracy</c>: how often argmax(yPred) (first maximum) equals the integer label.
/// Labels [N] or [N, 1] for predictions [N, C]; a label outside [0, C) is an <see cref="ArgumentException"/>.
/// </summary>
public sealed class SparseCategoricalAccuracy : MeanMetricWrapper, IRegisteredMetric
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
                hits += Hit(t[r], p.Slice(r * c, c), r);
            }
            AddToState((double)hits / (rows / samples), samples);
            return;
        }
        var values = RowBuffer(rows);
        for (int r = 0; r < rows; r++)
        {
            values[r] = Hit(t[r], p.Slice(r * c, c), r);
        }
        AccumulateRows(values, samples, sampleWeight, rowShape, yPred.Lengths, "yPred");
    }

    // NaN as in Keras (numpy backend): a NaN label equals no class; a row with a NaN predicts its first NaN (argmax).
    private static int Hit(float labelValue, ReadOnlySpan<float> row, int index)
    {
        if (float.IsNaN(labelValue)) return 0;
        int label = ClassificationLayout.Label(labelValue, row.Length, index);
        int hit = MetricKernels.IsFirstMax(row, label);
        return hit >= 0 ? hit : MetricKernels.ArgMaxNumPy(row) == label ? 1 : 0;
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new SparseCategoricalAccuracy(c.Name);
}
