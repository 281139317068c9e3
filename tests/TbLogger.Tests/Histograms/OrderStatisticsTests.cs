namespace TbLogger.Tests.Histograms;

[TestClass]
public sealed class OrderStatisticsTests
{
    /// <summary>Orders a selection must handle: random, runs of ties, already ordered either way, organ pipes, signed zeros.</summary>
    private static IEnumerable<(string Name, double[] Values)> Inputs(int n, int seed)
    {
        var random = new Random(seed);
        yield return ("random", Enumerable.Range(0, n).Select(_ => random.NextDouble() * 200 - 100).ToArray());
        yield return ("three values", Enumerable.Range(0, n).Select(_ => (double)random.Next(3)).ToArray());
        yield return ("equal", Enumerable.Repeat(4.25, n).ToArray());
        yield return ("ascending", Enumerable.Range(0, n).Select(i => (double)i).ToArray());
        yield return ("descending", Enumerable.Range(0, n).Select(i => (double)(n - i)).ToArray());
        yield return ("organ pipe", Enumerable.Range(0, n).Select(i => (double)Math.Min(i, n - i)).ToArray());
        yield return ("signed zeros", Enumerable.Range(0, n).Select(_ => random.Next(3) switch { 0 => -0.0, 1 => 0.0, _ => random.NextDouble() - 0.5 }).ToArray());
    }

    /// <summary>Asserts what Select promises: values[k] is the sorted k-th, nothing before it above, nothing after it below, the same values.</summary>
    private static void AssertSelected(double[] original, double[] values, int k, double selected, string what)
    {
        double[] sorted = [.. original.Order()];
        Assert.AreEqual(sorted[k], selected, what);
        Assert.AreEqual(sorted[k], values[k], what);
        for (int i = 0; i < k; i++)
        {
            Assert.IsTrue(values[i] <= values[k], $"{what}: values[{i}] = {values[i]} above values[{k}] = {values[k]}");
        }
        for (int i = k + 1; i < values.Length; i++)
        {
            Assert.IsTrue(values[i] >= values[k], $"{what}: values[{i}] = {values[i]} below values[{k}] = {values[k]}");
        }
        CollectionAssert.AreEqual(sorted, values.Order().ToArray(), $"{what}: the values changed");
    }

    [TestMethod]
    public void EveryRankOfSmallInputsIsTheSortedValue()
    {
        foreach (int n in new[] { 1, 2, 3, 5, 16, 17, 18, 33, 100 })
        {
            foreach (var (name, original) in Inputs(n, seed: n))
            {
                for (int k = 0; k < n; k++)
                {
                    double[] values = [.. original];
                    double selected = OrderStatistics.Select(values, k);
                    AssertSelected(original, values, k, selected, $"{name}, n {n}, k {k}");
                }
            }
        }
    }

    [TestMethod]
    public void LargeInputsAtTheRanksPercentilesRead()
    {
        foreach (var (name, original) in Inputs(20_001, seed: 5))
        {
            foreach (int k in new[] { 0, 1, 5_000, 5_001, 10_000, 15_000, 15_001, 19_999, 20_000 })
            {
                double[] values = [.. original];
                AssertSelected(original, values, k, OrderStatistics.Select(values, k), $"{name}, k {k}");
            }
        }
    }

    [TestMethod]
    public void ASpentPartitionBudgetSortsTheRestAndStaysExact()
    {
        // Budgets of 0 and 1 partitions: the sorting fallback that bounds a badly splitting input, taken at once or
        // after one partition.
        foreach (int budget in new[] { 0, 1 })
        {
            foreach (var (name, original) in Inputs(500, seed: 11))
            {
                foreach (int k in new[] { 0, 124, 250, 374, 499 })
                {
                    double[] values = [.. original];
                    double selected = OrderStatistics.Select(values, k, budget);
                    AssertSelected(original, values, k, selected, $"{name}, budget {budget}, k {k}");
                }
            }
        }
    }

