using TbLogger.Deferred;
using TbLogger.Protos;
using TbLogger.Tests.Histograms;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Deferred;

using Summaries = TbLogger.Summaries;

/// <summary>
/// AddHistogram, AddPrCurve, AddAudio and AddImage(s) build on the writer's thread (issue 19): the caller's buffers are
/// copied before the call returns, bad input still throws on the caller exactly as before, and every pooled copy goes
/// back to its pool exactly once.
/// </summary>
[TestClass]
public sealed class DeferredSummaryWriterTests
{
    private static (float[] Values, bool[] Labels, float[] Predictions, float[] Weights, float[] Samples, float[] Chw, byte[] Batch, bool[] Mask) Inputs()
    {
        var rng = new Random(5);
        float[] values = Enumerable.Range(0, 10_000).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        bool[] labels = Enumerable.Range(0, 5_000).Select(_ => rng.Next(2) == 1).ToArray();
        float[] predictions = Enumerable.Range(0, 5_000).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] weights = Enumerable.Range(0, 5_000).Select(_ => (float)rng.NextDouble() * 3).ToArray();
        float[] samples = Enumerable.Range(0, 8_000).Select(i => MathF.Sin(i * 0.01f) * 0.8f).ToArray();
        float[] chw = Enumerable.Range(0, 3 * 16 * 20).Select(_ => (float)rng.NextDouble()).ToArray();
        byte[] batch = Enumerable.Range(0, 4 * 3 * 8 * 8).Select(_ => (byte)rng.Next(256)).ToArray();
        bool[] mask = Enumerable.Range(0, 12 * 9).Select(_ => rng.Next(3) == 0).ToArray();
        return (values, labels, predictions, weights, samples, chw, batch, mask);
    }

    [TestMethod]
    public void TheCallerMayOverwriteItsBuffersAsSoonAsACallReturns()
    {
        var x = Inputs();
        // What the pure functions make of the original inputs, before anything is overwritten.
        var histogram = Summaries.Histogram("h", x.Values).Value[0].Histo;
        var curve = Summaries.PrCurve("p", x.Labels, x.Predictions, 33, x.Weights).Value[0].Tensor;
        var audio = Summaries.Audio("a", x.Samples, 16_000, 2).Value[0].Audio;
        var image = Summaries.Image("i", x.Chw, ImageShape.Chw(3, 16, 20)).Value[0].Image;
        var grid = Summaries.Images("g", x.Batch, ImageBatchShape.Nchw(4, 3, 8, 8)).Value[0].Image;
        var mask = Summaries.Image("m", x.Mask, ImageShape.Hw(12, 9)).Value[0].Image;

        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan }))
        {
            for (int step = 0; step < 3; step++)
            {
                var fresh = Inputs();
                writer.AddHistogram("h", fresh.Values, step);
                Array.Fill(fresh.Values, 7f);
                writer.AddPrCurve("p", fresh.Labels, fresh.Predictions, step, 33, fresh.Weights);
                Array.Fill(fresh.Labels, true);
                Array.Fill(fresh.Predictions, 0.5f);
                Array.Fill(fresh.Weights, 9f);
                writer.AddAudio("a", fresh.Samples, 16_000, 2, step);
                Array.Fill(fresh.Samples, -1f);
                writer.AddImage("i", fresh.Chw, ImageShape.Chw(3, 16, 20), step);
                Array.Fill(fresh.Chw, 0f);
                writer.AddImages("g", fresh.Batch, ImageBatchShape.Nchw(4, 3, 8, 8), step);
                Array.Fill(fresh.Batch, (byte)1);
                writer.AddImage("m", fresh.Mask, ImageShape.Hw(12, 9), step);
                Array.Fill(fresh.Mask, false);
                writer.AddScalar("s", step, step);
            }
        }
        var written = GoldenEvents.Written(dir.Path);
        // Call order is file order.
        CollectionAssert.AreEqual(
            Enumerable.Range(0, 3).SelectMany(_ => new[] { "h", "p", "a", "i", "g", "m", "s" }).ToArray(),
            written.Select(w => w.Value.Tag).ToArray());
        foreach (var (step, _, value) in written)
        {
            switch (value.Tag)
            {
                case "h": Assert.AreEqual(histogram, value.Histo, $"step {step}"); break;
                case "p": CollectionAssert.AreEqual(curve.FloatVal.ToArray(), value.Tensor.FloatVal.ToArray(), $"step {step}"); break;
                case "a": Assert.AreEqual(audio, value.Audio, $"step {step}"); break;
                case "i": Assert.AreEqual(image, value.Image, $"step {step}"); break;
                case "g": Assert.AreEqual(grid, value.Image, $"step {step}"); break;
                case "m": Assert.AreEqual(mask, value.Image, $"step {step}"); break;
                case "s": Assert.AreEqual((float)step, value.Tensor.FloatVal[0]); break;
            }
        }
    }

    [TestMethod]
    public void BadValuesThrowOnTheCallersThreadExactlyAsTheSynchronousPathDoes()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        void Same(Action reference, Action call)
        {
            var expected = Assert.Throws<ArgumentException>(reference);
            var actual = Assert.Throws<ArgumentException>(call);
            Assert.AreEqual(expected.GetType(), actual.GetType());
            Assert.AreEqual(expected.Message, actual.Message);
            Assert.AreEqual(expected.ParamName, actual.ParamName);
        }
        float[] predictions = Enumerable.Range(0, 100).Select(i => i / 100f).ToArray();
        bool[] labels = new bool[100];
        float[] numericLabels = new float[100];
        predictions[37] = float.NaN;
        Same(() => Summaries.PrCurve("p", labels, predictions), () => writer.AddPrCurve("p", labels, predictions, 0));
        // The first bad index wins; at one index a NaN prediction is reported before a bad label, a bad weight before both.
        numericLabels[37] = 0.5f;
        numericLabels[12] = 2f;
        Same(() => Summaries.PrCurve("p", numericLabels, predictions), () => writer.AddPrCurve("p", numericLabels, predictions, 0));
        numericLabels[12] = 0;
        Same(() => Summaries.PrCurve("p", numericLabels, predictions), () => writer.AddPrCurve("p", numericLabels, predictions, 0));
        float[] weights = Enumerable.Repeat(1f, 100).ToArray();
        weights[37] = -1f;
        Same(() => Summaries.PrCurve("p", numericLabels, predictions, weights: weights), () => writer.AddPrCurve("p", numericLabels, predictions, 0, weights: weights));
        double[] doubleWeights = Enumerable.Repeat(1.0, 100).ToArray();
        doubleWeights[99] = double.PositiveInfinity;
        double[] doublePredictions = Enumerable.Range(0, 100).Select(i => i / 100.0).ToArray();
        Same(() => Summaries.PrCurve("p", labels, doublePredictions, doubleWeights), () => writer.AddPrCurve("p", labels, doublePredictions, doubleWeights, 0));
        Same(() => Summaries.PrCurve("p", labels, predictions.AsSpan(1)), () => writer.AddPrCurve("p", labels, predictions.AsSpan(1), 0));

        float[] samples = new float[1001];
        samples[999] = float.NaN;
        Same(() => Summaries.Audio("a", samples, 8000), () => writer.AddAudio("a", samples, 8000, 0));
        Same(() => Summaries.Audio("a", samples, 8000, 2), () => writer.AddAudio("a", samples, 8000, 2, 0));

        float[] pixels = new float[3 * 4 * 5];
        pixels[41] = float.NaN;
        Same(() => Summaries.Image("i", pixels, ImageShape.Chw(3, 4, 5)), () => writer.AddImage("i", pixels, ImageShape.Chw(3, 4, 5), 0));
        Same(() => Summaries.Images("i", pixels, ImageBatchShape.Nhwc(3, 4, 5, 1)), () => writer.AddImages("i", pixels, ImageBatchShape.Nhwc(3, 4, 5, 1), 0));
        Same(() => Summaries.Image("i", pixels, ImageShape.Chw(3, 4, 4)), () => writer.AddImage("i", pixels, ImageShape.Chw(3, 4, 4), 0));

        // Equal-width bins that cannot divide the range, and an empty histogram.
        Same(() => Summaries.Histogram("h", [0.0, double.Epsilon], HistogramBins.Uniform(1000)), () => writer.AddHistogram("h", [0.0, double.Epsilon], 0, HistogramBins.Uniform(1000)));
        Same(() => Summaries.Histogram("h", [-1e308, 1e308], HistogramBins.Uniform(3)), () => writer.AddHistogram("h", [-1e308, 1e308], 0, HistogramBins.Uniform(3)));
        Same(() => Summaries.Histogram("h", ReadOnlySpan<float>.Empty), () => writer.AddHistogram("h", ReadOnlySpan<float>.Empty, 0));

        writer.AddScalar("still usable", 1, 1);
        writer.Flush();
        Assert.AreEqual("still usable", GoldenEvents.Written(dir.Path).Single().Value.Tag);
    }

    [TestMethod]
    public void EveryPooledCopyGoesBackToItsPoolExactlyOnce()
    {
        var pool = new CountingPool();
        var x = Inputs();
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { TagSuffix = "/r1" }) { BufferPool = pool };
        float[] nan = [1f, float.NaN];
        for (int step = 0; step < 5; step++)
        {
            writer.AddHistogram("h", x.Values, step);
            writer.AddHistogram("hd", x.Values.Select(v => (double)v).ToArray(), step, HistogramBins.FromRule(HistogramBinRule.Fd));
            writer.AddPrCurve("p", x.Labels, x.Predictions, step);
            writer.AddAudio("a", x.Samples, 8000, step);
            writer.AddImage("i", x.Chw, ImageShape.Chw(3, 16, 20), step);
            writer.AddImages("m", x.Mask, ImageBatchShape.Nhwc(2, 6, 9, 1), step);
            // Refused on the caller after the copy was rented: the copy goes back before the error is thrown.
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddPrCurve("p", [true, false], nan, step));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddAudio("a", nan, 8000, step));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddImage("i", nan, ImageShape.Hw(1, 2), step));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddImages("g", x.Batch, ImageBatchShape.Nchw(4, 3, 8, 8), step, options: new ImageOptions { Columns = 1, Padding = 100_000 }));
            // Histogram checks that need the range run after the copy pass that finds it: the copy goes back too.
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.AddHistogram("u", [0.0, double.Epsilon], step, HistogramBins.Uniform(1000)));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.AddHistogram("u", [.. Enumerable.Range(0, 1000).Select(i => i * 1e-9), 1e6, -1e6], step, HistogramBins.FromRule(HistogramBinRule.Fd)));
        }
        // A step that goes back is refused by the step policy under the queue's lock (the default logs and writes it).
        writer.AddHistogram("h", x.Values, 0);
        writer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddAudio("a", x.Samples, 8000, 9));
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddImage("i", x.Chw, ImageShape.Chw(3, 16, 20), 9));
        Assert.AreEqual(0, pool.BadReturns, "an array returned twice or not rented here");
        Assert.AreEqual(0, pool.Outstanding);
        Assert.AreEqual(pool.Rents, pool.Returns);
        Assert.IsGreaterThanOrEqualTo(5 * 6 + 5 * 4, pool.Rents);
        // The suffix is applied on the caller and the values are built from the copies.
        var written = GoldenEvents.Written(dir.Path);
        Assert.AreEqual(5 * 6 + 1, written.Count);
        Assert.IsTrue(written.All(w => w.Value.Tag.EndsWith("/r1", StringComparison.Ordinal)), string.Join(", ", written.Select(w => w.Value.Tag)));
        Assert.AreEqual(Summaries.Histogram("h", x.Values).Value[0].Histo, written[0].Value.Histo);
    }

    [TestMethod]
    public void InputCopiesWaitingForTheWriterStayWithinTheirBudget()
    {
        // A loop that logs faster than the worker bins: in Block mode calls wait for room, nothing is lost and the
        // copies held at once stay within the budget plus the one being made; in Drop mode the excess is dropped
        // and counted.
        float[] values = Enumerable.Range(0, 100_000).Select(i => MathF.Sin(i) * i).ToArray();
        foreach (var mode in new[] { TbLogger.Events.QueueFullMode.Block, TbLogger.Events.QueueFullMode.Drop })
        {
            var pool = new CountingPool();
            using var dir = new TempDirectory();
            const int calls = 200;
            int accepted = 0;
            long dropped;
            using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { QueueFullMode = mode })
            {
                BufferPool = pool,
                DeferredBudget = new DeferredBudget(1_000_000),
            })
            {
                for (int step = 0; step < calls; step++)
                {
                    accepted += writer.AddHistogram("h", values, step) ? 1 : 0;
                }
                writer.Flush();
                dropped = writer.DroppedEvents;
                Assert.AreEqual(0L, writer.DeferredBudget.HeldBytes);
            }
            long copy = 400_003;
            Assert.IsLessThanOrEqualTo(1_000_000 + copy, pool.MaxOutstandingBytes, $"{mode}");
            Assert.AreEqual((0, pool.Rents), (pool.Outstanding, pool.Returns), $"{mode}");
            int written = GoldenEvents.Written(dir.Path).Count;
            Assert.AreEqual(accepted, written, $"{mode}");
            Assert.AreEqual(calls - accepted, (int)dropped, $"{mode}");
            if (mode == TbLogger.Events.QueueFullMode.Block)
            {
                Assert.AreEqual(calls, written);
            }
        }
    }
}
