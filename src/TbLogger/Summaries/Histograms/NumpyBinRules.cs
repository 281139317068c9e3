namespace TbLogger;

/// <summary>
/// numpy's bin-width estimators (<c>numpy/lib/histograms.py</c>, <c>_hist_bin_*</c>), computed in the same
/// floating-point order as numpy (pairwise sums, linear percentiles), so the bucket count matches numpy's
/// <c>int(ceil((last − first) / width))</c> to the last bit.
/// </summary>
internal static class NumpyBinRules
{
    /// <summary>The number of equal buckets numpy chooses for finite <paramref name="x"/> (at least one value).</summary>
    /// <param name="x">The finite values; they may be reordered in place when the rule needs order statistics.</param>
    /// <param name="rule">The rule.</param>
    /// <param name="first">numpy's first edge: min, or min − 0.5 when all values are equal.</param>
    /// <param name="last">numpy's last edge: max, or max + 0.5.</param>
    public static long BucketCount(Span<double> x, HistogramBinRule rule, double first, double last) =>
        BucketCount(Width(x, rule, first, last), first, last);

    /// <summary>
    /// The width of the rules that need only the number of values and their range (numpy's <c>ptp</c>): Sqrt, Sturges
    /// and Rice; false for the others, which read the values themselves.
    /// </summary>
    public static bool TryWidthFromRange(HistogramBinRule rule, int n, double ptp, out double width)
    {
        width = rule switch
        {
            HistogramBinRule.Sqrt => ptp / Math.Sqrt(n),
            HistogramBinRule.Sturges => ptp / (Math.Log2(n) + 1.0),
            HistogramBinRule.Rice => ptp / (2.0 * Math.Pow(n, 1.0 / 3)),
            _ => double.NaN,
        };
        return rule is HistogramBinRule.Sqrt or HistogramBinRule.Sturges or HistogramBinRule.Rice;
    }

    /// <summary>numpy's <c>int(ceil((last − first) / width))</c>, one bucket for a zero width.</summary>
    public static long BucketCount(double width, double first, double last)
    {
        if (width == 0 || double.IsNaN(width))
        {
            return 1;
        }
        double count = Math.Ceiling((last - first) / width);
        return count >= long.MaxValue ? long.MaxValue : (long)count;
    }

    public static double Width(Span<double> x, HistogramBinRule rule, double first, double last) => rule switch
    {
        HistogramBinRule.Sqrt or HistogramBinRule.Sturges or HistogramBinRule.Rice => WidthFromRange(rule, x),
        HistogramBinRule.Scott => Math.Pow(24.0 * Math.Pow(Math.PI, 0.5) / x.Length, 1.0 / 3.0) * Std(x),
        HistogramBinRule.Stone => Stone(x, first, last),
        HistogramBinRule.Doane => Doane(x),
        HistogramBinRule.Fd => Fd(x),
        HistogramBinRule.Auto => Auto(x),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown histogram bin rule."),
    };

    private static double Ptp(ReadOnlySpan<double> x) => System.Numerics.Tensors.TensorPrimitives.Max(x) - System.Numerics.Tensors.TensorPrimitives.Min(x);

    private static double WidthFromRange(HistogramBinRule rule, ReadOnlySpan<double> x)
    {
        TryWidthFromRange(rule, x.Length, Ptp(x), out double width);
        return width;
    }

    private static double Sturges(ReadOnlySpan<double> x) => WidthFromRange(HistogramBinRule.Sturges, x);

    private static double Auto(Span<double> x)
    {
        double fd = Fd(x);
        double sturges = Sturges(x);
        return fd != 0 ? Math.Min(fd, sturges) : sturges;
    }

    private static double Fd(Span<double> x)
    {
        double upper = Quartiles(x, out double lower);
        double iqr = upper - lower;
        return 2.0 * iqr * Math.Pow(x.Length, -1.0 / 3.0);
    }

    /// <summary>
    /// numpy's 75th percentile of <paramref name="x"/> (returned) and 25th (<paramref name="lower"/>), from the four
    /// order statistics they interpolate, found by a sampled pass (<see cref="OrderStatistics.TrySelectPairs"/>) or by
    /// selection (x may be reordered, not sorted): exactly the values a sort would give, in linear time.
    /// </summary>
    internal static double Quartiles(Span<double> x, out double lower)
    {
        int n = x.Length;
        // The ranks each percentile reads (Percentile: floor((n − 1)·q) and the next), found from the top down so each
        // selection works within the part the previous one left below it.
        int upperRank = (int)Math.Floor((n - 1) * 0.75);
        int lowerRank = (int)Math.Floor((n - 1) * 0.25);
        // Many values: one pass around the ranks a sample points to, when it finds them.
        if (OrderStatistics.TrySelectPairs(x, lowerRank, upperRank, out double low0, out double low1, out double high0, out double high1))
        {
            lower = Interpolate(n, 0.25, low0, low1);
            return Interpolate(n, 0.75, high0, high1);
        }
        // A single value has no next rank; Interpolate then reads only the first.
        (double upperA, double upperB) = OrderStatistics.SelectPair(x, upperRank, beyond: double.NaN);
        // The first upperRank + 1 values are now the smallest ones: the lower pair lies among them.
        (double lowerA, double lowerB) = lowerRank == upperRank ? (upperA, upperB) : OrderStatistics.SelectPair(x[..(upperRank + 1)], lowerRank, beyond: double.NaN);
        lower = Interpolate(n, 0.25, lowerA, lowerB);
        return Interpolate(n, 0.75, upperA, upperB);
    }

