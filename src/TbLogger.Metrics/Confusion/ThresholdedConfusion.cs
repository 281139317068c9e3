using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// Prepares one batch the way Keras's <c>update_confusion_matrix_variables</c> does (rank alignment, sample-weight
/// broadcast, <c>from_logits</c>, <c>top_k</c>, <c>class_id</c>, label weights, multi-label columns) and feeds it to
/// <see cref="ConfusionKernel"/>. One instance per metric; its scratch buffers grow once, so steady-state updates
/// allocate nothing.
/// </summary>
internal sealed class ThresholdedConfusion
{
    /// <summary>Keras's <c>NEG_INF</c>: the value given to predictions outside the top k, and the default threshold with top_k.</summary>
    public const float NegativeInfinity = -1e10f;

    private readonly float[] _sorted;      // ascending, float32 as Keras compares them
    private readonly int[] _order;         // _order[s] = caller index of the s-th smallest threshold; empty when ascending
    private readonly bool _evenlySpaced;
    private readonly bool _withEpsilon;
    private readonly int? _topK;
    private readonly int? _classId;
    private readonly bool _multiLabel;
    private readonly bool _fromLogits;
    private readonly float[]? _labelWeights;

    private float[]? _flatTrue, _flatPred, _flatWeight, _expandedWeight, _predWork, _weightWork, _colTrue, _colPred, _colWeight, _rowSort, _finiteTrue, _finitePred, _finiteWeight;
    private readonly double[] _histogram;
    private readonly int[] _counts;

    /// <summary>Creates the accumulator.</summary>
    /// <param name="thresholds">Thresholds in the caller's order (the order of the state variables).</param>
    /// <param name="evenlySpaced">True when the thresholds are i/(T−1) (possibly with the AUC end epsilons): use the O(N + T) bucketing.</param>
    /// <param name="topK">Keep only the k largest predictions of each row (Keras <c>top_k</c>).</param>
    /// <param name="classId">Use only this column of [.., classes] data (Keras <c>class_id</c>).</param>
    /// <param name="multiLabel">Count each column separately into [T, L] states (AUC <c>multi_label</c>).</param>
    /// <param name="fromLogits">Apply a sigmoid to predictions first.</param>
    /// <param name="labelWeights">Per-column weights multiplied into sample weights (AUC, not multi-label).</param>
    public ThresholdedConfusion(ReadOnlySpan<double> thresholds, bool evenlySpaced, int? topK = null, int? classId = null,
                                bool multiLabel = false, bool fromLogits = false, float[]? labelWeights = null)
    {
        int t = thresholds.Length;
        NumThresholds = t;
        var values = new float[t];
        for (int i = 0; i < t; i++) values[i] = (float)thresholds[i];
        _evenlySpaced = evenlySpaced && t >= 2;
        _withEpsilon = _evenlySpaced && (thresholds[0] < 0 || thresholds[t - 1] > 1);
        bool ascending = true;
        for (int i = 1; i < t; i++) ascending &= values[i - 1] <= values[i];
        if (ascending)
        {
            _sorted = values;
            _order = [];
        }
        else
        {
            _order = new int[t];
            for (int i = 0; i < t; i++) _order[i] = i;
            _sorted = (float[])values.Clone();
            Array.Sort(_sorted, _order);
        }
        _topK = topK;
        _classId = classId;
        _multiLabel = multiLabel;
        _fromLogits = fromLogits;
        _labelWeights = labelWeights;
        _histogram = new double[ConfusionKernel.HistogramLength(t)];
        _counts = new int[ConfusionKernel.CountsLength(t)];
    }

    /// <summary>Number of thresholds T.</summary>
    public int NumThresholds { get; }

    /// <summary>
    /// The largest number of thresholds T whose arrays each fit in one .NET array: 268,435,447. The longest is the
    /// bucket-count scratch, <see cref="ConfusionKernel.CountsLength(int)"/> = 8 × (T + 1) integers, which must not
    /// exceed <see cref="Array.MaxLength"/>.
    /// </summary>
    public static int MaxThresholds { get; } = Array.MaxLength / 8 - 1;

    /// <summary>Refuses a number of thresholds whose arrays would not fit (8 × (T + 1) overflows int or exceeds the array limit).</summary>
    /// <param name="numThresholds">T, the end thresholds included.</param>
    /// <param name="paramName">The caller's parameter that set T: numThresholds, or thresholds for an explicit list.</param>
    /// <exception cref="ArgumentOutOfRangeException">numThresholds &gt; <see cref="MaxThresholds"/>.</exception>
    public static void ThrowIfTooManyThresholds(int numThresholds, string paramName = "numThresholds")
    {
        if (numThresholds > MaxThresholds)
        {
            throw new ArgumentOutOfRangeException(paramName, numThresholds,
                $"At most {MaxThresholds} thresholds are accepted: their bucket counts, 8 × (numThresholds + 1) integers, must fit in one .NET array of at most Array.MaxLength ({Array.MaxLength}) elements.");
        }
    }

