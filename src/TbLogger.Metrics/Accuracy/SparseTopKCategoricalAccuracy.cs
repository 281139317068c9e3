using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>SparseTopKCategoricalAccuracy</c>: how often the integer label is among the k highest predictions
/// (ties at the k-th score count as in). With <c>fromSortedIds</c>, yPred holds class ids sorted by score ([N, ≥k]) and
/// a hit is a label among the first k ids.
/// </summary>
public sealed class SparseTopKCategoricalAccuracy : MeanMetricWrapper, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="k">How many top predictions to look at; default 5.</param>
    /// <param name="fromSortedIds">True when yPred already holds sorted class ids (Keras's <c>from_sorted_ids</c>); default false.</param>
    /// <param name="name">Metric name; default <c>"sparse_top_k_categorical_accuracy"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> &lt; 1.</exception>
    public SparseTopKCategoricalAccuracy(int k = 5, bool fromSortedIds = false, string? name = null)
        : base(name ?? "sparse_top_k_categorical_accuracy")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        K = k;
        FromSortedIds = fromSortedIds;
    }

    /// <summary>The k.</summary>
    public int K { get; }

    /// <summary>Whether yPred holds sorted class ids instead of scores.</summary>
    public bool FromSortedIds { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Shapes do not fit, a label is out of range, or yPred contains NaN.</exception>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        int rows = ClassificationLayout.Sparse(yTrue, yPred, out int c, out int samples, out var rowShape);
        if (rows == 0) return;
        var t = FlattenTrue(yTrue);
        var p = FlattenPred(yPred);
        var values = RowBuffer(rows);
        if (FromSortedIds)
        {
            int k = Math.Min(K, c);
            for (int r = 0; r < rows; r++)
            {
                int label = ClassificationLayout.Label(t[r], int.MaxValue, r);
                values[r] = p.Slice(r * c, k).Contains(label) ? 1f : 0f;
            }
        }
        else
        {
            for (int r = 0; r < rows; r++)
                values[r] = MetricKernels.InTopK(p.Slice(r * c, c), ClassificationLayout.Label(t[r], c, r), K) ? 1f : 0f;
        }
        AccumulateRows(values, samples, sampleWeight, rowShape, yPred.Lengths, "yPred");
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new SparseTopKCategoricalAccuracy(c.GetInt32("k", 5), c.GetBoolean("from_sorted_ids", false), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("k", K);
        writer.WriteBoolean("from_sorted_ids", FromSortedIds);
    }
}
