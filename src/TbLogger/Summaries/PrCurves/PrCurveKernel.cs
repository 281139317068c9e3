using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TbLogger;

/// <summary>
/// TensorBoard's PR curve arithmetic (tensorboard/plugins/pr_curve/summary.py): each prediction, clamped to [0, 1],
/// goes to bucket floor(p × (T − 1)) once; true and false positives at threshold i are the reverse cumulative sums
/// of the buckets from i on; TN = FP[0] − FP, FN = TP[0] − TP, precision = TP / max(1e-7, TP + FP) and
/// recall = TP / max(1e-7, TP + FN), in double, stored as float. O(N + T) time, O(T) memory.
/// </summary>
internal static class PrCurveKernel
{
    public const double MinimumCount = 1e-7;
    public const int Rows = 6;
    private const int StackThresholds = 1024;

    /// <summary>Fills <paramref name="data"/> (6 × T, row-major: TP, FP, TN, FN, precision, recall).</summary>
    public static void Compute<TLabel, TPrediction, TWeight>(ReadOnlySpan<TLabel> labels, ReadOnlySpan<TPrediction> predictions,
        ReadOnlySpan<TWeight> weights, int numThresholds, Span<float> data)
        where TLabel : unmanaged
        where TPrediction : unmanaged, IFloatingPointIeee754<TPrediction>
        where TWeight : unmanaged, IFloatingPointIeee754<TWeight>
    {
        int t = numThresholds;
        double[]? rented = null;
        try
        {
            Span<double> buckets = t <= StackThresholds ? stackalloc double[2 * StackThresholds] : (rented = ArrayPool<double>.Shared.Rent(2 * t));
            Span<double> tpBuckets = buckets[..t];
            Span<double> fpBuckets = buckets.Slice(t, t);
            tpBuckets.Clear();
            fpBuckets.Clear();
            if (weights.IsEmpty)
            {
                CountUnweighted(labels, predictions, t, tpBuckets, fpBuckets);
            }
            else
            {
                CountWeighted(labels, predictions, weights, t, tpBuckets, fpBuckets);
                // The totals exactly as Curve sums them, so a curve is refused only when a count it stores would be
                // infinite (a sum in another order can round to the other side of float32's limit).
                ThrowIfCountsOverflow(SumFromLast(tpBuckets), SumFromLast(fpBuckets));
            }
            Curve(tpBuckets, fpBuckets, data);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountUnweighted<TLabel, TPrediction>(ReadOnlySpan<TLabel> labels, ReadOnlySpan<TPrediction> predictions,
        int t, Span<double> tpBuckets, Span<double> fpBuckets)
        where TLabel : unmanaged
        where TPrediction : unmanaged, IFloatingPointIeee754<TPrediction>
    {
        int[]? rented = null;
        try
        {
            // Integer counts, slot 2 × bucket + label, in two interleaved arrays so runs of equal predictions do not
            // chain every increment on the previous one.
            int slots = 2 * t;
            Span<int> counts = slots <= 2 * StackThresholds ? stackalloc int[4 * StackThresholds] : (rented = ArrayPool<int>.Shared.Rent(2 * slots));
            Span<int> countsA = counts[..slots];
            Span<int> countsB = counts.Slice(slots, slots);
            countsA.Clear();
            countsB.Clear();
            TPrediction scale = TPrediction.CreateTruncating(t - 1);
            int i = 0;
            for (; i + 1 < predictions.Length; i += 2)
            {
                countsA[2 * Bucket(predictions, i, scale) + LabelBit(labels, i)]++;
                countsB[2 * Bucket(predictions, i + 1, scale) + LabelBit(labels, i + 1)]++;
            }
            if (i < predictions.Length)
            {
                countsA[2 * Bucket(predictions, i, scale) + LabelBit(labels, i)]++;
            }
            for (int j = 0; j < t; j++)
            {
                fpBuckets[j] = countsA[2 * j] + countsB[2 * j];
                tpBuckets[j] = countsA[2 * j + 1] + countsB[2 * j + 1];
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountWeighted<TLabel, TPrediction, TWeight>(ReadOnlySpan<TLabel> labels, ReadOnlySpan<TPrediction> predictions,
        ReadOnlySpan<TWeight> weights, int t, Span<double> tpBuckets, Span<double> fpBuckets)
        where TLabel : unmanaged
        where TPrediction : unmanaged, IFloatingPointIeee754<TPrediction>
        where TWeight : unmanaged, IFloatingPointIeee754<TWeight>
    {
        // Weights are summed in double whatever their type (float64 weights keep their precision).
        TPrediction scale = TPrediction.CreateTruncating(t - 1);
        for (int i = 0; i < predictions.Length; i++)
        {
            double w = double.CreateTruncating(weights[i]);
            if (!double.IsFinite(w) || w < 0)
            {
                throw new ArgumentException($"weights[{i}] is {w}; weights must be finite and not negative.", "weights");
            }
            int bucket = Bucket(predictions, i, scale);
            if (LabelBit(labels, i) == 1)
            {
                tpBuckets[bucket] += w;
            }
            else
            {
                fpBuckets[bucket] += w;
            }
        }
    }

    /// <summary>
    /// Throws when the weights may not make a finite curve: a count over float32's range would be stored as infinity (as
    /// numpy and TensorFlow store it), which the raw PR curve refuses. Finite, non-negative <paramref name="weights"/>
    /// (checked by the caller) whose largest times their number stays below float32's range, with the margin below,
    /// pass at once. Otherwise the weights are summed by label, in their order rather than the bucket order of
    /// <see cref="Compute"/>; a sum in another order can differ by a relative 2^-53 per addition, so a sum is refused
    /// when it is within n × 2^-52 of float32's range. Whatever passes here cannot overflow in <see cref="Compute"/>
    /// (for up to about 2^26 weights the margin covers the second-order rounding terms too; beyond, a sum would have to
    /// sit within a few ulps of the limit, and the worker then reports the refusal from a later call); sums at the very
    /// edge are refused a little early.
    /// </summary>
    public static void CheckWeightTotals<TLabel, TWeight>(ReadOnlySpan<TLabel> labels, ReadOnlySpan<TWeight> weights)
        where TLabel : unmanaged
        where TWeight : unmanaged, IFloatingPointIeee754<TWeight>
    {
        if (weights.IsEmpty)
        {
            return;
        }
        // The rounding error of n − 1 additions of non-negative numbers, in any order, stays within (n − 1) × 2^-53 of
        // the sum; twice that covers the error of this check's own sum too.
        double margin = 1 + Math.ScaleB((double)weights.Length, -52);
        if (float.IsFinite((float)(double.CreateTruncating(System.Numerics.Tensors.TensorPrimitives.Max(weights)) * weights.Length * margin)))
        {
            return;
        }
        double tp = 0, fp = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = double.CreateTruncating(weights[i]);
            if (LabelBit(labels, i) == 1)
            {
                tp += w;
            }
            else
            {
                fp += w;
            }
        }
        ThrowIfCountsOverflow(tp, fp, margin);
    }

    // Last bucket to first, as Curve accumulates its counts: the total it stores at threshold 0.
    private static double SumFromLast(ReadOnlySpan<double> buckets)
    {
        double sum = 0;
        for (int i = buckets.Length - 1; i >= 0; i--)
        {
            sum += buckets[i];
        }
        return sum;
    }

    private static void ThrowIfCountsOverflow(double truePositives, double falsePositives, double margin = 1)
    {
        if (float.IsInfinity((float)(truePositives * margin)) || float.IsInfinity((float)(falsePositives * margin)))
        {
            throw new ArgumentException(
                $"The weights of positive labels sum to {truePositives:R} and of negative labels to {falsePositives:R}; a PR curve's counts are float32, " +
                $"which holds at most {float.MaxValue:R}.", "weights");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bucket<TPrediction>(ReadOnlySpan<TPrediction> predictions, int i, TPrediction scale)
        where TPrediction : unmanaged, IFloatingPointIeee754<TPrediction>
    {
        TPrediction p = predictions[i];
        if (TPrediction.IsNaN(p))
        {
            ThrowNaNPrediction(i);
        }
        // Clamped like TensorBoard's summary op; the product is in the prediction's own precision, as in numpy.
        p = TPrediction.Min(TPrediction.One, TPrediction.Max(TPrediction.Zero, p));
        return int.CreateTruncating(TPrediction.Floor(p * scale));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LabelBit<TLabel>(ReadOnlySpan<TLabel> labels, int i)
        where TLabel : unmanaged
    {
        TLabel label = labels[i];
        if (typeof(TLabel) == typeof(bool))
        {
            return Unsafe.As<TLabel, bool>(ref label) ? 1 : 0;
        }
        if (typeof(TLabel) == typeof(float))
        {
            float value = Unsafe.As<TLabel, float>(ref label);
            return value == 1f ? 1 : value == 0f ? 0 : ThrowBadLabel(i, value);
        }
        if (typeof(TLabel) == typeof(double))
        {
            double value = Unsafe.As<TLabel, double>(ref label);
            return value == 1d ? 1 : value == 0d ? 0 : ThrowBadLabel(i, value);
        }
        if (typeof(TLabel) == typeof(int))
        {
            int value = Unsafe.As<TLabel, int>(ref label);
            return value is 0 or 1 ? value : ThrowBadLabel(i, value);
        }
        throw new NotSupportedException($"Labels of type {typeof(TLabel)} are not supported.");
    }

    private static void Curve(ReadOnlySpan<double> tpBuckets, ReadOnlySpan<double> fpBuckets, Span<float> data)
    {
        int t = tpBuckets.Length;
        Span<float> tpRow = data[..t], fpRow = data.Slice(t, t), tnRow = data.Slice(2 * t, t);
        Span<float> fnRow = data.Slice(3 * t, t), precisionRow = data.Slice(4 * t, t), recallRow = data.Slice(5 * t, t);
        // Reverse cumulative sums, accumulated from the last threshold down as numpy's cumsum of the reversed array.
        double tp = 0, fp = 0;
        for (int i = t - 1; i >= 0; i--)
        {
            tp += tpBuckets[i];
            fp += fpBuckets[i];
            tpRow[i] = (float)tp;
            fpRow[i] = (float)fp;
        }
        double totalTp = tp, totalFp = fp;
        tp = 0;
        fp = 0;
        for (int i = t - 1; i >= 0; i--)
        {
            tp += tpBuckets[i];
            fp += fpBuckets[i];
            double tn = totalFp - fp;
            double fn = totalTp - tp;
            tnRow[i] = (float)tn;
            fnRow[i] = (float)fn;
            precisionRow[i] = (float)(tp / Math.Max(MinimumCount, tp + fp));
            recallRow[i] = (float)(tp / Math.Max(MinimumCount, tp + fn));
        }
    }

    private static void ThrowNaNPrediction(int index) =>
        throw new ArgumentException($"predictions[{index}] is NaN; predictions must be numbers in [0, 1].", "predictions");

    private static int ThrowBadLabel(int index, double value) =>
        throw new ArgumentException($"labels[{index}] is {value}; labels must be 0 or 1.", "labels");
}