    /// <summary>
    /// Keras's <c>is_evenly_distributed_thresholds</c>: at least 3 values, each within <c>np.allclose</c> tolerance
    /// (atol 1e-7, rtol 1e-5) of i/(T−1).
    /// </summary>
    /// <param name="thresholds">The thresholds in the caller's order.</param>
    /// <returns>Whether the bucketing path applies.</returns>
    public static bool IsEvenlyDistributed(ReadOnlySpan<double> thresholds)
    {
        int t = thresholds.Length;
        if (t < 3) return false;
        for (int i = 0; i < t; i++)
        {
            double even = (float)i / (float)(t - 1);
            if (!(Math.Abs(thresholds[i] - even) <= 1e-7 + 1e-5 * Math.Abs(even))) return false;
        }
        return true;
    }

    /// <summary>The number of labels of multi-label data: yPred must be [batch, labels].</summary>
    /// <param name="yPred">Predictions.</param>
    /// <returns>The last dimension.</returns>
    /// <exception cref="ArgumentException">yPred is not rank 2.</exception>
    public static int MultiLabelCount(in ReadOnlyTensorSpan<float> yPred)
    {
        if (yPred.Rank != 2)
            throw new ArgumentException(
                $"yPred must have rank 2 ([batch, labels]) when multiLabel is true; got shape {MetricGuard.FormatShape(yPred)}.", nameof(yPred));
        return checked((int)yPred.Lengths[1]);
    }

    /// <summary>Accumulates one batch into the given states (empty spans are not tracked).</summary>
    /// <param name="yTrue">Labels (non-zero is positive).</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional weights, broadcast as in Keras.</param>
    /// <param name="tp">True positives [T] (or [T, L] multi-label).</param>
    /// <param name="fp">False positives.</param>
    /// <param name="tn">True negatives.</param>
    /// <param name="fn">False negatives.</param>
    public void Update(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in ReadOnlyTensorSpan<float> sampleWeight,
                       Span<double> tp, Span<double> fp, Span<double> tn, Span<double> fn)
    {
        ReadOnlySpan<nint> shape = AlignedShape(yTrue, yPred);
        ReadOnlySpan<float> labels = MetricGuard.Flatten(yTrue, ref _flatTrue);
        ReadOnlySpan<float> preds = MetricGuard.Flatten(yPred, ref _flatPred);
        // NaN follows Keras: a NaN label is cast to bool (true, a positive); a NaN prediction is handled in Accumulate.
        ReadOnlySpan<float> weights = ConfusionWeights.Expand(sampleWeight, shape, ref _flatWeight, ref _expandedWeight);
        int n = preds.Length;
        int cols = shape.Length >= 2 ? checked((int)shape[^1]) : n;
        if (_multiLabel && tp.Length != (long)NumThresholds * cols)
            throw new ArgumentException($"yPred has shape {MetricGuard.FormatShape(shape)} but this metric was built for {tp.Length / NumThresholds} labels.", nameof(yPred));
        if (n == 0) return;

        bool predsInWork = false;
        if (_fromLogits)
        {
            var work = MetricGuard.Scratch(ref _predWork, n);
            TensorPrimitives.Sigmoid(preds, work);
            preds = work;
            predsInWork = true;
        }
        if (_topK is int k)
        {
            if (k > cols)
                throw new ArgumentException($"topK is {k} but yPred has shape {MetricGuard.FormatShape(shape)}, only {cols} values per row.", nameof(yPred));
            var work = MetricGuard.Scratch(ref _predWork, n);
            if (!predsInWork) preds.CopyTo(work);
            FilterTopK(work, cols, k);
            preds = work;
        }
        if (_labelWeights is { } lw && !_multiLabel)
        {
            if (shape.Length < 2 || cols != lw.Length)
                throw new ArgumentException(
                    $"labelWeights has {lw.Length} values but yPred has shape {MetricGuard.FormatShape(shape)}; the last dimension must match.", nameof(yPred));
            var work = MetricGuard.Scratch(ref _weightWork, n);
            for (int i = 0; i < n; i++)
                work[i] = lw[i % cols] * (weights.IsEmpty ? 1f : weights.Length == 1 ? weights[0] : weights[i]);
            weights = work;
        }
        if (_classId is int classId)
        {
            if (shape.Length < 2)
                throw new ArgumentException(
                    $"When classId is set, yPred must have shape [samples, classes]; got shape {MetricGuard.FormatShape(shape)}.", nameof(yPred));
            if (classId >= cols)
                throw new ArgumentException($"classId {classId} is out of range for yPred of shape {MetricGuard.FormatShape(shape)} ({cols} classes).", nameof(yPred));
            labels = Column(labels, cols, classId, ref _colTrue);
            preds = Column(preds, cols, classId, ref _colPred);
            if (weights.Length > 1) weights = Column(weights, cols, classId, ref _colWeight);
            cols = 1;
        }

        if (_multiLabel)
        {
            for (int c = 0; c < cols; c++)
            {
                var l = Column(labels, cols, c, ref _colTrue);
                var p = Column(preds, cols, c, ref _colPred);
                var w = weights.Length > 1 ? Column(weights, cols, c, ref _colWeight) : weights;
                Accumulate(l, p, w, tp, fp, tn, fn, cols, c);
            }
        }
        else
        {
            Accumulate(labels, preds, weights, tp, fp, tn, fn, 1, 0);
        }
    }

