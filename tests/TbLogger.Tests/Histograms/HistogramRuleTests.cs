using System.Globalization;
using System.Text.Json;

namespace TbLogger.Tests.Histograms;

[TestClass]
public sealed class HistogramRuleTests
{
    /// <summary>The data sets of Fixtures/histogram-rules/make_fixture.py, rebuilt bit for bit (LCG, + - * / only).</summary>
    internal static Dictionary<string, double[]> Data()
    {
        IEnumerable<double> Lcg(ulong seed)
        {
            ulong state = seed;
            while (true)
            {
                state = (1664525 * state + 1013904223) % 4294967296UL;
                yield return state / 4294967296.0;
            }
        }
        double[] Normal(int n, ulong seed, double scale = 1.0)
        {
            using var g = Lcg(seed).GetEnumerator();
            var values = new double[n];
            for (int i = 0; i < n; i++)
            {
                double sum = 0;
                for (int k = 0; k < 12; k++)
                {
                    g.MoveNext();
                    sum += g.Current;
                }
                values[i] = (sum - 6.0) * scale;
            }
            return values;
        }
        return new Dictionary<string, double[]>
        {
            ["normal1000"] = Normal(1000, 1),
            ["skew257"] = Lcg(7).Take(257).Select(u => u * u * u * 10.0).ToArray(),
            ["big100k"] = Normal(100000, 2),
            ["small"] = [1.0, 2.0, 2.0, 3.0, 7.0, 11.0],
            ["arange100"] = Enumerable.Range(0, 100).Select(i => (double)i).ToArray(),
            ["const"] = Enumerable.Repeat(3.0, 10).ToArray(),
            ["outliers"] = [.. Normal(500, 3, 0.01), 100.0, -100.0],
            ["two"] = [0.0, 1.0],
        };
    }