    /// <summary>numpy's default ("linear") percentile of sorted values: index (n − 1)·q, then its two-sided lerp.</summary>
    internal static double Percentile(ReadOnlySpan<double> sorted, double q)
    {
        int n = sorted.Length;
        double index = (n - 1) * q;
        if (index >= n - 1)
        {
            return sorted[n - 1];
        }
        int below = (int)Math.Floor(index);
        return Interpolate(n, q, sorted[below], sorted[below + 1]);
    }

    /// <summary>
    /// The lerp of <see cref="Percentile"/> between the order statistics at ranks floor((n − 1)·q) (<paramref name="a"/>)
    /// and the next (<paramref name="b"/>; unused when the index is the last rank).
    /// </summary>
    private static double Interpolate(int n, double q, double a, double b)
    {
        double index = (n - 1) * q;
        if (index >= n - 1)
        {
            return a;
        }
        double t = index - Math.Floor(index);
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    private static double Doane(ReadOnlySpan<double> x)
    {
        if (x.Length <= 2)
        {
            return 0.0;
        }
        double n = x.Length;
        double sg1 = Math.Sqrt(6.0 * (x.Length - 2) / ((n + 1.0) * (x.Length + 3)));
        double sigma = Std(x);
        if (!(sigma > 0.0))
        {
            return 0.0;
        }
        double mean = Mean(x);
        double[] temp = System.Buffers.ArrayPool<double>.Shared.Rent(x.Length);
        double g1;
        try
        {
            for (int i = 0; i < x.Length; i++)
            {
                temp[i] = Math.Pow((x[i] - mean) / sigma, 3);
            }
            g1 = PairwiseSum(temp.AsSpan(0, x.Length)) / n;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(temp);
        }
        return Ptp(x) / (1.0 + Math.Log2(n) + Math.Log2(1.0 + Math.Abs(g1) / sg1));
    }

    private static double Stone(Span<double> x, double first, double last)
    {
        int n = x.Length;
        double ptp = Ptp(x);
        if (n <= 1 || ptp == 0)
        {
            return 0;
        }
        RadixSort.Sort(x);
        return StoneWidthOfSorted(x, ptp, first, last);
    }

    /// <summary>Stone's width for values <paramref name="x"/> already sorted ascending (more than one, range <paramref name="ptp"/> &gt; 0).</summary>
    internal static double StoneWidthOfSorted(ReadOnlySpan<double> x, double ptp, double first, double last)
    {
        int n = x.Length;
        int upper = Math.Max(100, (int)Math.Sqrt(n));
        int best = 1;
        double bestScore = double.PositiveInfinity;
        var edges = new double[upper + 1];
        for (int bins = 1; bins <= upper; bins++)
        {
            double h = ptp / bins;
            // Counts of np.histogram(x, bins, range=(first, last)) from the sorted values: bucket j holds
            // [edge j, edge j+1), the last one closed, with numpy's linspace edges.
            var e = edges.AsSpan(0, bins + 1);
            Linspace(first, last, e);
            double dot = 0;
            int start = 0;
            for (int j = 0; j < bins; j++)
            {
                int end = j == bins - 1 ? n : LowerBound(x, e[j + 1], start);
                double p = (double)(end - start) / n;
                dot += p * p;
                start = end;
            }
            double score = (2 - (n + 1) * dot) / h;
            if (score < bestScore)
            {
                bestScore = score;
                best = bins;
            }
        }
        return ptp / best;
    }

    private static int LowerBound(ReadOnlySpan<double> sorted, double value, int from)
    {
        int lo = from, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>numpy's <c>linspace(first, last, n + 1)</c>: i · step + first, the last edge exactly <paramref name="last"/>.</summary>
    internal static void Linspace(double first, double last, Span<double> edges)
    {
        int n = edges.Length - 1;
        double step = (last - first) / n;
        for (int i = 0; i < n; i++)
        {
            edges[i] = i * step + first;
        }
        edges[n] = last;
    }

    private static double Mean(ReadOnlySpan<double> x) => PairwiseSum(x) / x.Length;

    /// <summary>numpy's <c>np.std(x)</c> (ddof 0): the root of the pairwise-summed squared deviations over n.</summary>
    internal static double Std(ReadOnlySpan<double> x)
    {
        double mean = Mean(x);
        double[] squares = System.Buffers.ArrayPool<double>.Shared.Rent(x.Length);
        try
        {
            for (int i = 0; i < x.Length; i++)
            {
                double d = x[i] - mean;
                squares[i] = d * d;
            }
            return Math.Sqrt(PairwiseSum(squares.AsSpan(0, x.Length)) / x.Length);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(squares);
        }
    }

    /// <summary>numpy's pairwise summation of float64 (8 accumulators up to 128 values, halves beyond).</summary>
    internal static double PairwiseSum(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += a[i];
            }
            return sum;
        }
        if (n <= 128)
        {
            double r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
            }
            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                res += a[i];
            }
            return res;
        }
        int half = n / 2;
        half -= half % 8;
        return PairwiseSum(a[..half]) + PairwiseSum(a[half..]);
    }
}
