using System.Numerics;
using System.Runtime.CompilerServices;

namespace TbLogger;

/// <summary>
/// The k-th smallest of finite doubles by selection (quickselect: median-of-three pivots, Hoare partitions), in
/// expected linear time instead of a sort's n log n: what numpy's percentiles do (<c>np.partition</c>) for the bin
/// rules that need quartiles (issue 19: sorting 1M values was most of a "fd" or "auto" histogram's cost, on the caller).
/// A range that keeps splitting badly (an order built against median-of-three) is sorted instead once its budget of
/// partitions is spent, so no input costs more than n log n: an adversary's order costs about a sort's time plus the
/// budget's partitions (McIlroy's, 1M values: 112 ms against Array.Sort's 94).
/// </summary>
internal static class OrderStatistics
{
    /// <summary>Below this many values a range is sorted: faster than partitioning it further.</summary>
    private const int SortBelow = 16;

    /// <summary>
    /// Reorders <paramref name="values"/> so that <c>values[k]</c> holds the value a sort would put there, no value
    /// before it greater and none after it smaller; returns that value.
    /// </summary>
    /// <param name="values">Finite values (no NaN: its comparisons would break the partitions' invariant).</param>
    /// <param name="k">The rank, 0 for the smallest.</param>
    // Each partition should at least halve the range (a pivot of three keeps it near that); twice the halvings a
    // good run needs is the budget before the rest of the range is simply sorted.
    public static double Select(Span<double> values, int k) => Select(values, k, 2 * (BitOperations.Log2((uint)values.Length) + 1));

    /// <summary><see cref="Select(Span{double}, int)"/> with at most <paramref name="budget"/> partitions before the rest is sorted.</summary>
    internal static double Select(Span<double> values, int k, int budget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, values.Length);
        int lo = 0, hi = values.Length - 1;
        while (hi > lo)
        {
            if (hi - lo < SortBelow || budget-- == 0)
            {
                values[lo..(hi + 1)].Sort();
                break;
            }
            int mid = lo + ((hi - lo) >> 1);
            // The median of the first, middle and last values, left in the middle (the other two end up on the side
            // they belong to, so they also stop the scans below at the range's ends).
            if (values[mid] < values[lo])
            {
                Swap(values, lo, mid);
            }
            if (values[hi] < values[lo])
            {
                Swap(values, lo, hi);
            }
            if (values[hi] < values[mid])
            {
                Swap(values, mid, hi);
            }
            double pivot = values[mid];
            int i = lo, j = hi;
            // Hoare's partition: both scans stop at values equal to the pivot, so a range of equal values splits in
            // the middle instead of degrading.
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }
                while (pivot < values[j])
                {
                    j--;
                }
                if (i <= j)
                {
                    Swap(values, i, j);
                    i++;
                    j--;
                }
            }
            // Now values[lo..j] <= pivot <= values[i..hi], and every value strictly between j and i equals the pivot.
            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                break;
            }
        }
        return values[k];
    }

    /// <summary>From this many values <see cref="TrySelectPairs"/> is worth its sample.</summary>
    internal const int SampledFrom = 1 << 15;

    /// <summary>Values in the sample (every (n / SampleSize)-th value), sorted to choose the bands.</summary>
    private const int SampleSize = 8192;

    /// <summary>
    /// The values at ranks <paramref name="low"/>, low + 1, <paramref name="high"/> and high + 1 of finite
    /// <paramref name="values"/> (low + 1 &lt; high, high + 1 &lt; n) in one pass instead of two selections: a sorted
    /// sample of the values puts a narrow band of values around each rank (about 4 % of them, four standard deviations
    /// of the sample's error either side), and the pass counts the values below each band and gathers the values in it,
    /// among which the ranks are then selected. False when a band turns out to miss its ranks or to hold too many values
    /// (an order the sample misjudges, many equal values): the caller then selects. <paramref name="values"/> is not
    /// reordered.
    /// </summary>
    internal static bool TrySelectPairs(ReadOnlySpan<double> values, int low, int high, out double low0, out double low1, out double high0, out double high1)
    {
        low0 = low1 = high0 = high1 = 0;
        int n = values.Length;
        if (n < SampledFrom || low < 0 || low + 1 >= high || high + 1 >= n)
        {
            return false;
        }
        int capacity = n / 8;
        double[] sample = System.Buffers.ArrayPool<double>.Shared.Rent(SampleSize);
        double[] lowBand = System.Buffers.ArrayPool<double>.Shared.Rent(capacity);
        double[] highBand = System.Buffers.ArrayPool<double>.Shared.Rent(capacity);
        try
        {
            for (int i = 0; i < SampleSize; i++)
            {
                sample[i] = values[(int)((long)i * n / SampleSize)];
            }
            Span<double> sorted = sample.AsSpan(0, SampleSize);
            sorted.Sort();
            (double lowFrom, double lowTo) = Band(sorted, low, n);
            (double highFrom, double highTo) = Band(sorted, high, n);
            if (!(lowTo < highFrom))
            {
                return false;
            }
            int belowLow = 0, belowHigh = 0, inLow = 0, inHigh = 0;
            foreach (double value in values)
            {
                belowLow += Unsafe.BitCast<bool, byte>(value < lowFrom);
                belowHigh += Unsafe.BitCast<bool, byte>(value < highFrom);
                // One branch, taken for the few values in a band.
                if ((value >= lowFrom & value <= lowTo) | (value >= highFrom & value <= highTo))
                {
                    if (value <= lowTo)
                    {
                        if (inLow == capacity)
                        {
                            return false;
                        }
                        lowBand[inLow++] = value;
                    }
                    else
                    {
                        if (inHigh == capacity)
                        {
                            return false;
                        }
                        highBand[inHigh++] = value;
                    }
                }
            }
            // The band holds exactly the values of ranks below .. below + in - 1: both ranks of the pair must be there.
            if (!(belowLow <= low && low + 1 < belowLow + inLow && belowHigh <= high && high + 1 < belowHigh + inHigh))
            {
                return false;
            }
            (low0, low1) = PairInBand(lowBand.AsSpan(0, inLow), low - belowLow);
            (high0, high1) = PairInBand(highBand.AsSpan(0, inHigh), high - belowHigh);
            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(sample);
            System.Buffers.ArrayPool<double>.Shared.Return(lowBand);
            System.Buffers.ArrayPool<double>.Shared.Return(highBand);
        }
    }

    /// <summary>The sample's values around where rank <paramref name="rank"/> of <paramref name="n"/> falls in it.</summary>
    private static (double From, double To) Band(ReadOnlySpan<double> sorted, int rank, int n)
    {
        double fraction = (double)rank / n;
        double center = fraction * sorted.Length;
        // The sample's rank of the value has a standard deviation of about √(s·f·(1 − f)).
        double margin = 4 * Math.Sqrt(sorted.Length * fraction * (1 - fraction)) + 8;
        int from = Math.Max(0, (int)(center - margin));
        int to = Math.Min(sorted.Length - 1, (int)(center + margin));
        return (sorted[from], sorted[to]);
    }

    /// <summary>The band's values at <paramref name="k"/> and k + 1 (both within it).</summary>
    private static (double, double) PairInBand(Span<double> band, int k)
    {
        double at = Select(band, k);
        return (at, System.Numerics.Tensors.TensorPrimitives.Min(band[(k + 1)..]));
    }

    private static void Swap(Span<double> values, int a, int b) => (values[a], values[b]) = (values[b], values[a]);
}
