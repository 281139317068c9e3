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
        // The Stone rule over 20,000 values (above the radix threshold) against its own bucket counting over a
        // comparison-sorted copy (the counting itself is checked against numpy in HistogramRuleTests).
        var random = new Random(9);
        double[] values = [.. Enumerable.Range(0, 20_000).Select(_ => Math.Round(random.NextDouble() * random.NextDouble() * 50, 2) - 10)];
        double first = values.Min(), last = values.Max();
        double[] sorted = [.. values.Order()];
        long expected = NumpyBinRules.BucketCount(NumpyBinRules.StoneWidthOfSorted(sorted, last - first, first, last), first, last);
        Assert.AreEqual(expected, NumpyBinRules.BucketCount([.. values], HistogramBinRule.Stone, first, last));
    }
}
