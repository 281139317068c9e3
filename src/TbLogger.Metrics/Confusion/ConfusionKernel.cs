using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TbLogger.Metrics;

/// <summary>
/// The thresholded-confusion kernel shared by every threshold metric (TP/FP/TN/FN, Precision, Recall, AUC and the
/// operating-point metrics). Spans in, nothing allocated.
/// </summary>
/// <remarks>
/// <para>
/// Each prediction is placed once in a <em>bucket</em> j ∈ [0, T]: the prediction counts as positive for exactly the
/// thresholds 0 … j−1 of the ascending threshold list (positive means strictly greater than the threshold, as in
/// Keras). The histogram holds, per bucket, the summed weight of negative labels at [2j] and of positive labels at
/// [2j+1]; <see cref="AddCounts"/> turns it into TP/FP/TN/FN with one reverse cumulative sum, so the whole update is
/// O(N + T) for evenly spaced thresholds (Keras's <c>_update_confusion_matrix_variables_optimized</c>) and
/// O(N log T) otherwise (binary search instead of Keras's O(N·T) tiling, same counts).
/// </para>
/// <para>
/// Labels are booleans as in Keras (any non-zero value is positive). Sums are in double, at least as exact as Keras's
/// float32 variables; unweighted (and scalar-weighted) counts are exact integers.
/// </para>
/// </remarks>
internal static class ConfusionKernel
{
    /// <summary>Elements processed per chunk of bucket indices (fits on the stack).</summary>
    private const int Chunk = 512;

    /// <summary>Histogram length for <paramref name="numThresholds"/> thresholds: two sums per bucket, T + 1 buckets.</summary>
    public static int HistogramLength(int numThresholds) => 2 * (numThresholds + 1);

    /// <summary>Length of the integer scratch for <paramref name="numThresholds"/> thresholds: four interleaved copies of the histogram.</summary>
    public static int CountsLength(int numThresholds) => 4 * HistogramLength(numThresholds);