    private static JsonElement Fixture() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "histogram-rules", "numpy_rules.json"))).RootElement;

    private static HistogramBinRule RuleOf(string name) => Enum.Parse<HistogramBinRule>(name, ignoreCase: true);

    private static double Parse(string repr) => double.Parse(repr, CultureInfo.InvariantCulture);

    [TestMethod]
    public void EveryRuleGivesNumpysBucketCountEdgesAndCounts()
    {
        // Fixtures/histogram-rules/numpy_rules.json: np.histogram(data, bins=rule) from numpy 1.24, 8 data sets x 8 rules.
        var data = Data();
        int cases = 0;
        foreach (var c in Fixture().GetProperty("cases").EnumerateArray())
        {
            string name = c.GetProperty("data").GetString()!, rule = c.GetProperty("rule").GetString()!;
            double[] values = data[name];
            string what = $"{name}/{rule}";
            int bins = c.GetProperty("bins").GetInt32();

            double first = values.Min(), last = values.Max();
            if (first == last)
            {
                first -= 0.5;
                last += 0.5;
            }
            Assert.AreEqual(bins, NumpyBinRules.BucketCount(values.ToArray(), RuleOf(rule), first, last), what);

            var proto = TbLogger.Summaries.MakeHistogram(values, HistogramBins.FromRule(RuleOf(rule)), out _);
            // Our proto keeps numpy's buckets from the first non-empty one (plus an empty one on its left) to the last.
            var nonzero = c.GetProperty("nonzero").EnumerateArray().Select(p => (Index: p[0].GetInt32(), Count: p[1].GetInt32())).ToArray();
            int start = nonzero[0].Index, end = nonzero[^1].Index;
            Assert.AreEqual(end - start + 2, proto.Bucket.Count, what);
            var expectedCounts = new double[end - start + 2];
            foreach (var (index, count) in nonzero)
            {
                expectedCounts[index - start + 1] = count;
            }
            CollectionAssert.AreEqual(expectedCounts, proto.Bucket.ToArray(), what);
            foreach (var pair in c.GetProperty("edges").EnumerateArray())
            {
                int index = pair[0].GetInt32();
                if (index >= start && index <= end + 1)
                {
                    Assert.AreEqual(Parse(pair[1].GetString()!), proto.BucketLimit[index - start], $"{what}: edge {index}");
                }
            }
            cases++;
        }
        Assert.AreEqual(64, cases);
    }

    [TestMethod]
    public void MaxBinsMergesLikePyTorchsMakeHistogram()
    {
        // PyTorch's make_histogram(values, bins, max_bins) on the same data (torch 1.13, numpy 1.24).
        var data = Data();
        foreach (var m in Fixture().GetProperty("max_bins").EnumerateArray())
        {
            var bins = m.GetProperty("bins");
            var ours = bins.ValueKind == JsonValueKind.Number
                ? HistogramBins.Uniform(bins.GetInt32())
                : HistogramBins.FromRule(RuleOf(bins.GetString()!));
            int maxBins = m.GetProperty("max_bins").GetInt32();
            var proto = TbLogger.Summaries.MakeHistogram(data[m.GetProperty("data").GetString()!], ours.WithMaxBins(maxBins), out _);
            string what = $"{m.GetProperty("data").GetString()} bins={bins} max_bins={maxBins}";
            CollectionAssert.AreEqual(m.GetProperty("bucket").EnumerateArray().Select(e => e.GetDouble()).ToArray(), proto.Bucket.ToArray(), what);
            CollectionAssert.AreEqual(m.GetProperty("bucket_limit").EnumerateArray().Select(e => Parse(e.GetString()!)).ToArray(), proto.BucketLimit.ToArray(), what);
        }
    }

    [TestMethod]
    public void MergeGroupsByFloorOfTheRatioAndPadsTheTail()
    {
        // 10 buckets, max 4: groups of 2 -> 5 buckets (more than 4, as in PyTorch); 10 buckets, max 3: groups of 3,
        // padded to 12 -> 4 buckets whose last edge is the original last edge.
        int[] counts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        double[] edges = [.. Enumerable.Range(0, 11).Select(i => (double)i)];
        var copy = counts.ToArray();
        var merged = HistogramKernel.MergeBuckets(copy, edges, 4, out int n);
        Assert.AreEqual(5, n);
        CollectionAssert.AreEqual(new[] { 3, 7, 11, 15, 19 }, copy[..5]);
        CollectionAssert.AreEqual(new double[] { 0, 2, 4, 6, 8, 10 }, merged);
        copy = counts.ToArray();
        merged = HistogramKernel.MergeBuckets(copy, edges, 3, out n);
        Assert.AreEqual(4, n);
        CollectionAssert.AreEqual(new[] { 6, 15, 24, 10 }, copy[..4]);
        CollectionAssert.AreEqual(new double[] { 0, 3, 6, 9, 10 }, merged);
    }

    [TestMethod]
    public void HandDerivedEdgesForTheSmallSet()
    {
        // [1, 2, 2, 3, 7, 11]: range 10, n = 6.
        double[] x = [1, 2, 2, 3, 7, 11];
        long Count(HistogramBinRule rule) => NumpyBinRules.BucketCount(x.ToArray(), rule, 1, 11);
        Assert.AreEqual(3, Count(HistogramBinRule.Sqrt));       // ceil(10 / (10 / sqrt 6)) = ceil(2.449...) = 3
        Assert.AreEqual(4, Count(HistogramBinRule.Sturges));    // ceil(log2 6 + 1) = ceil(3.585) = 4
        Assert.AreEqual(4, Count(HistogramBinRule.Rice));       // ceil(2 * 6^(1/3)) = ceil(3.634) = 4
        // FD: sorted, q75 at index 3.75 -> 3 + 0.75 * 4 = 6; q25 at 1.25 -> 2; IQR 4; h = 8 / 6^(1/3) = 4.402; ceil(2.27) = 3.
        Assert.AreEqual(6.0, NumpyBinRules.Percentile([1, 2, 2, 3, 7, 11], 0.75));
        Assert.AreEqual(2.0, NumpyBinRules.Percentile([1, 2, 2, 3, 7, 11], 0.25));
        Assert.AreEqual(3, Count(HistogramBinRule.Fd));
        Assert.AreEqual(4, Count(HistogramBinRule.Auto));        // min(FD 4.402, Sturges 2.5) -> Sturges
        var proto = TbLogger.Summaries.MakeHistogram(x, HistogramBins.FromRule(HistogramBinRule.Sqrt), out _);
        CollectionAssert.AreEqual(new[] { 1, 1 + 10 / 3.0, 1 + 2 * (10 / 3.0), 11 }, proto.BucketLimit.ToArray());
        CollectionAssert.AreEqual(new double[] { 0, 4, 1, 1 }, proto.Bucket.ToArray());
    }

    [TestMethod]
    public void PairwiseSumMatchesNumpysBlocking()
    {
        // 0.1 added 1000 times: numpy 1.24 np.sum(np.full(1000, 0.1)) gives 100.00000000000001 (pairwise), a plain loop 99.9999999999986.
        var tenths = Enumerable.Repeat(0.1, 1000).ToArray();
        Assert.AreEqual(100.00000000000001, NumpyBinRules.PairwiseSum(tenths));
        double loop = 0;
        foreach (double t in tenths)
        {
            loop += t;
        }
        Assert.AreNotEqual(loop, NumpyBinRules.PairwiseSum(tenths));
    }

    [TestMethod]
    public void BadRulesAndLimitsAreRejected()
    {
        Assert.AreEqual("rule", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HistogramBins.FromRule((HistogramBinRule)99)).ParamName);
        Assert.AreEqual("maxBins", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HistogramBins.Exponential.WithMaxBins(0)).ParamName);
        // FD with a tiny IQR and two far outliers asks for ~2e9 buckets: refused with the count, not allocated.
        double[] spiky = [.. Enumerable.Range(0, 1000).Select(i => i * 1e-9), 1e6, -1e6];
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TbLogger.Summaries.MakeHistogram(spiky, HistogramBins.FromRule(HistogramBinRule.Fd), out _));
        StringAssert.StartsWith(ex.Message, "Rule Fd chooses ");
        // Non-finite values are skipped, as for every other bin kind; the rule sees only the finite ones.
        var withNaN = TbLogger.Summaries.MakeHistogram([1, 2, 2, 3, 7, 11, double.NaN, double.PositiveInfinity], HistogramBins.FromRule(HistogramBinRule.Sqrt), out int nonFinite);
        Assert.AreEqual(2, nonFinite);
        Assert.AreEqual(4, withNaN.BucketLimit.Count, "sqrt of the 6 finite values: 3 buckets");
        Assert.AreEqual(0, HistogramBins.FromRule(HistogramBinRule.Auto).BinCount);
        Assert.AreEqual(HistogramBinKind.Rule, HistogramBins.FromRule(HistogramBinRule.Auto).WithMaxBins(5).Kind);
        Assert.AreEqual(5, HistogramBins.FromRule(HistogramBinRule.Auto).WithMaxBins(5).MaxBins);
    }

    [TestMethod]
    public void RulesOfTheRangeAloneCountFromTheFiniteCountAndRange()
    {
        // Sqrt, Sturges and Rice need only how many finite values there are and their range (numpy's ptp), so the
        // kernel takes them from the range the caller's pass found instead of copying the values: numpy's formulas
        // written out here against it, over floats with NaN and infinities among them (not counted), one value, and
        // a range that is all zeros of both signs.
        var random = new Random(3);
        float[] noisy = [.. Enumerable.Range(0, 5_000).Select(i => i % 97 == 0 ? float.NaN : i % 89 == 0 ? float.NegativeInfinity : (float)(random.NextDouble() * 40 - 7))];
        foreach (float[] values in new[] { noisy, [2.5f], [0f, -0f, 0f], [1f, 1e30f, -3f] })
        {
            float[] finite = [.. values.Where(float.IsFinite)];
            int n = finite.Length;
            double min = finite.Min(), max = finite.Max();
            double first = min == max ? min - 0.5 : min, last = min == max ? max + 0.5 : max;
            foreach (var (rule, width) in new[]
            {
                (HistogramBinRule.Sqrt, (max - min) / Math.Sqrt(n)),
                (HistogramBinRule.Sturges, (max - min) / (Math.Log2(n) + 1.0)),
                (HistogramBinRule.Rice, (max - min) / (2.0 * Math.Pow(n, 1.0 / 3))),
            })
            {
                long expected = width == 0 ? 1 : (long)Math.Ceiling((last - first) / width);
                Assert.AreEqual(expected, HistogramKernel.RuleBinCount<float>(values, rule, n, min, max), $"{rule}, {n} finite of {values.Length}");
                Assert.AreEqual(expected, NumpyBinRules.BucketCount([.. finite.Select(v => (double)v)], rule, first, last), $"{rule} over the values, {n}");
            }
        }
    }
}
