namespace TbLogger.Tests.Histograms;

[TestClass]
public sealed class RadixSortTests
{
    private static IEnumerable<(string Name, double[] Values)> Inputs(int n, int seed)
    {
        var random = new Random(seed);
        // Every exponent, both signs, subnormals: all eight bytes of the keys differ between values.
        yield return ("any bits", Enumerable.Range(0, n).Select(_ => FiniteFromBits(random)).ToArray());
        yield return ("normal-ish", Enumerable.Range(0, n).Select(_ => random.NextDouble() * 6 - 3).ToArray());
        // Same sign and exponent: the top bytes are equal and their passes are skipped.
        yield return ("one binade", Enumerable.Range(0, n).Select(_ => 1 + random.NextDouble()).ToArray());
        yield return ("few values", Enumerable.Range(0, n).Select(_ => (double)random.Next(-3, 4)).ToArray());
        yield return ("signed zeros", Enumerable.Range(0, n).Select(_ => random.Next(4) switch { 0 => -0.0, 1 => 0.0, 2 => -double.Epsilon, _ => double.Epsilon }).ToArray());
        yield return ("equal", Enumerable.Repeat(-2.5, n).ToArray());
        yield return ("descending", Enumerable.Range(0, n).Select(i => (double)(n - i) * 0.5).ToArray());
        yield return ("extremes", Enumerable.Range(0, n).Select(i => (i % 4) switch { 0 => double.MaxValue, 1 => double.MinValue, 2 => -double.Epsilon, _ => 0.0 }).ToArray());
    }

    private static double FiniteFromBits(Random random)
    {
        while (true)
        {
            double value = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
            if (double.IsFinite(value))
            {
                return value;
            }
        }
    }

    [TestMethod]
    public void SortsLikeAComparisonSortBelowAndAboveItsThreshold()
    {
        foreach (int n in new[] { 0, 1, 4_095, 4_096, 4_097, 50_000 })
        {
            foreach (var (name, original) in Inputs(n, seed: n + 1))
            {
                double[] expected = [.. original];
                Array.Sort(expected);
                double[] actual = [.. original];
                RadixSort.Sort(actual);
                string what = $"{name}, n {n}";
                for (int i = 0; i < n; i++)
                {
                    // Equal as numbers: -0 and +0 compare equal and may come either way round.
                    Assert.AreEqual(expected[i], actual[i], $"{what}: index {i}");
                }
                // Nothing lost or changed, bit for bit.
                CollectionAssert.AreEquivalent(original.Select(BitConverter.DoubleToInt64Bits).ToArray(), actual.Select(BitConverter.DoubleToInt64Bits).ToArray(), $"{what}: the values changed");
            }
        }
    }

    [TestMethod]
    public void StoneCountsTheBucketsTheComparisonSortGave()
    {
        // The Stone rule over 20,000 values (above the radix threshold), against numpy's own counts in
        // HistogramRuleTests for small sets: here against the same computation over a comparison-sorted copy.
        var random = new Random(9);
        double[] values = [.. Enumerable.Range(0, 20_000).Select(_ => Math.Round(random.NextDouble() * random.NextDouble() * 50, 2) - 10)];
        double first = values.Min(), last = values.Max();
        long actual = NumpyBinRules.BucketCount([.. values], HistogramBinRule.Stone, first, last);
        double[] sorted = [.. values.Order()];
        Assert.AreEqual(StoneOverSorted(sorted, first, last), actual);
    }

    /// <summary>numpy's _hist_bin_stone written out over sorted values: the bin count that minimises its score, as a count.</summary>
    private static long StoneOverSorted(double[] sorted, double first, double last)
    {
        int n = sorted.Length;
        double ptp = sorted[^1] - sorted[0];
        int upper = Math.Max(100, (int)Math.Sqrt(n));
        int best = 1;
        double bestScore = double.PositiveInfinity;
        for (int bins = 1; bins <= upper; bins++)
        {
            double h = ptp / bins;
            double step = (last - first) / bins;
            double dot = 0;
            int start = 0;
            for (int j = 0; j < bins; j++)
            {
                double edge = j + 1 == bins ? last : (j + 1) * step + first;
                int end = j == bins - 1 ? n : Array.FindIndex(sorted, start, x => x >= edge) is int at and >= 0 ? at : n;
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
        double width = ptp / best;
        return width == 0 ? 1 : (long)Math.Ceiling((last - first) / width);
    }
}
