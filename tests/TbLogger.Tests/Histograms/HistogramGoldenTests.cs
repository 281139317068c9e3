using TbLogger.Protos;

namespace TbLogger.Tests.Histograms;

using Summaries = TbLogger.Summaries;

/// <summary>Our histograms against the ones PyTorch wrote into the golden file (hist/linspace, hist/fixed10).</summary>
[TestClass]
public sealed class HistogramGoldenTests
{
    // numpy's linspace(-1, 1, 1001): i * 0.002 + -1, the last point exactly 1; then + s in double.
    internal static double[] NumpyLinspace(int step)
    {
        var values = new double[1001];
        double delta = 2.0 / 1000;
        for (int i = 0; i < 1001; i++)
        {
            values[i] = (i == 1000 ? 1.0 : i * delta + -1.0) + step;
        }
        return values;
    }

    private static void AssertSameHistogram(HistogramProto expected, HistogramProto actual, string what)
    {
        CollectionAssert.AreEqual(expected.BucketLimit.ToArray(), actual.BucketLimit.ToArray(), $"{what}: bucket_limit");
        CollectionAssert.AreEqual(expected.Bucket.ToArray(), actual.Bucket.ToArray(), $"{what}: bucket");
        Assert.AreEqual(expected.Min, actual.Min, $"{what}: min");
        Assert.AreEqual(expected.Max, actual.Max, $"{what}: max");
        Assert.AreEqual(expected.Num, actual.Num, $"{what}: num");
        Assert.AreEqual(expected.Sum, actual.Sum, 1e-9, $"{what}: sum");
        Assert.AreEqual(expected.SumSquares, actual.SumSquares, 1e-12 * expected.SumSquares, $"{what}: sum_squares");
    }

    [TestMethod]
    public void LinspaceStepsMatchTheGoldenBucketsWithDefaultBins()
    {
        var golden = GoldenEvents.Tag("hist/linspace");
        Assert.HasCount(5, golden);
        int[] expectedBuckets = [583, 300, 14, 9, 7];
        for (int s = 0; s < 5; s++)
        {
            Assert.AreEqual((long)s, golden[s].Step);
            var summary = Summaries.Histogram("hist/linspace", NumpyLinspace(s));
            var ours = summary.Value.Single();
            Assert.AreEqual("hist/linspace", ours.Tag);
            Assert.AreEqual(Summary.Types.Value.ValueOneofCase.Histo, ours.ValueCase);
            Assert.HasCount(expectedBuckets[s], ours.Histo.Bucket);
            AssertSameHistogram(golden[s].Value.Histo, ours.Histo, $"step {s}");
        }
    }

    [TestMethod]
    public void Fixed10StepsMatchTheGoldenWithExplicitEdges()
    {
        var golden = GoldenEvents.Tag("hist/fixed10");
        Assert.HasCount(3, golden);
        var bins = HistogramBins.FromEdges([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        for (int s = 0; s < 3; s++)
        {
            var values = Enumerable.Range(0, 100).Select(i => (float)(i % (10 - s) + 0.5)).ToArray();
            var ours = Summaries.Histogram("hist/fixed10", values, bins).Value.Single().Histo;
            AssertSameHistogram(golden[s].Value.Histo, ours, $"step {s}");
            Assert.AreEqual(golden[s].Value.Histo.Sum, ours.Sum, $"step {s}: sum exact");
            Assert.AreEqual(golden[s].Value.Histo.SumSquares, ours.SumSquares, $"step {s}: sum_squares exact");
        }
    }

    [TestMethod]
    public void FloatInputGivesTheSameBucketsAsPyTorchsDoubleConversion()
    {
        // PyTorch converts float32 tensors to float64 before numpy bins them; widening is exact, so a float span
        // must bin exactly like the same values given as doubles.
        var rng = new Random(7);
        var floats = Enumerable.Range(0, 20_000).Select(_ => (float)(rng.NextDouble() * 8 - 4) * MathF.Pow(10, rng.Next(-14, 22))).ToArray();
        var doubles = floats.Select(f => (double)f).ToArray();
        foreach (var bins in new[] { HistogramBins.Exponential, HistogramBins.Uniform(37), HistogramBins.FromEdges([-1e3, -1, 0, 1e-3, 1, 1e6]) })
        {
            var a = Summaries.MakeHistogram(floats, bins, out _);
            var b = Summaries.MakeHistogram(doubles, bins, out _);
            string what = bins.Kind.ToString();
            Assert.IsTrue(a.Bucket.SequenceEqual(b.Bucket), what);
            Assert.IsTrue(a.BucketLimit.SequenceEqual(b.BucketLimit), what);
            Assert.AreEqual((b.Min, b.Max, b.Num), (a.Min, a.Max, a.Num), what);
            // Only the order of additions differs (chunked for floats).
            Assert.AreEqual(b.Sum, a.Sum, 1e-12 * Math.Sqrt(b.SumSquares * b.Num), what);
            Assert.AreEqual(b.SumSquares, a.SumSquares, 1e-12 * b.SumSquares, what);
        }
    }
}
