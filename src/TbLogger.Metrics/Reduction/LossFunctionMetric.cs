using System.Numerics.Tensors;
using TbLogger.Metrics.Losses;

namespace TbLogger.Metrics;

/// <summary>
/// A metric that is the weighted mean of a loss function's per-sample values, the way Keras builds its metrics
/// (<c>MeanMetricWrapper(losses.mean_squared_error)</c>): the loss computes, the metric averages. Each Keras function
/// therefore exists once, in its loss class, with its gradient; the metric adds Keras's metric weighting (one weight per
/// sample, per value, or one in all) and a mergeable total/count state.
/// </summary>
/// <remarks>
/// Inputs of rank 1 mean one value per sample for the element-wise functions (<c>[N]</c> is read as <c>[N, 1]</c>), and
/// one row (one sample) for the functions of a whole row (crossentropy, cosine similarity, categorical hinge), as before.
/// Values the loss masks (<c>ignore_class</c>) count as 0; with sample weights their weight is 0 too (Keras applies the
/// mask to the weights only when weights are given).
/// </remarks>
public abstract class LossFunctionMetric : MeanMetricWrapper
{
    private readonly bool _rankOneIsPerSample;
    private readonly bool _negate;
    private float[]? _weightScratch;

    /// <summary>Wraps <paramref name="loss"/>; only built-ins derive from this class.</summary>
    /// <param name="name">Metric name.</param>
    /// <param name="loss">The loss whose per-sample values are averaged (its reduction is not used).</param>
    /// <param name="rankOneIsPerSample">True for element-wise functions: rank-1 inputs hold one value per sample.</param>
    /// <param name="negate">True when the metric is the negated loss (cosine similarity).</param>
    private protected LossFunctionMetric(string name, Loss loss, bool rankOneIsPerSample, bool negate = false) : base(name)
    {
        Function = loss;
        _rankOneIsPerSample = rankOneIsPerSample;
        _negate = negate;
    }

    /// <summary>The loss function this metric averages.</summary>
    private protected Loss Function { get; }

    /// <summary>True when yTrue holds class indices (no shape check against yPred before the loss's own).</summary>
    private protected virtual bool SparseLabels => false;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Shapes differ, labels are invalid for the function, or the weights do not fit.</exception>
    public sealed override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        if (!SparseLabels) MetricGuard.RequireSameShapeUpToTrailingOne(yTrue, yPred);
        if (yPred.FlattenedLength == 0 || yTrue.FlattenedLength == 0) return;
        if (_rankOneIsPerSample && yTrue.Rank <= 1 && yPred.Rank <= 1)
        {
            ReadOnlySpan<float> t = FlattenTrue(yTrue), p = FlattenPred(yPred);
            Update(new ReadOnlyTensorSpan<float>(t, [t.Length, 1]), new ReadOnlyTensorSpan<float>(p, [p.Length, 1]), sampleWeight);
        }
        else
        {
            Update(yTrue, yPred, sampleWeight);
        }
    }

    private void Update(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in ReadOnlyTensorSpan<float> sampleWeight)
    {
        if (sampleWeight.IsEmpty && !_negate && Function.TrySumUnweighted(yTrue, yPred, out double fused, out int count, out nint n))
        {
            AddToState(fused / (count / (int)n), (int)n);
            return;
        }
        Span<nint> shape = stackalloc nint[Math.Max(yTrue.Rank, yPred.Rank)];
        ReadOnlySpan<float> values = Function.ComputeUnweighted(yTrue, yPred, shape, out int rank, out var mask);
        if (_negate)
        {
            var negated = RowBuffer(values.Length);
            TensorPrimitives.Negate(values, negated);
            values = negated;
        }
        ReadOnlySpan<nint> rowShape = rank == 0 ? [1] : shape[..rank];
        int samples = checked((int)rowShape[0]);
        if (mask.IsEmpty || sampleWeight.IsEmpty)
        {
            AccumulateRows(values, samples, sampleWeight, rowShape, yPred.Lengths, "yPred");
            return;
        }
        // Keras's apply_mask(sample_weight, mask, reduction="sum"): the weights of masked values become 0.
        var w = MaskedWeights(sampleWeight, mask, samples, rowShape, yPred.Lengths);
        AccumulateRows(values, samples, new ReadOnlyTensorSpan<float>(w, rowShape), rowShape, yPred.Lengths, "yPred");
    }

    private ReadOnlySpan<float> MaskedWeights(in ReadOnlyTensorSpan<float> sampleWeight, ReadOnlySpan<float> mask, int samples,
                                              ReadOnlySpan<nint> rowShape, ReadOnlySpan<nint> referenceShape)
    {
        var flat = MetricGuard.Flatten(sampleWeight, ref _weightScratch);
        int rows = mask.Length, perSample = rows / samples;
        var w = ElementBuffer(rows);
        if (flat.Length == 1) TensorPrimitives.Multiply(mask, flat[0], w);
        else if (flat.Length == rows && MetricGuard.SameShapeUpToTrailingOne(sampleWeight.Lengths, rowShape)) TensorPrimitives.Multiply(mask, flat, w);
        else if (flat.Length == samples && MetricGuard.SameShapeUpToTrailingOne(sampleWeight.Lengths, rowShape[..1]))
            for (int r = 0; r < rows; r++) w[r] = mask[r] * flat[r / perSample];
        else
            throw MetricGuard.ShapeMismatch("sampleWeight", sampleWeight.Lengths, "yPred", referenceShape,
                $"expected one weight per sample ([{samples}] or [{samples}, 1]), [1], or {MetricGuard.FormatShape(rowShape)}");
        return w;
    }
}
