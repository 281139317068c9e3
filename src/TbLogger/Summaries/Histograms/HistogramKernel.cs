using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using TbLogger.Protos;

namespace TbLogger;

/// <summary>
/// Turns values into a <see cref="HistogramProto"/> the way PyTorch's <c>make_histogram</c> does (numpy bucket rules,
/// statistics in double precision, empty buckets trimmed from both ends with one empty bucket kept on the left), in
/// two passes and without allocations proportional to the input: the statistics are vectorised with
/// <see cref="TensorPrimitives"/>, and each value's bucket comes from a closed form checked against the edges.
/// The passes over the values are compiled optimised from the first call, as <see cref="Deferred.CheckedCopy"/>'s
/// are (histograms are logged too rarely for tiering to promote them).
/// </summary>
internal static class HistogramKernel
{
    private const int StackBins = 2048;

    public static HistogramProto Build<T>(ReadOnlySpan<T> values, HistogramBins bins, out int nonFinite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("A histogram needs at least one value.", nameof(values));
        }
        Moments moments = ComputeMoments(values);
        nonFinite = values.Length - moments.Count;
        if (moments.Count == 0)
        {
            // Nothing finite to count: an honest empty histogram (TensorBoard shows a gap) rather than NaN statistics.
            return new HistogramProto();
        }

