using System.Runtime.CompilerServices;

namespace TbLogger;

/// <summary>
/// TensorFlow's default histogram edges (tensorflow/core/lib/histogram/histogram.cc, also PyTorch's
/// <c>bins="tensorflow"</c>): v = 1e-12, multiplied by 1.1 while below 1e20, mirrored for negatives, plus 0.
/// The table is built by the same repeated multiplication so every edge is bit-identical to theirs.
/// </summary>
internal static class ExponentialEdges
{
    /// <summary>All 2P + 1 edges in increasing order: -v[P-1] .. -v[0], 0, v[0] .. v[P-1].</summary>
    public static readonly double[] Edges = BuildEdges();

    /// <summary>P, the number of positive edges (774).</summary>
    public static readonly int PositiveCount = (Edges.Length - 1) / 2;

    /// <summary>The positive edges with sentinels: -inf, v[0] .. v[P-1], +inf (P + 2 entries).</summary>
    private static readonly double[] s_lookup = [double.NegativeInfinity, .. Edges.AsSpan(PositiveCount + 1), double.PositiveInfinity];

    // c is estimated as 1 + floor(log_1.1(|x| / 1e-12)), with log2|x| = exponent + log2(mantissa) and log2(mantissa)
    // read from a 1024-entry table at the middle of the mantissa's top-10-bit slot. That is within 0.0007 of the truth
    // while a bucket is log2(1.1) = 0.1375 wide, so about 1% of values need the one-step fix-up: predictable branches.
    private const int MantissaBits = 10;
    private static readonly double[] s_mantissaLog2 = BuildMantissaTable();
    private static readonly double s_perBucket = 1.0 / Math.Log2(1.1);
    private static readonly double s_intercept = -Math.Log2(1e-12) / Math.Log2(1.1) + 1.0;

    private static double[] BuildMantissaTable()
    {
        var table = new double[1 << MantissaBits];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = Math.Log2(1.0 + (i + 0.5) / table.Length);
        }
        return table;
    }

    private static double[] BuildEdges()
    {
        var positive = new List<double>(800);
        for (double v = 1e-12; v < 1e20; v *= 1.1)
        {
            positive.Add(v);
        }
        int p = positive.Count;
        var edges = new double[2 * p + 1];
        for (int k = 0; k < p; k++)
        {
            edges[p - 1 - k] = -positive[k];
            edges[p + 1 + k] = positive[k];
        }
        return edges;
    }

    /// <summary>The constants of <see cref="Bucket(double, in Indexer)"/>, loaded once per loop instead of per value.</summary>
    internal readonly struct Indexer()
    {
        public readonly double[] Lookup = s_lookup;
        public readonly double[] MantissaLog2 = s_mantissaLog2;
        public readonly double PerBucket = s_perBucket;
        public readonly double Intercept = s_intercept;
        public readonly int Positive = PositiveCount;
    }

    /// <summary>The number of buckets, 2P.</summary>
    public static int BucketCount => 2 * PositiveCount;

    /// <summary>
    /// The bucket of a finite <paramref name="x"/>, numpy-style (edge[j] &lt;= x &lt; edge[j + 1]). Values beyond the
    /// outermost edges (|x| above about 1e20) go to the outermost buckets so every finite value is counted;
    /// PyTorch drops them and TensorFlow keeps ±DBL_MAX buckets for them.
    /// </summary>
    public static int Bucket(double x) => Bucket(x, new Indexer());

    /// <inheritdoc cref="Bucket(double)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Bucket(double x, in Indexer indexer)
    {
        const ulong magnitudeMask = 0x7FFF_FFFF_FFFF_FFFF;
        ulong bits = BitConverter.DoubleToUInt64Bits(x) & magnitudeMask;
        int negative = x < 0 ? 1 : 0;
        // For negatives the bucket depends on how many positive edges are strictly below |x|; stepping to the next
        // smaller double turns that into "at or below", the positive rule, so both signs share one search.
        ulong searchBits = bits - (ulong)negative;
        double a = BitConverter.UInt64BitsToDouble(searchBits);
        int p = indexer.Positive;
        int exponent = (int)(searchBits >> 52) - 1023;
        double log2 = exponent + indexer.MantissaLog2[(int)(searchBits >> (52 - MantissaBits)) & ((1 << MantissaBits) - 1)];
        int c = (int)(log2 * indexer.PerBucket + indexer.Intercept);
        c = Math.Min(Math.Max(c, 0), p);
        double[] lookup = indexer.Lookup;
        if (a >= lookup[c + 1])
        {
            c++;
        }
        else if (a < lookup[c])
        {
            c--;
        }
        c = Math.Min(c, p - 1);
        // Positive: P + c. Negative: P - 1 - c, which is P + ~c.
        return p + (c ^ -negative);
    }
}
