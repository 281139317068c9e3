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
        // the sorted ones (and the input keeps its order); where the sample misleads it (a pattern repeating at the
        // sample's stride) or a band would hold too many values (few distinct values), it declines, and the quartiles
        // still come out as a sort gives them.
        foreach (int n in new[] { OrderStatistics.SampledFrom, 100_001 })
        {
            var inputs = Inputs(n, seed: n).ToList();
            // Every value the sample takes (the i·n/8192-th) is 0, the rest spread over [1, 2]: the sample sees one value.
            var random = new Random(1);
            double[] pattern = [.. Enumerable.Range(0, n).Select(_ => 1 + random.NextDouble())];
            for (int i = 0; i < 8192; i++)
            {
                pattern[(int)((long)i * n / 8192)] = 0;
            }
            inputs.Add(("stride pattern", pattern));
            foreach (var (name, original) in inputs)
            {
                int low = (int)Math.Floor((n - 1) * 0.25), high = (int)Math.Floor((n - 1) * 0.75);
                double[] sorted = [.. original.Order()];
                double[] values = [.. original];
                bool answered = OrderStatistics.TrySelectPairs(values, low, high, out double low0, out double low1, out double high0, out double high1);
                string what = $"{name}, n {n}";
                CollectionAssert.AreEqual(original, values, $"{what}: reordered");
                if (name is "random" or "normal-ish" or "descending")
                {
                    Assert.IsTrue(answered, $"{what}: the sampled pass should answer");
                }
                if (name is "stride pattern" or "equal" or "three values")
                {
                    Assert.IsFalse(answered, $"{what}: the sampled pass should decline");
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
}