        int binCount = bins.Kind switch
        {
            HistogramBinKind.Uniform => bins.BinCount,
            HistogramBinKind.Rule => RuleBinCount(values, bins.Rule, moments.Count, moments.Min, moments.Max),
            _ => bins.Edges.Length - 1,
        };
        int[]? rentedCounts = null;
        double[]? rentedEdges = null;
        try
        {
            // Two interleaved count arrays: sorted or clustered data would otherwise chain every increment on the
            // previous store to the same slot.
            Span<int> countsA = binCount <= StackBins ? stackalloc int[2 * StackBins] : (rentedCounts = ArrayPool<int>.Shared.Rent(2 * binCount));
            Span<int> countsB = countsA.Slice(binCount, binCount);
            countsA = countsA[..binCount];
            countsA.Clear();
            countsB.Clear();

            ReadOnlySpan<double> edges;
            switch (bins.Kind)
            {
                case HistogramBinKind.Uniform:
                case HistogramBinKind.Rule:
                    rentedEdges = ArrayPool<double>.Shared.Rent(binCount + 1);
                    Span<double> uniform = rentedEdges.AsSpan(0, binCount + 1);
                    UniformEdges(moments.Min, moments.Max, uniform);
                    CountUniform(values, uniform, countsA, countsB);
                    edges = uniform;
                    break;
                case HistogramBinKind.Explicit:
                    edges = bins.ExplicitEdges;
                    CountExplicit(values, edges, countsA, countsB);
                    break;
                default:
                    edges = ExponentialEdges.Edges;
                    CountExponential(values, countsA, countsB);
                    break;
            }
            TensorPrimitives.Add(countsA, countsB, countsA);
            if (bins.MaxBins > 0 && binCount > bins.MaxBins)
            {
                double[] merged = MergeBuckets(countsA, edges, bins.MaxBins, out int mergedCount);
                return ToProto(moments, merged, countsA[..mergedCount]);
            }
            return ToProto(moments, edges, countsA);
        }
        finally
        {
            if (rentedCounts is not null)
            {
                ArrayPool<int>.Shared.Return(rentedCounts);
            }
            if (rentedEdges is not null)
            {
                ArrayPool<double>.Shared.Return(rentedEdges);
            }
        }
    }

    /// <summary>
    /// The part of <see cref="Build{T}"/> that can reject the values, done on the caller's thread before the rest is
    /// deferred, from the range the caller's copy pass found (<paramref name="finiteCount"/> finite values in
    /// [<paramref name="min"/>, <paramref name="max"/>]): equal-width bins need the range to divide
    /// (<see cref="HistogramBinKind.Uniform"/>); a rule (<see cref="HistogramBinKind.Rule"/>) whose bucket count is
    /// bounded for this range and count (<see cref="RuleCannotFail"/>) is left to the writer's thread, and any other
    /// rule runs here and is returned as the equal-width bins it chose, which <see cref="Build{T}"/> lays out
    /// identically. Other bins cannot fail and are returned unchanged.
    /// </summary>
    public static HistogramBins ResolveOnCaller<T>(ReadOnlySpan<T> values, HistogramBins bins, int finiteCount, double min, double max)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (bins.Kind is not (HistogramBinKind.Uniform or HistogramBinKind.Rule) || finiteCount == 0)
        {
            return bins;
        }
        if (bins.Kind == HistogramBinKind.Uniform)
        {
            UniformStep(min, max, bins.BinCount, out _, out _);
            return bins;
        }
        if (RuleCannotFail(bins.Rule, finiteCount, min, max))
        {
            return bins;
        }
        int binCount = RuleBinCount(values, bins.Rule, finiteCount, min, max);
        UniformStep(min, max, binCount, out _, out _);
        var uniform = HistogramBins.Uniform(binCount);
        return bins.MaxBins > 0 ? uniform.WithMaxBins(bins.MaxBins) : uniform;
    }

    /// <summary>The count, min and max of the finite values (the caller's slow path when some are not finite).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (int Count, double Min, double Max) FiniteRange<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Moments moments = FiniteMomentsScalar(values);
        return (moments.Count, moments.Min, moments.Max);
    }

    /// <summary>
    /// True when <paramref name="rule"/> cannot fail for <paramref name="finiteCount"/> finite values in
    /// [<paramref name="min"/>, <paramref name="max"/>], so it may run on the writer's thread without an error the
    /// caller would have had: its bucket count has a bound that depends only on the count, at most
    /// <see cref="HistogramBins.MaxBinCount"/>, and that many equal buckets (so any fewer) divide the range.
    /// Sturges, Rice, Sqrt and Doane divide the range by a function of n (at most about √n); Stone picks at most
    /// max(100, √n) buckets; Scott's width is proportional to the standard deviation, which is at least range / (2√n)
    /// whatever the mean (the two extremes alone contribute range² / 4), so its count is at most
    /// 2 n^(5/6) / (24√π)^(1/3): about 600,000 for 2^24 values, when neither the values nor their squared deviations can
    /// overflow or lose precision to underflow, and never when every value is equal (a mean rounded off the common
    /// value then gives a tiny deviation and a huge count). Fd and Auto use the interquartile range, which has no such
    /// bound: they stay on the caller.
    /// </summary>
    internal static bool RuleCannotFail(HistogramBinRule rule, long finiteCount, double min, double max)
    {
        long bound;
        switch (rule)
        {
            case var _ when RuleBoundedByCount(rule):
                bound = SqrtRuleBound;
                break;
            case HistogramBinRule.Scott when finiteCount <= ScottMaxValues && min < max && max - min >= 1e-100 && Math.Max(-min, max) <= 1e100:
                bound = ScottBound;
                break;
            default:
                return false;
        }
        double first = min, last = max;
        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
        }
        double step = (last - first) / bound;
        return double.IsFinite(step) && step != 0;
    }

    /// <summary>
    /// The rules whose bucket count is at most <see cref="SqrtRuleBound"/> whatever the values: Sturges, Rice, Sqrt,
    /// Doane and Stone (see <see cref="RuleCannotFail"/>).
    /// </summary>
    internal static bool RuleBoundedByCount(HistogramBinRule rule) =>
        rule is HistogramBinRule.Sturges or HistogramBinRule.Rice or HistogramBinRule.Sqrt or HistogramBinRule.Doane or HistogramBinRule.Stone;

    // √(2^31) is 46,341; Rice's 2∛n, Sturges's and Doane's logarithms are far smaller; every count may be one more
    // than its exact value from rounding. Both bounds are well below HistogramBins.MaxBinCount (2^20).
    private const long SqrtRuleBound = 50_000;
    private const long ScottMaxValues = 1 << 24;
    private const long ScottBound = 700_000;

    /// <summary>
    /// numpy's bucket count for a named rule over the finite values: from their count and range alone for the rules
    /// that need nothing else, else over a copy of them as doubles (some rules reorder it).
    /// </summary>
    internal static int RuleBinCount<T>(ReadOnlySpan<T> values, HistogramBinRule rule, int finiteCount, double min, double max)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double first = min, last = max;
        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
        }
        // Values whose range overflows double (near ±double.MaxValue) gave every rule an infinite width and a count of
        // ceil(∞ / ∞) = NaN read as 0, so the refusal of the range named 0 buckets. A rule's width scales with the
        // values and its count does not: the rule reads them scaled by 2^-530 (a power of two, so exactly), far enough
        // that neither the range nor Scott's and Doane's squared deviations can overflow, and chooses its own count.
        double scale = double.IsInfinity(max - min) ? Math.ScaleB(1.0, -530) : 1.0;
        long count = NumpyBinRules.TryWidthFromRange(rule, finiteCount, max * scale - min * scale, out double width)
            ? NumpyBinRules.BucketCount(width, first * scale, last * scale)
            : BucketCountOverValues(values, rule, finiteCount, first * scale, last * scale, scale);
        if (count > HistogramBins.MaxBinCount)
        {
            throw new ArgumentOutOfRangeException("values",
                $"Rule {rule} chooses {count} buckets for values in [{min}, {max}], more than the {HistogramBins.MaxBinCount} supported; use another rule or explicit edges.");
        }
        return (int)count;
    }

    private static long BucketCountOverValues<T>(ReadOnlySpan<T> values, HistogramBinRule rule, int finiteCount, double first, double last, double scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double[] finite = ArrayPool<double>.Shared.Rent(finiteCount);
        try
        {
            int n = 0;
            foreach (T value in values)
            {
                double x = double.CreateTruncating(value);
                if (double.IsFinite(x))
                {
                    finite[n++] = x * scale;
                }
            }
            return NumpyBinRules.BucketCount(finite.AsSpan(0, n), rule, first, last);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(finite);
        }
    }

    /// <summary>
    /// PyTorch's <c>max_bins</c> merge: s = n / maxBins buckets summed into each (after padding the counts with empty
    /// buckets to a multiple of s), edges 0, s, 2s, ... and the last edge. Merged counts are written over the first
    /// entries of <paramref name="counts"/>.
    /// </summary>
    internal static double[] MergeBuckets(Span<int> counts, ReadOnlySpan<double> edges, int maxBins, out int mergedCount)
    {
        int n = counts.Length;
        int group = n / maxBins;
        mergedCount = (n + group - 1) / group;
        var merged = new double[mergedCount + 1];
        for (int k = 0; k < mergedCount; k++)
        {
            int from = k * group;
            int sum = 0;
            for (int j = from; j < Math.Min(from + group, n); j++)
            {
                sum += counts[j];
            }
            counts[k] = sum;
            merged[k] = edges[from];
        }
        merged[mergedCount] = edges[n];
        return merged;
    }

    internal readonly record struct Moments(int Count, double Min, double Max, double Sum, double SumSquares);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Moments ComputeMoments<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Vector256.IsHardwareAccelerated)
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values);
            return FusedFloatMoments(floats, out Moments fused) ? fused : FiniteMomentsScalar(values);
        }
        if (!TensorPrimitives.IsFiniteAll(values))
        {
            return FiniteMomentsScalar(values);
        }
        double min = double.CreateTruncating(TensorPrimitives.Min(values));
        double max = double.CreateTruncating(TensorPrimitives.Max(values));
        double sum = 0, sumSquares = 0;
        if (typeof(T) == typeof(double))
        {
            var doubles = System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(values);
            sum = TensorPrimitives.Sum(doubles);
            sumSquares = TensorPrimitives.SumOfSquares(doubles);
        }
        else
        {
            // PyTorch histograms values.astype(float): sums in double, never in the input's precision.
            (sum, sumSquares) = WidenedSums(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values));
        }
        return new Moments(values.Length, min, max, sum, sumSquares);
    }

    /// <summary>
    /// For floats, the finiteness check, min, max and the widened sums of <see cref="ComputeMoments{T}"/> in one pass
    /// instead of four (issue 19), with the same results bit for bit: the sums accumulate exactly as
    /// <see cref="WidenedSums"/> does, and min and max of finite values do not depend on order. False when a value is
    /// not finite (the caller then takes the scalar path that skips them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool FusedFloatMoments(ReadOnlySpan<float> values, out Moments moments)
    {
        var sum = Vector256<double>.Zero;
        var squares = Vector256<double>.Zero;
        var low = Vector256.Create(float.PositiveInfinity);
        var high = Vector256.Create(float.NegativeInfinity);
        var finite = Vector256<float>.AllBitsSet;
        var infinity = Vector256.Create(float.PositiveInfinity);
        int i = 0;
        for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var v = Vector256.Create(values.Slice(i, Vector256<float>.Count));
            finite &= Vector256.LessThan(Vector256.Abs(v), infinity);
            low = Vector256.Min(low, v);
            high = Vector256.Max(high, v);
            var (lower, upper) = Vector256.Widen(v);
            sum += lower + upper;
            squares += lower * lower + upper * upper;
        }
        moments = default;
        if (finite.AsUInt32() != Vector256<uint>.AllBitsSet)
        {
            return false;
        }
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int lane = 0; lane < Vector256<float>.Count; lane++)
        {
            min = MathF.Min(min, low[lane]);
            max = MathF.Max(max, high[lane]);
        }
        double total = Vector256.Sum(sum), totalSquares = Vector256.Sum(squares);
        for (; i < values.Length; i++)
        {
            float value = values[i];
            if (!float.IsFinite(value))
            {
                return false;
            }
            min = MathF.Min(min, value);
            max = MathF.Max(max, value);
            double x = value;
            total += x;
            totalSquares += x * x;
        }
        moments = new Moments(values.Length, min, max, total, totalSquares);
        return true;
    }

    // TensorPrimitives.Sum<float> accumulates in float; this widens each vector to double first.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (double Sum, double SumSquares) WidenedSums(ReadOnlySpan<float> values)
    {
        var sum = Vector256<double>.Zero;
        var squares = Vector256<double>.Zero;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.Create(values.Slice(i, Vector256<float>.Count)));
                sum += lower + upper;
                squares += lower * lower + upper * upper;
            }
        }
        double total = Vector256.Sum(sum), totalSquares = Vector256.Sum(squares);
        for (; i < values.Length; i++)
        {
            double x = values[i];
            total += x;
            totalSquares += x * x;
        }
        return (total, totalSquares);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Moments FiniteMomentsScalar<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSquares = 0;
        foreach (T value in values)
        {
            double x = double.CreateTruncating(value);
            if (!double.IsFinite(x))
            {
                continue;
            }
            count++;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
            sum += x;
            sumSquares += x * x;
        }
        return count == 0 ? default : new Moments(count, min, max, sum, sumSquares);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountExponential<T>(ReadOnlySpan<T> values, Span<int> countsA, Span<int> countsB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            // Floats read their bucket from a table (bit-identical to the computed one below, about 3x faster).
            Span<int> counts = stackalloc int[ExponentialFloatSlots.Skipped + 1];
            counts.Clear();
            ExponentialFloatSlots.Count(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values), counts);
            counts[..countsA.Length].CopyTo(countsA);
            return;
        }
        var indexer = new ExponentialEdges.Indexer();
        int i = 0;
        for (; i + 1 < values.Length; i += 2)
        {
            double x0 = double.CreateTruncating(values[i]);
            double x1 = double.CreateTruncating(values[i + 1]);
            if (double.IsFinite(x0))
            {
                countsA[ExponentialEdges.Bucket(x0, indexer)]++;
            }
            if (double.IsFinite(x1))
            {
                countsB[ExponentialEdges.Bucket(x1, indexer)]++;
            }
        }
        if (i < values.Length)
        {
            double x = double.CreateTruncating(values[i]);
            if (double.IsFinite(x))
            {
                countsA[ExponentialEdges.Bucket(x, indexer)]++;
            }
        }
    }

    /// <summary>numpy's <c>linspace(first, last, n + 1)</c>: i * step + first, with the last edge exactly <c>last</c>.</summary>
    private static void UniformEdges(double min, double max, Span<double> edges)
    {
        int n = edges.Length - 1;
        double step = UniformStep(min, max, n, out double first, out double last);
        for (int i = 0; i < n; i++)
        {
            edges[i] = i * step + first;
        }
        edges[n] = last;
    }

    private static double UniformStep(double min, double max, int n, out double first, out double last)
    {
        first = min;
        last = max;
        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
        }
        double step = (last - first) / n;
        if (!double.IsFinite(step) || step == 0)
        {
            throw new ArgumentOutOfRangeException("values", $"The values span [{min}, {max}], which {n} equal buckets cannot divide in double precision; use explicit edges.");
        }
        return step;
    }

    // numpy's uniform-bin path: index = (x - first) * n / (last - first), then one correction each way because the
    // product can land one bucket off within an ulp of an edge.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountUniform<T>(ReadOnlySpan<T> values, ReadOnlySpan<double> edges, Span<int> countsA, Span<int> countsB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = edges.Length - 1;
        double first = edges[0];
        double norm = n / (edges[n] - first);
        for (int i = 0; i < values.Length; i++)
        {
            double x = double.CreateTruncating(values[i]);
            if (!double.IsFinite(x))
            {
                continue;
            }
            int j = Math.Clamp((int)((x - first) * norm), 0, n - 1);
            if (x < edges[j])
            {
                j = Math.Max(j - 1, 0);
            }
            else if (j != n - 1 && x >= edges[j + 1])
            {
                j++;
            }
            ((i & 1) == 0 ? countsA : countsB)[j]++;
        }
    }

    /// <summary>Explicit edges up to this many buckets are counted by <see cref="CountFewExplicit"/>.</summary>
    private const int FewExplicitBuckets = 16;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountExplicit<T>(ReadOnlySpan<T> values, ReadOnlySpan<double> edges, Span<int> countsA, Span<int> countsB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (edges.Length - 1 <= FewExplicitBuckets)
        {
            CountFewExplicit(values, edges, countsA, countsB);
            return;
        }
        int n = edges.Length - 1;
        double first = edges[0], last = edges[n];
        double norm = n / (last - first);
        for (int i = 0; i < values.Length; i++)
        {
            double x = double.CreateTruncating(values[i]);
            if (!(x >= first && x <= last))
            {
                continue; // outside the edges (or not finite): numpy counts it in no bucket
            }
            // Evenly spaced edges make this guess right; otherwise its neighbours or a binary search settle it.
            int j = Math.Clamp((int)((x - first) * norm), 0, n - 1);
            if (!InBucket(x, edges, j))
            {
                if (j + 1 < n && InBucket(x, edges, j + 1))
                {
                    j++;
                }
                else if (j > 0 && InBucket(x, edges, j - 1))
                {
                    j--;
                }
                else
                {
                    int found = edges.BinarySearch(x);
                    int atOrBelow = found >= 0 ? found + 1 : ~found;
                    j = Math.Min(atOrBelow - 1, n - 1);
                }
            }
            ((i & 1) == 0 ? countsA : countsB)[j]++;
        }
    }

    /// <summary>
    /// Explicit edges of a few buckets, without a branch per value: a value's bucket is how many inner edges are at or
    /// below it (edges increase strictly, so the last bucket also takes the last edge), and a value outside the edges
    /// or not finite (numpy counts it nowhere) goes to a slot past the last bucket that is then dropped. The guess of
    /// <see cref="CountExplicit"/> and its corrections cost a mispredicted branch or a binary search per value when the
    /// edges are not evenly spaced or many values fall outside them (issue 19).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CountFewExplicit<T>(ReadOnlySpan<T> values, ReadOnlySpan<double> edges, Span<int> countsA, Span<int> countsB)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = edges.Length - 1;
        double first = edges[0], last = edges[n];
        ReadOnlySpan<double> inner = edges[1..n];
        Span<int> a = stackalloc int[FewExplicitBuckets + 1];
        Span<int> b = stackalloc int[FewExplicitBuckets + 1];
        a.Clear();
        b.Clear();
        int i = 0;
        for (; i + 1 < values.Length; i += 2)
        {
            a[FewBucket(double.CreateTruncating(values[i]), first, last, inner, n)]++;
            b[FewBucket(double.CreateTruncating(values[i + 1]), first, last, inner, n)]++;
        }
        if (i < values.Length)
        {
            a[FewBucket(double.CreateTruncating(values[i]), first, last, inner, n)]++;
        }
        a[..n].CopyTo(countsA);
        b[..n].CopyTo(countsB);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FewBucket(double x, double first, double last, ReadOnlySpan<double> inner, int outside)
    {
        int j = 0;
        foreach (double edge in inner)
        {
            j += Unsafe.BitCast<bool, byte>(x >= edge);
        }
        return (x >= first) & (x <= last) ? j : outside;
    }

    private static bool InBucket(double x, ReadOnlySpan<double> edges, int j) =>
        x >= edges[j] && (x < edges[j + 1] || (j == edges.Length - 2 && x == edges[j + 1]));

    private static HistogramProto ToProto(Moments moments, ReadOnlySpan<double> edges, ReadOnlySpan<int> counts)
    {
        var proto = new HistogramProto
        {
            Min = moments.Min,
            Max = moments.Max,
            Num = moments.Count,
            Sum = moments.Sum,
            SumSquares = moments.SumSquares,
        };
        int start = counts.IndexOfAnyExcept(0);
        if (start < 0)
        {
            return proto; // every value fell outside explicit edges
        }
        int end = counts.LastIndexOfAnyExcept(0);
        // TensorBoard reads only right edges; an empty bucket in front carries the left edge of the first full one.
        int length = end - start + 2;
        proto.BucketLimit.Capacity = length;
        proto.Bucket.Capacity = length;
        proto.Bucket.Add(0);
        for (int j = start; j <= end; j++)
        {
            proto.Bucket.Add(counts[j]);
        }
        for (int j = start; j <= end + 1; j++)
        {
            proto.BucketLimit.Add(edges[j]);
        }
        return proto;
    }
}
