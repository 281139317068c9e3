using TbLogger.Protos;
using TbLogger.Protos.Plugins.PrCurve;
using TbLogger.Tests.Histograms;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.PrCurves;

using Summaries = TbLogger.Summaries;

[TestClass]
public sealed class PrCurveTests
{
    private static readonly int[] BaseLabels = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0];

    // np.roll(labels, s): element i moves to i + s.
    internal static bool[] GoldenLabels(int step) =>
        Enumerable.Range(0, 10).Select(i => BaseLabels[((i - step) % 10 + 10) % 10] == 1).ToArray();

    internal static float[] GoldenPredictions => Enumerable.Range(0, 10).Select(i => (float)(0.05 + 0.1 * i)).ToArray();

    // The straightforward O(N x T) definition: positive at threshold i / (T - 1) when the clamped prediction's bucket
    // floor(p (T - 1)) is at least i.
    private static float[] Reference(bool[] labels, double[] predictions, int t, float[]? weights = null)
    {
        var data = new double[6, t];
        for (int i = 0; i < t; i++)
        {
            for (int n = 0; n < labels.Length; n++)
            {
                double w = weights?[n] ?? 1.0;
                int bucket = (int)Math.Floor(Math.Clamp(predictions[n], 0, 1) * (t - 1));
                bool positive = bucket >= i;
                data[labels[n] ? (positive ? 0 : 3) : (positive ? 1 : 2), i] += w;
            }
            double tp = data[0, i], fp = data[1, i], fn = data[3, i];
            data[4, i] = tp / Math.Max(1e-7, tp + fp);
            data[5, i] = tp / Math.Max(1e-7, tp + fn);
        }
        return Enumerable.Range(0, 6 * t).Select(k => (float)data[k / t, k % t]).ToArray();
    }

    [TestMethod]
    public void GoldenStepsMatchValueForValue()
    {
        var golden = GoldenEvents.Tag("pr/curve");
        Assert.HasCount(3, golden);
        for (int s = 0; s < 3; s++)
        {
            var expected = golden[s].Value;
            var ours = Summaries.PrCurve("pr/curve", GoldenLabels(s), GoldenPredictions, numThresholds: 11).Value.Single();
            Assert.AreEqual(expected.Tag, ours.Tag);
            Assert.AreEqual(DataType.DtFloat, ours.Tensor.Dtype);
            CollectionAssert.AreEqual(expected.Tensor.TensorShape.Dim.Select(d => d.Size).ToArray(), ours.Tensor.TensorShape.Dim.Select(d => d.Size).ToArray());
            CollectionAssert.AreEqual(expected.Tensor.FloatVal.ToArray(), ours.Tensor.FloatVal.ToArray(), $"step {s}");
            Assert.AreEqual(expected.Metadata.PluginData.PluginName, ours.Metadata.PluginData.PluginName);
            Assert.AreEqual(PrCurvePluginData.Parser.ParseFrom(expected.Metadata.PluginData.Content), PrCurvePluginData.Parser.ParseFrom(ours.Metadata.PluginData.Content));
            Assert.AreEqual(DataClass.Tensor, ours.Metadata.DataClass);
        }
    }

    [TestMethod]
    public void AgreesWithTheQuadraticDefinitionOnRandomData()
    {
        var rng = new Random(11);
        foreach (int t in new[] { 2, 3, 127, 200, 2000 })
        {
            int n = 3001;
            bool[] labels = Enumerable.Range(0, n).Select(_ => rng.Next(3) == 0).ToArray();
            double[] predictions = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 1.2 - 0.1).ToArray();
            predictions[0] = 1.0;
            predictions[1] = 0.0;
            float[] weights = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() * 3).ToArray();

            var unweighted = Summaries.PrCurve("p", labels, predictions, t).Value[0].Tensor.FloatVal.ToArray();
            CollectionAssert.AreEqual(Reference(labels, predictions, t), unweighted, $"T = {t}");

            var weighted = Summaries.PrCurve("p", labels, predictions, t, weights).Value[0].Tensor.FloatVal.ToArray();
            var expected = Reference(labels, predictions, t, weights);
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.AreEqual(expected[k], weighted[k], 1e-4 * Math.Max(1, Math.Abs(expected[k])), $"T = {t}, k = {k}");
            }
        }
    }

    [TestMethod]
    public void LabelFormsAndPredictionPrecisionsAgree()
    {
        bool[] labels = GoldenLabels(1);
        float[] floatLabels = labels.Select(b => b ? 1f : 0f).ToArray();
        double[] doubleLabels = labels.Select(b => b ? 1.0 : 0.0).ToArray();
        double[] doublePredictions = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
        var expected = Summaries.PrCurve("p", labels, GoldenPredictions, 11);
        Assert.AreEqual(expected, Summaries.PrCurve("p", floatLabels, GoldenPredictions, 11));
        Assert.AreEqual(expected, Summaries.PrCurve("p", doubleLabels, doublePredictions, 11));
        Assert.AreEqual(expected, Summaries.PrCurve("p", labels, doublePredictions, 11));
        float[] ones = Enumerable.Repeat(1f, 10).ToArray();
        Assert.AreEqual(expected, Summaries.PrCurve("p", labels, GoldenPredictions, 11, ones));
        Assert.HasCount(6 * 127, Summaries.PrCurve("p", labels, GoldenPredictions).Value[0].Tensor.FloatVal, "127 thresholds by default");
    }

    [TestMethod]
    public void EmptyInputGivesAnAllZeroCurve()
    {
        var values = Summaries.PrCurve("p", ReadOnlySpan<bool>.Empty, ReadOnlySpan<float>.Empty, 5).Value[0].Tensor.FloatVal;
        Assert.HasCount(30, values);
        Assert.IsTrue(values.All(v => v == 0));
    }

    [TestMethod]
    public void RawRowsAreStackedInOrder()
    {
        var value = Summaries.PrCurveRaw("raw", [5, 3], [5, 1], [0, 4], [0, 2], [0.5f, 0.75f], [1, 0.6f]).Value.Single();
        CollectionAssert.AreEqual(new float[] { 5, 3, 5, 1, 0, 4, 0, 2, 0.5f, 0.75f, 1, 0.6f }, value.Tensor.FloatVal.ToArray());
        CollectionAssert.AreEqual(new long[] { 6, 2 }, value.Tensor.TensorShape.Dim.Select(d => d.Size).ToArray());
        Assert.AreEqual(2u, PrCurvePluginData.Parser.ParseFrom(value.Metadata.PluginData.Content).NumThresholds);
    }

    [TestMethod]
    public void BadInputGetsSpecificExceptions()
    {
        bool[] labels = [true, false];
        float[] predictions = [0.3f, 0.7f];
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Summaries.PrCurve("p", labels, predictions, 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Summaries.PrCurve("p", labels, predictions, Summaries.MaxPrCurveThresholds + 1));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve("p", labels, [0.5f], 11));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve("p", labels, [0.5f, float.NaN], 11));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve("p", [1f, float.NaN], predictions, 11));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve("p", [1f, 0.5f], predictions, 11));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve("p", labels, predictions, 11, [1f]));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve("p", labels, predictions, 11, [1f, -1f]));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve("p", labels, predictions, 11, [1f, float.NaN]));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve(" ", labels, predictions, 11));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Summaries.PrCurveRaw("r", [1], [1], [1], [1], [1], [1]));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurveRaw("r", [1, 2], [1, 2], [1, 2], [1, 2], [1, 2], [1]));
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurveRaw("r", [1, 2], [1, 2], [1, 2], [1, 2], [1, float.NaN], [1, 2]));
    }

    [TestMethod]
    public void WeightsWhoseSumsLeaveFloat32sRangeAreRefusedOnTheCall()
    {
        // Each weight is finite, but the counts (sums of weights, stored as float32) would be infinite, which the raw
        // PR curve refuses. Both paths throw on the call: the summary function, and the writer before it queues.
        const string Expected = "The weights of positive labels sum to 2E+300 and of negative labels to 0; a PR curve's counts are float32, which holds at most 3.4028235E+38.";
        var error = Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve("p", [true, true], [0.5, 0.5], [1e300, 1e300], 11));
        Assert.AreEqual("weights", error.ParamName);
        StringAssert.StartsWith(error.Message, Expected);
        float[] big = [3e38f, 3e38f, 1];
        error = Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve("p", [false, false, true], [0.5f, 0.5f, 0.1f], 11, big));
        StringAssert.StartsWith(error.Message, $"The weights of positive labels sum to 1 and of negative labels to {2 * (double)3e38f:R};");
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddPrCurve("p", [true, true], [0.5, 0.5], [1e300, 1e300], 0));
            Assert.AreEqual("weights", error.ParamName);
            StringAssert.StartsWith(error.Message, Expected);
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddPrCurve("p", [false, false, true], [0.5f, 0.5f, 0.1f], 0, weights: big));
            // At the edge: one weight of float.MaxValue alone is a finite count; split between the labels, two are too.
            Assert.IsTrue(writer.AddPrCurve("p", [true, false], [0.5f, 0.5f], 1, weights: [float.MaxValue, float.MaxValue]));
            writer.Flush(); // nothing failed to build on the writer thread
        }
        var curve = GoldenEvents.Written(dir.Path).Single(w => w.Value.Tag == "p");
        Assert.AreEqual(1L, curve.Step);
        float[] data = curve.Value.Tensor.FloatVal.ToArray();
        Assert.IsTrue(data.All(float.IsFinite), string.Join(",", data));
        Assert.AreEqual((float.MaxValue, float.MaxValue), (data[0], data[11]), "TP and FP at threshold 0");
    }

    [TestMethod]
    public void WeightsWhoseSumsLeaveFloat32sRangeOnlyInTheCurvesOrderAreRefusedByBothPaths()
    {
        // A is 2^76 below the sum at which a float32 rounds to infinity. Added first to last, A + 2^74 rounds back to A
        // (a tie, to even) three times; the curve adds last to first, 3 × 2^74 + A, which rounds up to that sum.
        double a = (double)float.MaxValue + Math.ScaleB(1.0, 103) - Math.ScaleB(1.0, 76);
        double b = Math.ScaleB(1.0, 74);
        bool[] labels = [true, true, true, true];
        double[] predictions = [0.0, 1.0 / 3, 2.0 / 3, 1.0];
        double[] weights = [a, b, b, b];
        var error = Assert.ThrowsExactly<ArgumentException>(() => Summaries.PrCurve("p", labels, predictions, weights, 4));
        Assert.AreEqual("weights", error.ParamName);
        StringAssert.StartsWith(error.Message,
            "The weights of positive labels sum to 3.4028235677973366E+38 and of negative labels to 0; a PR curve's counts are float32, which holds at most 3.4028235E+38.");
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            // The writer sums in the weights' order, with a margin for any other order, so it refuses before it queues.
            error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddPrCurve("p", labels, predictions, weights, 0, numThresholds: 4));
            Assert.AreEqual("weights", error.ParamName);
            StringAssert.StartsWith(error.Message,
                "The weights of positive labels sum to 3.402823567797336E+38 and of negative labels to 0; a PR curve's counts are float32, which holds at most 3.4028235E+38.");
            // Just over float.MaxValue, but below where a float32 rounds to infinity: stored as float.MaxValue on both paths.
            Assert.IsTrue(writer.AddPrCurve("p", [true, true], [0.5, 0.5], [float.MaxValue, 1e30f], 1, numThresholds: 4));
            writer.Flush(); // nothing failed to build on the writer thread
        }
        var written = GoldenEvents.Written(dir.Path).Single(w => w.Value.Tag == "p");
        Assert.AreEqual(1L, written.Step);
        Assert.AreEqual(float.MaxValue, written.Value.Tensor.FloatVal[0], "TP at threshold 0");
        var summary = Summaries.PrCurve("p", [true, true], [0.5, 0.5], [float.MaxValue, 1e30f], 4);
        Assert.AreEqual(float.MaxValue, summary.Value[0].Tensor.FloatVal[0], "TP at threshold 0");
    }

    [TestMethod]
    public void WriterMatchesTheGoldenAndSurvivesBadInput()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.AddPrCurve("pr/curve", GoldenLabels(0), GoldenPredictions, 0, numThresholds: 1));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddPrCurve("pr/curve", [1f, float.NaN], [0.1f, 0.2f], 0));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddPrCurveRaw("raw", [1, 2], [1], [1, 2], [1, 2], [1, 2], [1, 2], 0));
            for (int s = 0; s < 3; s++)
            {
                Assert.IsTrue(writer.AddPrCurve("pr/curve", GoldenLabels(s), GoldenPredictions, s, numThresholds: 11));
            }
            Assert.IsTrue(writer.AddPrCurveRaw("raw", [5, 3], [5, 1], [0, 4], [0, 2], [0.5f, 0.75f], [1, 0.6f], 3));
        }
        var written = GoldenEvents.Written(dir.Path);
        var golden = GoldenEvents.Tag("pr/curve");
        var ours = written.Where(w => w.Value.Tag == "pr/curve").ToList();
        Assert.HasCount(3, ours);
        for (int s = 0; s < 3; s++)
        {
            Assert.AreEqual((long)s, ours[s].Step);
            CollectionAssert.AreEqual(golden[s].Value.Tensor.FloatVal.ToArray(), ours[s].Value.Tensor.FloatVal.ToArray());
            // The metadata (plugin name and num_thresholds) goes with the tag's first value in the file only.
            Assert.AreEqual(s == 0 ? "pr_curves" : null, ours[s].Value.Metadata?.PluginData.PluginName);
        }
        Assert.AreEqual(1, written.Count(w => w.Value.Tag == "raw"));
    }
}
