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

    /// <summary>
    /// The values a sort would put at <paramref name="k"/> and k + 1 (<see cref="Select(Span{double}, int)"/>, then the
    /// smallest of the values after it), reordering <paramref name="values"/>; <paramref name="beyond"/> stands for
    /// rank k + 1 when k is the last.
    /// </summary>
    public static (double At, double Next) SelectPair(Span<double> values, int k, double beyond)
    {
        double at = Select(values, k);
        return (at, k + 1 < values.Length ? System.Numerics.Tensors.TensorPrimitives.Min(values[(k + 1)..]) : beyond);
    }

    /// <summary>From this many values <see cref="TrySelectPairs"/> is worth its sample.</summary>
    internal const int SampledFrom = 1 << 15;

    /// <summary>Values in the sample, one from each of this many equal cells of the values, sorted to choose the bands.</summary>
    private const int SampleSize = 8192;

    /// <summary>
    /// The values at ranks <paramref name="low"/>, low + 1, <paramref name="high"/> and high + 1 of finite
    /// <paramref name="values"/> in one pass instead of two selections, for <see cref="SampledFrom"/> values or more,
    /// 0 &lt;= low, low + 2 &lt;= high and high + 2 &lt;= n (false otherwise). A sorted sample of the values (one from
    /// each of 8,192 equal cells, at a position in its cell that varies from cell to cell, so that a pattern repeating
    /// at a power of two, such as a matrix's columns, does not decide it) puts a band of values around each rank: 4
    /// standard deviations of the sample's error either side, plus 8 places (about 4 % of the values). The pass counts
    /// the values below each band and those equal to its ends, and gathers the values strictly inside it, among which
    /// the ranks are then selected. False when the bands overlap, or when a band turns out to miss its ranks or to
    /// hold more than n / 8 values strictly inside (an order the sample misjudges): the caller then selects.
    /// <paramref name="values"/> is not reordered. As with a sort, which of -0 and +0 stands at a rank is unspecified.
    /// </summary>
    internal static bool TrySelectPairs(ReadOnlySpan<double> values, int low, int high, out double low0, out double low1, out double high0, out double high1)
    {
        low0 = low1 = high0 = high1 = 0;
        int n = values.Length;
        if (n < SampledFrom || low < 0 || high - low < 2 || high >= n - 1)
        {
            return false;
        }
        int capacity = n / 8;
        double[] sample = System.Buffers.ArrayPool<double>.Shared.Rent(SampleSize);
        double[] lowInside = System.Buffers.ArrayPool<double>.Shared.Rent(capacity);
        double[] highInside = System.Buffers.ArrayPool<double>.Shared.Rent(capacity);
        try
        {
            for (int i = 0; i < SampleSize; i++)
            {
                sample[i] = values[SamplePosition(i, n)];
            }
            Span<double> sorted = sample.AsSpan(0, SampleSize);
            sorted.Sort();
            var lowBand = new SampledBand(sorted, low, n, lowInside, capacity);
            var highBand = new SampledBand(sorted, high, n, highInside, capacity);
            if (!(lowBand.To < highBand.From))
            {
                return false;
            }
            int belowLow = 0, belowHigh = 0;
            foreach (double value in values)
            {
                belowLow += Unsafe.BitCast<bool, byte>(value < lowBand.From);
                belowHigh += Unsafe.BitCast<bool, byte>(value < highBand.From);
                // One branch, taken for the few values in a band.
                if ((value >= lowBand.From & value <= lowBand.To) | (value >= highBand.From & value <= highBand.To))
                {
                    if (!(value <= lowBand.To ? lowBand.TryAdd(value) : highBand.TryAdd(value)))
                    {
                        return false;
                    }
                }
            }
            // A band holds exactly the values of ranks below .. below + count - 1: both ranks of its pair must be there.
            if (!(belowLow <= low && low + 1 < belowLow + lowBand.Count && belowHigh <= high && high + 1 < belowHigh + highBand.Count))
            {
                return false;
            }
            (low0, low1) = lowBand.Pair(low - belowLow);
            (high0, high1) = highBand.Pair(high - belowHigh);
            return true;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(sample);
            System.Buffers.ArrayPool<double>.Shared.Return(lowInside);
            System.Buffers.ArrayPool<double>.Shared.Return(highInside);
        }
    }

    /// <summary>Where <see cref="TrySelectPairs"/> takes sample <paramref name="i"/> of <paramref name="n"/> values: in the i-th of 8,192 equal cells.</summary>
    internal static int SamplePosition(int i, int n)
    {
        int cell = (int)((long)i * n / SampleSize);
        int next = (int)((long)(i + 1) * n / SampleSize);
        // Knuth's multiplicative hash of the cell's number, its high bits scaled to the cell (its low bits would
        // repeat with the number's: i mod 4 for cells of 4).
        return cell + (int)(((ulong)((uint)i * 2654435761u) * (uint)(next - cell)) >> 32);
    }

    /// <summary>
    /// One band of <see cref="TrySelectPairs"/>: its ends, how many values equal each end (counted, not kept: values
    /// tied at a band's end, such as the zeros of a ReLU's output at a quartile, would fill it), and the values strictly
    /// inside it. In order the band is From (AtFrom times), the inside values, To (AtTo times).
    /// </summary>
    private struct SampledBand
    {
        public readonly double From;
        public readonly double To;
        private readonly double[] _inside;
        private readonly int _capacity;
        private int _atFrom;
        private int _atTo;
        private int _insideCount;

        /// <summary>The sample's values around where rank <paramref name="rank"/> of <paramref name="n"/> falls in it.</summary>
        public SampledBand(ReadOnlySpan<double> sorted, int rank, int n, double[] inside, int capacity)
        {
            double fraction = (double)rank / n;
            double center = fraction * sorted.Length;
            // The sample's rank of the value has a standard deviation of about √(s·f·(1 − f)).
            double margin = 4 * Math.Sqrt(sorted.Length * fraction * (1 - fraction)) + 8;
            From = sorted[Math.Max(0, (int)(center - margin))];
            To = sorted[Math.Min(sorted.Length - 1, (int)(center + margin))];
            _inside = inside;
            _capacity = capacity;
        }

        public readonly int Count => _atFrom + _insideCount + _atTo;

        /// <summary>Takes a value of the band; false when the inside is full.</summary>
        public bool TryAdd(double value)
        {
            if (value == From)
            {
                _atFrom++;
            }
            else if (value == To)
            {
                _atTo++;
            }
            else
            {
                if (_insideCount == _capacity)
                {
                    return false;
                }
                _inside[_insideCount++] = value;
            }
            return true;
        }

        /// <summary>The band's values at <paramref name="k"/> and k + 1 in order (both within it).</summary>
        public readonly (double, double) Pair(int k)
        {
            Span<double> inside = _inside.AsSpan(0, _insideCount);
            int insideEnd = _atFrom + _insideCount;
            if (k < _atFrom)
            {
                return (From, k + 1 < _atFrom ? From : _insideCount > 0 ? System.Numerics.Tensors.TensorPrimitives.Min(inside) : To);
            }
            if (k < insideEnd)
            {
                return SelectPair(inside, k - _atFrom, beyond: To);
            }
            return (To, To);
        }
    }

    private static void Swap(Span<double> values, int a, int b) => (values[a], values[b]) = (values[b], values[a]);
}