    [TestMethod]
    public void ARankOutsideTheValuesIsRejected()
    {
        double[] values = [3, 1, 2];
        Assert.AreEqual("k", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => OrderStatistics.Select(values, -1)).ParamName);
        Assert.AreEqual("k", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => OrderStatistics.Select(values, 3)).ParamName);
        Assert.AreEqual("k", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => OrderStatistics.Select([], 0)).ParamName);
        CollectionAssert.AreEqual(new double[] { 3, 1, 2 }, values, "a rejected call reorders nothing");
    }

    [TestMethod]
    public void QuartilesAreTheSortedPercentiles()
    {
        // numpy's linear percentiles of a sorted copy (NumpyBinRules.Percentile, checked against numpy's own numbers
        // in HistogramRuleTests) against the selection, for every size up to 64 (every fraction of the index) and a
        // few larger ones.
        foreach (int n in Enumerable.Range(1, 64).Concat([101, 1_000, 4_097]))
        {
            foreach (var (name, original) in Inputs(n, seed: 100 + n))
            {
                double[] sorted = [.. original.Order()];
                double[] values = [.. original];
                double upper = NumpyBinRules.Quartiles(values, out double lower);
                Assert.AreEqual(NumpyBinRules.Percentile(sorted, 0.75), upper, $"{name}, n {n}: 75th");
                Assert.AreEqual(NumpyBinRules.Percentile(sorted, 0.25), lower, $"{name}, n {n}: 25th");
                CollectionAssert.AreEqual(sorted, values.Order().ToArray(), $"{name}, n {n}: the values changed");
            }
        }
    }

    [TestMethod]
    public void FdAndAutoCountTheBucketsTheSortedQuartilesGive()
    {
        // The width numpy's _hist_bin_fd computes, from a sorted copy's percentiles, against the rules' bucket counts.
        foreach (int n in new[] { 2, 3, 7, 250, 10_000 })
        {
            foreach (var (name, original) in Inputs(n, seed: 7 * n))
            {
                double[] sorted = [.. original.Order()];
                double first = sorted[0], last = sorted[^1];
                if (first == last)
                {
                    first -= 0.5;
                    last += 0.5;
                }
                double fd = 2.0 * (NumpyBinRules.Percentile(sorted, 0.75) - NumpyBinRules.Percentile(sorted, 0.25)) * Math.Pow(n, -1.0 / 3.0);
                double sturges = (sorted[^1] - sorted[0]) / (Math.Log2(n) + 1.0);
                long Count(double width) => width == 0 ? 1 : (long)Math.Ceiling((last - first) / width);
                Assert.AreEqual(Count(fd), NumpyBinRules.BucketCount([.. original], HistogramBinRule.Fd, first, last), $"{name}, n {n}: fd");
                Assert.AreEqual(Count(fd != 0 ? Math.Min(fd, sturges) : sturges), NumpyBinRules.BucketCount([.. original], HistogramBinRule.Auto, first, last), $"{name}, n {n}: auto");
            }
        }
    }

    [TestMethod]
    public void SampledPairsAreTheSortedValuesOrTheCallerSelects()
    {
        // Large inputs take one pass around the ranks a sorted sample points to. Where it answers, its four values are
        // the sorted ones (and the input keeps its order); where it declines, the quartiles still come out as a sort
        // gives them. It must answer for ordinary inputs, for values tied at a quartile (a ReLU's zeros) and for columns
        // of different scales laid out at a power-of-two stride; it must decline where the sample is misled about one
        // rank of the four (the values the sample takes, and only those, drawn apart from the rest) and where a band
        // would hold too many values.
        foreach (int n in new[] { OrderStatistics.SampledFrom, 1 << 17, 100_001 })
        {
            var random = new Random(n);
            var inputs = Inputs(n, seed: n).Select(i => (i.Name, i.Values, Expect: i.Name switch
            {
                "random" or "normal-ish" or "descending" or "ascending" or "organ pipe" => (bool?)true,
                _ => null,
            })).ToList();
            double[] relu = [.. Enumerable.Range(0, n).Select(_ => random.Next(10) < 4 ? 0.0 : random.NextDouble())];
            inputs.Add(("zeros at the lower quartile", relu, true));
            double[] columns = [.. Enumerable.Range(0, n).Select(i => (1 + (i % 16)) * random.NextDouble())];
            inputs.Add(("16 columns", columns, true));
            // The sample sees U(0, 1) everywhere; the other values move one side of the distribution.
            foreach (var (side, move) in new (string, Func<double, double>)[]
            {
                ("lower half far below", x => x < 0.5 ? -1 + x / 5 : x),
                ("lower half squeezed up", x => x < 0.5 ? 0.45 + x / 10 : x),
                ("upper half squeezed down", x => x >= 0.5 ? 0.5 + (x - 0.5) / 10 : x),
                ("upper half far above", x => x >= 0.5 ? 1.9 + (x - 0.5) / 5 : x),
            })
            {
                double[] misled = [.. Enumerable.Range(0, n).Select(_ => move(random.NextDouble()))];
                for (int i = 0; i < 8192; i++)
                {
                    misled[OrderStatistics.SamplePosition(i, n)] = random.NextDouble();
                }
                inputs.Add(($"sample misled, {side}", misled, false));
            }
            {
                // A band that ends exactly at the lower quartile's rank: the sample's zeros (29 % of it, more than the
                // values' 25 %) make the lower band [0, 0], and the zeros are exactly the ranks 0 .. low, so the next
                // rank (a value above 1) lies outside it: declined, not answered with 0.
                int lowRank = (int)Math.Floor((n - 1) * 0.25);
                double[] edge = [.. Enumerable.Range(0, n).Select(_ => 1 + random.NextDouble())];
                var sampled = new HashSet<int>(Enumerable.Range(0, 8192).Select(i => OrderStatistics.SamplePosition(i, n)));
                int zeros = 0;
                foreach (int position in sampled.Order().Take(2400))
                {
                    edge[position] = 0;
                    zeros++;
                }
                for (int i = 0; zeros < lowRank + 1; i++)
                {
                    if (!sampled.Contains(i))
                    {
                        edge[i] = 0;
                        zeros++;
                    }
                }
                inputs.Add(("band ending at the rank", edge, false));
            }
            foreach (var (name, original, expect) in inputs)
            {
                int low = (int)Math.Floor((n - 1) * 0.25), high = (int)Math.Floor((n - 1) * 0.75);
                double[] sorted = [.. original.Order()];
                double[] values = [.. original];
                bool answered = OrderStatistics.TrySelectPairs(values, low, high, out double low0, out double low1, out double high0, out double high1);
                string what = $"{name}, n {n}";
                CollectionAssert.AreEqual(original, values, $"{what}: reordered");
                if (expect is bool expected)
                {
                    Assert.AreEqual(expected, answered, $"{what}: answered");
                }
                if (answered)
                {
                    CollectionAssert.AreEqual(new[] { sorted[low], sorted[low + 1], sorted[high], sorted[high + 1] }, new[] { low0, low1, high0, high1 }, what);
                }
                double upper = NumpyBinRules.Quartiles(values, out double lower);
                Assert.AreEqual(NumpyBinRules.Percentile(sorted, 0.75), upper, $"{what}: 75th");
                Assert.AreEqual(NumpyBinRules.Percentile(sorted, 0.25), lower, $"{what}: 25th");
            }
        }
    }

    [TestMethod]
    public void SampledPairsDeclineRanksOutsideTheirRulesAndOverlappingBands()
    {
        var random = new Random(2);
        double[] values = [.. Enumerable.Range(0, 100_000).Select(_ => random.NextDouble())];
        foreach (var (low, high) in new[] { (-1, 50_000), (int.MaxValue, 50_000), (10, 11), (50_000, 99_999), (50_000, int.MaxValue) })
        {
            Assert.IsFalse(OrderStatistics.TrySelectPairs(values, low, high, out _, out _, out _, out _), $"ranks {low}, {high}");
        }
        // Ranks two apart share one band's values: they would be counted in one band and missed by the other.
        Assert.IsFalse(OrderStatistics.TrySelectPairs(values, 50_000, 50_002, out _, out _, out _, out _), "overlapping bands");
        Assert.IsFalse(OrderStatistics.TrySelectPairs(values[..(OrderStatistics.SampledFrom - 1)], 100, 20_000, out _, out _, out _, out _), "too few values");
        // Ranks far enough apart, not quartiles: answered exactly.
        double[] sorted = [.. values.Order()];
        Assert.IsTrue(OrderStatistics.TrySelectPairs(values, 10_000, 90_000, out double a, out double b, out double c, out double d));
        CollectionAssert.AreEqual(new[] { sorted[10_000], sorted[10_001], sorted[90_000], sorted[90_001] }, new[] { a, b, c, d });
    }
}