    private void Accumulate(ReadOnlySpan<float> labels, ReadOnlySpan<float> preds, ReadOnlySpan<float> weights,
                            Span<double> tp, Span<double> fp, Span<double> tn, Span<double> fn, int stride, int offset)
    {
        Array.Clear(_histogram);
        if (TensorPrimitives.IsNaNAny(preds)) SetAsideNaN(ref labels, ref preds, ref weights);
        if (_evenlySpaced)
            ConfusionKernel.BucketEvenlySpaced(labels, preds, weights, NumThresholds, _withEpsilon, _histogram, _counts);
        else
            ConfusionKernel.BucketSorted(labels, preds, weights, _sorted, _histogram, _counts);
        ConfusionKernel.AddCounts(_histogram, _order, tp, fp, tn, fn, stride, offset);
    }

    /// <summary>
    /// Keras compares <c>NaN &gt; threshold</c> as false at every threshold, so a NaN prediction is a predicted negative
    /// everywhere: its weight goes to histogram bucket 0 (at or below the lowest threshold) and the other elements are
    /// compacted for the kernels, which need numbers.
    /// </summary>
    private void SetAsideNaN(ref ReadOnlySpan<float> labels, ref ReadOnlySpan<float> preds, ref ReadOnlySpan<float> weights)
    {
        int n = preds.Length, kept = 0;
        bool perElement = weights.Length > 1;
        var l = MetricGuard.Scratch(ref _finiteTrue, n);
        var p = MetricGuard.Scratch(ref _finitePred, n);
        var w = perElement ? MetricGuard.Scratch(ref _finiteWeight, n) : default;
        for (int i = 0; i < n; i++)
        {
            if (float.IsNaN(preds[i]))
            {
                double weight = weights.IsEmpty ? 1.0 : perElement ? weights[i] : weights[0];
                _histogram[labels[i] != 0 ? 1 : 0] += weight;
                continue;
            }
            l[kept] = labels[i];
            p[kept] = preds[i];
            if (perElement) w[kept] = weights[i];
            kept++;
        }
        labels = l[..kept];
        preds = p[..kept];
        if (perElement) weights = w[..kept];
    }

    /// <summary>
    /// The shape both tensors are brought to by Keras's <c>squeeze_or_expand_to_same_rank(y_pred, y_true)</c>: a
    /// trailing axis of length 1 on one side is dropped, unless the other side is rank 1 (then it is kept).
    /// </summary>
    internal static ReadOnlySpan<nint> AlignedShape(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred)
    {
        MetricGuard.RequireSameShapeUpToTrailingOne(yTrue, yPred);
        ReadOnlySpan<nint> t = yTrue.Lengths, p = yPred.Lengths;
        if (t.Length == p.Length) return p;
        if (p.Length == t.Length + 1) return t.Length == 1 ? p : t;
        return p.Length == 1 ? t : p;
    }

    private static ReadOnlySpan<float> Column(ReadOnlySpan<float> data, int cols, int column, ref float[]? scratch)
    {
        int rows = data.Length / cols;
        var dest = MetricGuard.Scratch(ref scratch, rows);
        for (int r = 0, i = column; r < rows; r++, i += cols) dest[r] = data[i];
        return dest;
    }

    /// <summary>Keeps the k largest values of each row (ties: lower index first, as top_k) and sets the rest to NEG_INF.</summary>
    private void FilterTopK(Span<float> data, int cols, int k)
    {
        var sorted = MetricGuard.Scratch(ref _rowSort, cols);
        for (int start = 0; start < data.Length; start += cols)
        {
            var row = data.Slice(start, cols);
            row.CopyTo(sorted);
            sorted.Sort(); // NaNs first, then the numbers ascending
            // NumPy's top_k (Keras's numpy backend) ranks NaN above every number: NaNs take top-k slots first.
            int nan = 0;
            while (nan < cols && float.IsNaN(sorted[nan])) nan++;
            int kNumbers = k - nan;
            float kth = kNumbers > 0 ? sorted[cols - kNumbers] : float.PositiveInfinity;
            int greater = 0;
            foreach (float v in row) if (v > kth) greater++;
            int equalToKeep = Math.Max(kNumbers - greater, 0);
            for (int j = 0; j < cols; j++)
            {
                float v = row[j];
                if (v > kth || float.IsNaN(v)) continue;
                if (v == kth && equalToKeep > 0) { equalToKeep--; continue; }
                row[j] = NegativeInfinity;
            }
        }
    }
}