    /// <summary>
    /// Buckets predictions for evenly spaced thresholds t_i = i / (T − 1), computing the bucket exactly as Keras does in
    /// float32: ceil(clip(p, 0, 1) · (T − 1)), raised to at least 1 when the end thresholds carry an epsilon
    /// (−ε and 1 + ε, AUC), because then every prediction in [0, 1] exceeds the first threshold.
    /// </summary>
    /// <param name="labels">Labels, one per prediction.</param>
    /// <param name="predictions">Predictions, no NaN.</param>
    /// <param name="weights">Empty (weight 1), one value (a scalar weight) or one weight per prediction.</param>
    /// <param name="numThresholds">T ≥ 2.</param>
    /// <param name="withEpsilon">True when the first and last thresholds are −ε and 1 + ε.</param>
    /// <param name="histogram">Accumulates; length <see cref="HistogramLength"/>(T).</param>
    /// <param name="counts">Scratch of length <see cref="CountsLength"/>(T).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BucketEvenlySpaced(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions, ReadOnlySpan<float> weights,
                                          int numThresholds, bool withEpsilon, Span<double> histogram, Span<int> counts)
    {
        Span<int> index = stackalloc int[Chunk];
        float scale = numThresholds - 1;
        int minBucket = withEpsilon ? 1 : 0;
        bool perElement = weights.Length > 1;
        if (!perElement) counts.Clear();
        for (int start = 0; start < predictions.Length; start += Chunk)
        {
            int n = Math.Min(Chunk, predictions.Length - start);
            var idx = index[..n];
            EvenIndices(labels.Slice(start, n), predictions.Slice(start, n), scale, minBucket, idx);
            if (perElement) Scatter(idx, weights.Slice(start, n), histogram);
            else Count(idx, counts);
        }
        if (!perElement) FlushCounts(counts, weights.IsEmpty ? 1.0 : weights[0], histogram);
    }

    /// <summary>
    /// Buckets predictions for arbitrary thresholds, given in ascending order: the bucket is the number of thresholds
    /// strictly below the prediction (found by binary search), compared in float32 as in Keras. No clipping.
    /// </summary>
    /// <param name="labels">Labels, one per prediction.</param>
    /// <param name="predictions">Predictions, no NaN.</param>
    /// <param name="weights">Empty (weight 1), one value (a scalar weight) or one weight per prediction.</param>
    /// <param name="sortedThresholds">Thresholds in ascending order.</param>
    /// <param name="histogram">Accumulates; length <see cref="HistogramLength"/>(T).</param>
    /// <param name="counts">Scratch of length <see cref="CountsLength"/>(T).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BucketSorted(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions, ReadOnlySpan<float> weights,
                                    ReadOnlySpan<float> sortedThresholds, Span<double> histogram, Span<int> counts)
    {
        Span<int> index = stackalloc int[Chunk];
        bool perElement = weights.Length > 1;
        if (!perElement) counts.Clear();
        for (int start = 0; start < predictions.Length; start += Chunk)
        {
            int n = Math.Min(Chunk, predictions.Length - start);
            var idx = index[..n];
            var l = labels.Slice(start, n);
            var p = predictions.Slice(start, n);
            for (int i = 0; i < n; i++)
                idx[i] = 2 * CountBelow(sortedThresholds, p[i]) + Unsafe.BitCast<bool, byte>(l[i] != 0);
            if (perElement) Scatter(idx, weights.Slice(start, n), histogram);
            else Count(idx, counts);
        }
        if (!perElement) FlushCounts(counts, weights.IsEmpty ? 1.0 : weights[0], histogram);
    }

    /// <summary>
    /// Adds the confusion counts of a histogram to the state: for threshold t (ascending position s),
    /// TP = Σ_{j>s} pos[j], FP = Σ_{j>s} neg[j], FN = ΣP − TP, TN = ΣN − FP.
    /// </summary>
    /// <param name="histogram">From a Bucket… call for T thresholds.</param>
    /// <param name="order">Empty when thresholds were already ascending; otherwise order[s] = the caller's index of the s-th smallest threshold.</param>
    /// <param name="tp">True positives, or empty when not tracked.</param>
    /// <param name="fp">False positives, or empty.</param>
    /// <param name="tn">True negatives, or empty.</param>
    /// <param name="fn">False negatives, or empty.</param>
    /// <param name="stride">Distance between consecutive thresholds in the state (the number of labels for [T, L] multi-label states).</param>
    /// <param name="offset">Position of threshold 0 in the state (the label index for multi-label states).</param>
    public static void AddCounts(ReadOnlySpan<double> histogram, ReadOnlySpan<int> order,
                                 Span<double> tp, Span<double> fp, Span<double> tn, Span<double> fn, int stride = 1, int offset = 0)
    {
        int numThresholds = histogram.Length / 2 - 1;
        double totalNeg = 0, totalPos = 0;
        for (int j = 0; j <= numThresholds; j++)
        {
            totalNeg += histogram[2 * j];
            totalPos += histogram[2 * j + 1];
        }
        double cumNeg = 0, cumPos = 0;
        for (int s = numThresholds - 1; s >= 0; s--)
        {
            cumNeg += histogram[2 * (s + 1)];
            cumPos += histogram[2 * (s + 1) + 1];
            int at = offset + stride * (order.IsEmpty ? s : order[s]);
            if (!tp.IsEmpty) tp[at] += cumPos;
            if (!fp.IsEmpty) fp[at] += cumNeg;
            if (!tn.IsEmpty) tn[at] += totalNeg - cumNeg;
            if (!fn.IsEmpty) fn[at] += totalPos - cumPos;
        }
    }

    /// <summary>Number of sorted thresholds strictly below <paramref name="value"/> (lower bound), branch-free so random predictions do not mispredict.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CountBelow(ReadOnlySpan<float> sorted, float value)
    {
        ref float first = ref MemoryMarshal.GetReference(sorted);
        int length = sorted.Length;
        int lo = 0;
        while (length > 1)
        {
            int half = length >> 1;
            // bool → 0/1 without a branch (setcc), so random predictions cost no mispredictions.
            lo += Unsafe.BitCast<bool, byte>(Unsafe.Add(ref first, lo + half - 1) < value) * half;
            length -= half;
        }
        return lo + Unsafe.BitCast<bool, byte>(Unsafe.Add(ref first, lo) < value);
    }

    /// <summary>Histogram index 2·bucket + label for a chunk, vectorised where the hardware allows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void EvenIndices(ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions, float scale, int minBucket, Span<int> destination)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && predictions.Length >= Vector256<float>.Count)
        {
            ref float p0 = ref MemoryMarshal.GetReference(predictions);
            ref float l0 = ref MemoryMarshal.GetReference(labels);
            ref int d0 = ref MemoryMarshal.GetReference(destination);
            var vScale = Vector256.Create(scale);
            var vZero = Vector256<float>.Zero;
            var vOne = Vector256<float>.One;
            var vMin = Vector256.Create(minBucket);
            var vPlusOne = Vector256.Create(1);
            int last = predictions.Length - Vector256<float>.Count;
            for (; i <= last; i += Vector256<float>.Count)
            {
                var p = Vector256.LoadUnsafe(ref p0, (nuint)i);
                p = Vector256.Min(Vector256.Max(p, vZero), vOne);
                var bucket = Vector256.ConvertToInt32(Vector256.Ceiling(p * vScale));
                bucket = Vector256.Max(bucket, vMin);
                // Equals(label, 0) is all-ones (−1) where the label is false: 2·bucket + 1 − 1 for negatives, + 1 for positives.
                var isNegative = Vector256.Equals(Vector256.LoadUnsafe(ref l0, (nuint)i), vZero).AsInt32();
                var index = bucket + bucket + vPlusOne + isNegative;
                index.StoreUnsafe(ref d0, (nuint)i);
            }
        }
        for (; i < predictions.Length; i++)
        {
            float p = Math.Clamp(predictions[i], 0f, 1f);
            int bucket = Math.Max((int)MathF.Ceiling(p * scale), minBucket);
            destination[i] = 2 * bucket + (labels[i] != 0 ? 1 : 0);
        }
    }

    /// <summary>
    /// Increments counts[index] for each index, spreading consecutive elements over four copies of the histogram so
    /// that runs of equal buckets do not serialise on one memory location.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Count(ReadOnlySpan<int> index, Span<int> counts)
    {
        int stride = counts.Length / 4;
        ref int c0 = ref MemoryMarshal.GetReference(counts);
        ref int c1 = ref Unsafe.Add(ref c0, stride);
        ref int c2 = ref Unsafe.Add(ref c0, 2 * stride);
        ref int c3 = ref Unsafe.Add(ref c0, 3 * stride);
        ref int i0 = ref MemoryMarshal.GetReference(index);
        int i = 0;
        for (; i + 4 <= index.Length; i += 4)
        {
            int a = Unsafe.Add(ref i0, i), b = Unsafe.Add(ref i0, i + 1), c = Unsafe.Add(ref i0, i + 2), d = Unsafe.Add(ref i0, i + 3);
            if ((uint)a >= (uint)stride | (uint)b >= (uint)stride | (uint)c >= (uint)stride | (uint)d >= (uint)stride) ThrowCorrupt();
            Unsafe.Add(ref c0, a)++;
            Unsafe.Add(ref c1, b)++;
            Unsafe.Add(ref c2, c)++;
            Unsafe.Add(ref c3, d)++;
        }
        for (; i < index.Length; i++)
        {
            int a = Unsafe.Add(ref i0, i);
            if ((uint)a >= (uint)stride) ThrowCorrupt();
            Unsafe.Add(ref c0, a)++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter(ReadOnlySpan<int> index, ReadOnlySpan<float> weights, Span<double> histogram)
    {
        for (int i = 0; i < index.Length; i++) histogram[index[i]] += weights[i];
    }

    private static void FlushCounts(ReadOnlySpan<int> counts, double weight, Span<double> histogram)
    {
        int stride = counts.Length / 4;
        for (int j = 0; j < stride; j++)
        {
            long total = (long)counts[j] + counts[j + stride] + counts[j + 2 * stride] + counts[j + 3 * stride];
            if (total != 0) histogram[j] += total * weight;
        }
    }

    private static void ThrowCorrupt() => throw new InvalidOperationException("Bucket index out of range (NaN prediction reached the kernel).");
}
