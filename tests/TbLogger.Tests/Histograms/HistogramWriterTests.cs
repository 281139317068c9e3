using System.Numerics.Tensors;
using TbLogger.Protos;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Histograms;

using Summaries = TbLogger.Summaries;

[TestClass]
public sealed class HistogramWriterTests
{
    [TestMethod]
    public void AddHistogramWritesTheGoldenLinspaceSeriesWithMetadataOnEveryStep()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            for (int s = 0; s < 5; s++)
            {
                Assert.IsTrue(writer.AddHistogram("hist/linspace", HistogramGoldenTests.NumpyLinspace(s), s, wallTime: DateTimeOffset.FromUnixTimeSeconds(1700000000 + s)));
            }
            var bins = HistogramBins.FromEdges([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
            for (int s = 0; s < 3; s++)
            {
                float[] values = Enumerable.Range(0, 100).Select(i => (float)(i % (10 - s) + 0.5)).ToArray();
                writer.AddHistogram("hist/fixed10", values, s, bins);
            }
        }
        var written = GoldenEvents.Written(dir.Path);
        foreach (string tag in new[] { "hist/linspace", "hist/fixed10" })
        {
            var ours = written.Where(w => w.Value.Tag == tag).ToList();
            var golden = GoldenEvents.Tag(tag);
            Assert.HasCount(golden.Count, ours);
            for (int i = 0; i < golden.Count; i++)
            {
                Assert.AreEqual(golden[i].Step, ours[i].Step);
                var (g, o) = (golden[i].Value.Histo, ours[i].Value.Histo);
                Assert.IsTrue(g.Bucket.SequenceEqual(o.Bucket), $"{tag} step {i}");
                Assert.IsTrue(g.BucketLimit.SequenceEqual(o.BucketLimit), $"{tag} step {i}");
                Assert.AreEqual((g.Min, g.Max, g.Num), (o.Min, o.Max, o.Num));
                // A legacy histo value keeps its metadata on every step, as PyTorch writes it: without metadata the
                // loaders would migrate it by its own kind, not by its tag's first plugin (only tensor values drop repeats).
                Assert.AreEqual("histograms", ours[i].Value.Metadata.PluginData.PluginName, $"{tag} step {i}");
                Assert.AreEqual(DataClass.Tensor, ours[i].Value.Metadata.DataClass);
            }
        }
        Assert.AreEqual(1700000003.0, written.Single(w => w.Value.Tag == "hist/linspace" && w.Step == 3).Wall);
    }

    [TestMethod]
    public void BadInputThrowsAndTheWriterStaysUsable()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHistogram("h", ReadOnlySpan<float>.Empty, 0));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHistogram("", [1f], 0));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHistogramRaw("r", 0, 1, 1, 1, 1, [1, 2], [1], 0));
            Assert.IsTrue(writer.AddHistogram("h", [1f, float.NaN, 2f, float.NegativeInfinity], 1));
            Assert.AreEqual(2L, writer.NonFiniteHistogramValues);
            Assert.IsTrue(writer.AddHistogramRaw("r", 0, 10, 3, 12, 60, [1, 5, 10], [0, 1, 2], 2));
            var tensor = Tensor.Create(new double[] { 1, 2, 3, 4 }, [2, 2]);
            Assert.IsTrue(writer.AddHistogram("t", tensor.AsReadOnlyTensorSpan(), 3, HistogramBins.Uniform(2)));
            writer.AddScalar("after", 1.0, 4);
        }
        var written = GoldenEvents.Written(dir.Path);
        CollectionAssert.AreEqual(new[] { "h", "r", "t", "after" }, written.Select(w => w.Value.Tag).ToArray());
        Assert.AreEqual(2.0, written[0].Value.Histo.Num);
        CollectionAssert.AreEqual(new double[] { 0, 2, 2 }, written[2].Value.Histo.Bucket.ToArray());
    }
}
