using TbLogger.Tests.Histograms;
using TbLogger.Tests.Support;
using TbLogger.Deferred;

namespace TbLogger.Tests.Deferred;

using Summaries = TbLogger.Summaries;

/// <summary>
/// What the caller of AddHistogram, AddPrCurve, AddAudio and AddImage still does after issue 19's fused pass: bad values
/// at the edges of the vectors and in the scalar tail are reported exactly as the synchronous functions report them,
/// equal-width bins get their range from the copy pass, and the named rules that provably cannot fail run on the
/// writer's thread with the same result as the synchronous path.
/// </summary>
[TestClass]
public sealed class DeferredHistogramTests
{
    private static void Same<TException>(Action reference, Action call, string what)
        where TException : ArgumentException
    {
        var expected = Assert.ThrowsExactly<TException>(reference, what);
        var actual = Assert.ThrowsExactly<TException>(call, what);
        Assert.AreEqual(expected.Message, actual.Message, what);
        Assert.AreEqual(expected.ParamName, actual.ParamName, what);
    }

    // Around one and two 256-bit vectors of floats (8) and of an unrolled step (16), and a long input.
    private static readonly int[] Lengths = [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1000];

    private static IEnumerable<int> EdgePositions(int n) => new[] { 0, 7, 8, 15, 16, 17, 31, 32, n - 2, n - 1 }.Where(i => i >= 0 && i < n).Distinct();

    [TestMethod]
    public void BadValuesAtVectorEdgesAndInTheTailThrowAsTheSynchronousPathDoes()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        int cases = 0;
        foreach (int n in Lengths)
        {
            foreach (int at in EdgePositions(n))
            {
                string what = $"n={n}, bad at {at}";
                float[] predictions = [.. Enumerable.Range(0, n).Select(i => (i % 10) / 10f)];
                float[] numericLabels = [.. Enumerable.Range(0, n).Select(i => (float)(i % 2))];
                bool[] labels = [.. numericLabels.Select(l => l == 1)];
                float[] weights = [.. Enumerable.Repeat(0.5f, n)];
                float[] nanPredictions = (float[])predictions.Clone();
                nanPredictions[at] = float.NaN;
                Same<ArgumentException>(() => Summaries.PrCurve("p", labels, nanPredictions), () => writer.AddPrCurve("p", labels, nanPredictions, 0), what);
                float[] badLabels = (float[])numericLabels.Clone();
                badLabels[at] = 0.5f;
                Same<ArgumentException>(() => Summaries.PrCurve("p", badLabels, predictions), () => writer.AddPrCurve("p", badLabels, predictions, 0), what);
                float[] badWeights = (float[])weights.Clone();
                badWeights[at] = float.NegativeInfinity;
                Same<ArgumentException>(() => Summaries.PrCurve("p", labels, predictions, weights: badWeights), () => writer.AddPrCurve("p", labels, predictions, 0, weights: badWeights), what);

                float[] samples = [.. Enumerable.Range(0, n).Select(i => MathF.Sin(i) * 0.5f)];
                samples[at] = float.NaN;
                Same<ArgumentException>(() => Summaries.Audio("a", samples, 8000), () => writer.AddAudio("a", samples, 8000, 0), what);

                float[] pixels = [.. Enumerable.Range(0, n).Select(i => (i % 5) / 4f)];
                pixels[at] = float.NaN;
                Same<ArgumentException>(() => Summaries.Image("i", pixels, ImageShape.Hw(1, n)), () => writer.AddImage("i", pixels, ImageShape.Hw(1, n), 0), what);
                cases++;
            }
        }
        Assert.AreEqual(Lengths.Sum(n => EdgePositions(n).Count()), cases);
        writer.AddScalar("still usable", 1, 1);
        writer.Flush();
        Assert.AreEqual("still usable", GoldenEvents.Written(dir.Path).Single().Value.Tag);
    }

    [TestMethod]
    public void NonFiniteValuesAtVectorEdgesAreCountedAndSkippedForEveryBinKind()
    {
        using var dir = new TempDirectory();
        var expected = new List<Protos.HistogramProto>();
        long expectedNonFinite = 0;
        HistogramBins[] kinds = [default, HistogramBins.Uniform(7), HistogramBins.FromRule(HistogramBinRule.Sturges), HistogramBins.FromRule(HistogramBinRule.Fd), HistogramBins.FromEdges([-1, 0, 0.5, 1])];
        using (var writer = new SummaryWriter(dir.Path))
        {
            long step = 0;
            foreach (int n in Lengths)
            {
                foreach (int at in EdgePositions(n))
                {
                    float[] values = [.. Enumerable.Range(0, n).Select(i => MathF.Cos(i * 0.7f))];
                    values[at] = at % 3 == 0 ? float.NaN : at % 3 == 1 ? float.PositiveInfinity : float.NegativeInfinity;
                    values[n - 1 - at] = float.NaN; // the mirror position: two bad values unless it is the same one
                    int bad = at == n - 1 - at ? 1 : 2;
                    foreach (var bins in kinds)
                    {
                        var proto = Summaries.MakeHistogram(values, bins, out int nonFinite);
                        Assert.AreEqual(bad, nonFinite, $"n={n}, at {at}");
                        expected.Add(proto);
                        expectedNonFinite += nonFinite;
                        writer.AddHistogram("h", values, step++, bins);
                        Assert.AreEqual(expectedNonFinite, writer.NonFiniteHistogramValues, "counted before the call returns");
                        double[] doubles = [.. values.Select(v => (double)v)];
                        expected.Add(Summaries.MakeHistogram(doubles, bins, out _));
                        expectedNonFinite += nonFinite;
                        writer.AddHistogram("h", doubles, step++, bins);
                        Assert.AreEqual(expectedNonFinite, writer.NonFiniteHistogramValues);
                    }
                }
            }
        }
        var written = GoldenEvents.Written(dir.Path);
        Assert.AreEqual(expected.Count, written.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i], written[i].Value.Histo, $"value {i}");
        }
    }

    [TestMethod]
    public void EqualWidthBinsThatCannotDivideTheRangeThrowTheSameErrorFromTheCopyPass()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        // The range printed in the message comes from the copy pass: signed zeros, extremes in the tail, and non-finite
        // values (skipped: the range is that of the finite ones).
        foreach (int n in new[] { 2, 17, 40 })
        {
            foreach (int at in EdgePositions(n))
            {
                double[] values = new double[n];
                values[at] = double.Epsilon;
                values[(at + 1) % n] = -0.0;
                string what = $"n={n}, ε at {at}";
                Same<ArgumentOutOfRangeException>(() => Summaries.Histogram("h", values, HistogramBins.Uniform(1000)), () => writer.AddHistogram("h", values, 0, HistogramBins.Uniform(1000)), what);
                // Floats: equal values where ±0.5 is lost in double precision (the ulp of 1e17 is 16), one of them NaN.
                float[] floats = [.. Enumerable.Repeat(1e17f, n)];
                floats[at] = float.NaN;
                Same<ArgumentOutOfRangeException>(() => Summaries.Histogram("h", floats, HistogramBins.Uniform(10)), () => writer.AddHistogram("h", floats, 0, HistogramBins.Uniform(10)), what);
                values[at] = 1e308;
                values[(at + 1) % n] = -1e308;
                Same<ArgumentOutOfRangeException>(() => Summaries.Histogram("h", values, HistogramBins.Uniform(3)), () => writer.AddHistogram("h", values, 0, HistogramBins.Uniform(3)), what);
            }
        }
        // The message itself, from an independent reading of the rule: [min, max] of the finite values, −0 printed as such.
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.AddHistogram("h", [double.NaN, 0.0, -0.0, double.Epsilon], 0, HistogramBins.Uniform(1000)));
        Assert.AreEqual("values", error.ParamName);
        StringAssert.StartsWith(error.Message, "The values span [-0, 5E-324], which 1000 equal buckets cannot divide in double precision; use explicit edges.");
        writer.AddScalar("still usable", 1, 1);
        writer.Flush();
        Assert.AreEqual("still usable", GoldenEvents.Written(dir.Path).Single().Value.Tag);
    }

    [TestMethod]
    public void RulesOverARangeWiderThanDoubleNameTheBucketCountTheyChose()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        // max − min overflows to ∞, which no number of equal buckets divides. The message named 0 buckets for every rule
        // (an infinite width, and ceil(∞ / ∞) = NaN read as 0); it names the rule's count: Sqrt of 3 values ⌈√3⌉ = 2,
        // Sturges ⌈log2 3 + 1⌉ = 3, Scott (read from the values) ⌈2 / 1.977⌉ = 2, and equal-width bins their own.
        double[] values = [double.MaxValue, -double.MaxValue, 0];
        foreach (var (bins, count) in new[]
        {
            (HistogramBins.FromRule(HistogramBinRule.Sqrt), 2),
            (HistogramBins.FromRule(HistogramBinRule.Sturges), 3),
            (HistogramBins.FromRule(HistogramBinRule.Scott), 2),
            (HistogramBins.Uniform(5), 5),
        })
        {
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.AddHistogram("h", values, 0, bins));
            Assert.AreEqual("values", error.ParamName);
            StringAssert.StartsWith(error.Message,
                $"The values span [-1.7976931348623157E+308, 1.7976931348623157E+308], which {count} equal buckets cannot divide in double precision; use explicit edges.");
            Same<ArgumentOutOfRangeException>(() => Summaries.Histogram("h", values, bins), () => writer.AddHistogram("h", values, 0, bins), $"{count} buckets");
        }
    }

    [TestMethod]
    public void FloatHistogramsSkipTheCallersRangePassOnlyWhereNoRangeCanFail()
    {
        float twoTo50 = 1125899906842624f, twoTo51 = 2251799813685248f;
        var uniform = HistogramBins.Uniform(HistogramBins.MaxBinCount);
        // The caller's decision: a finite first float below 2^51 in magnitude, equal-width bins or a rule whose count
        // is bounded by the number of values alone, floats only.
        Assert.IsTrue(HistogramWork<float>.FloatRangeCannotFail([-0f, 1e17f], uniform));
        Assert.IsTrue(HistogramWork<float>.FloatRangeCannotFail([-twoTo50, 3f], HistogramBins.Uniform(1)));
        Assert.IsFalse(HistogramWork<float>.FloatRangeCannotFail([twoTo51], uniform), "2^51: ±0.5 is only just kept");
        Assert.IsFalse(HistogramWork<float>.FloatRangeCannotFail([1e17f, 0f], uniform));
        Assert.IsFalse(HistogramWork<float>.FloatRangeCannotFail([float.NaN, 0f], uniform));
        Assert.IsFalse(HistogramWork<float>.FloatRangeCannotFail([float.NegativeInfinity, 0f], uniform));
        Assert.IsFalse(HistogramWork<float>.FloatRangeCannotFail([0f], default), "the default buckets have no range check");
        foreach (var rule in Enum.GetValues<HistogramBinRule>())
        {
            bool bounded = rule is HistogramBinRule.Sturges or HistogramBinRule.Rice or HistogramBinRule.Sqrt or HistogramBinRule.Doane or HistogramBinRule.Stone;
            Assert.AreEqual(bounded, HistogramWork<float>.FloatRangeCannotFail([1f, 2f], HistogramBins.FromRule(rule)), $"{rule}");
            Assert.IsFalse(HistogramWork<float>.FloatRangeCannotFail([1e17f, 1e17f], HistogramBins.FromRule(rule)), $"{rule} at 1e17");
        }
        Assert.IsFalse(HistogramWork<double>.FloatRangeCannotFail([0.0, 1e308], uniform), "doubles keep the range pass");

        // Each case at the edges of the proof bins on the writer's thread exactly as the synchronous function does,
        // and counts its non-finite values before the call returns.
        float[][] cases =
        [
            [0f, float.MinValue, float.MaxValue],            // the widest range floats have, 2^20 buckets
            [0f, float.Epsilon],                             // the narrowest non-zero range, 2^20 buckets
            [3f, 3f, 3f],                                    // one value: ±0.5 around it
            [twoTo50, twoTo50, float.NaN],                   // equal values where ±0.5 still fits
            [twoTo51, twoTo51],                              // the full check, which passes
            [1e17f, 1e17f + 1e10f, float.PositiveInfinity],  // the full check on differing large values
            [0.25f, float.NaN, float.NegativeInfinity, 3f, 1e-30f, -7f],
        ];
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        var expected = new List<TbLogger.Protos.HistogramProto>();
        long nonFinite = 0;
        HistogramBins[] kinds = [HistogramBins.Uniform(7), HistogramBins.FromRule(HistogramBinRule.Sturges), HistogramBins.FromRule(HistogramBinRule.Stone)];
        var what = new List<string>();
        for (int i = 0; i < cases.Length; i++)
        {
            foreach (var kind in kinds)
            {
                var bins = i < 2 && kind.Kind == HistogramBinKind.Uniform ? uniform : kind;
                expected.Add(Summaries.MakeHistogram(cases[i], bins, out int bad));
                nonFinite += bad;
                what.Add($"case {i}, {bins.Kind} {bins.Rule}");
                writer.AddHistogram("h", cases[i], i, bins);
                Assert.AreEqual(nonFinite, writer.NonFiniteHistogramValues, $"{what[^1]}: counted before the call returns");
            }
        }
        Assert.AreEqual(3 * 4, nonFinite);
        writer.Flush(); // a value that failed to build on the writer's thread would be thrown here
        var written = GoldenEvents.Written(dir.Path);
        Assert.AreEqual(expected.Count, written.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i], written[i].Value.Histo, what[i]);
        }
    }

    [TestMethod]
    public void RulesThatCannotFailRunOnTheWriterAndGiveTheSynchronousResult()
    {
        // Which rules are left to the writer's thread, by the bounds in HistogramKernel.RuleCannotFail.
        foreach (var rule in new[] { HistogramBinRule.Sturges, HistogramBinRule.Rice, HistogramBinRule.Sqrt, HistogramBinRule.Doane, HistogramBinRule.Stone })
        {
            Assert.IsTrue(HistogramKernel.RuleCannotFail(rule, int.MaxValue, -1, 1), $"{rule}");
            Assert.IsTrue(HistogramKernel.RuleCannotFail(rule, 10, 3, 3), $"{rule}: all equal, one bucket");
            Assert.IsFalse(HistogramKernel.RuleCannotFail(rule, 10, -1e308, 1e308), $"{rule}: the range overflows");
            Assert.IsFalse(HistogramKernel.RuleCannotFail(rule, 10, 0, 1e-320), $"{rule}: 50,000 buckets of a subnormal range");
            Assert.IsFalse(HistogramKernel.RuleCannotFail(rule, 10, 1e17, 1e17), $"{rule}: ±0.5 is lost at 1e17");
        }
        Assert.IsTrue(HistogramKernel.RuleCannotFail(HistogramBinRule.Scott, 1 << 24, -1e100, 1e100));
        Assert.IsFalse(HistogramKernel.RuleCannotFail(HistogramBinRule.Scott, (1 << 24) + 1, -1, 1), "more values than the bound covers");
        Assert.IsFalse(HistogramKernel.RuleCannotFail(HistogramBinRule.Scott, 10, 0.1, 0.1), "all equal: the rounded mean leaves a tiny std");
        Assert.IsFalse(HistogramKernel.RuleCannotFail(HistogramBinRule.Scott, 10, 0, 1e-101), "squared deviations may underflow");
        Assert.IsFalse(HistogramKernel.RuleCannotFail(HistogramBinRule.Scott, 10, 0, 1e101), "squared deviations may overflow");
        Assert.IsFalse(HistogramKernel.RuleCannotFail(HistogramBinRule.Fd, 10, -1, 1));
        Assert.IsFalse(HistogramKernel.RuleCannotFail(HistogramBinRule.Auto, 10, -1, 1));

        // Every rule on numpy's fixture data sets (checked against numpy in HistogramRuleTests), through the writer,
        // with and without non-finite values and max_bins: the same histogram as the synchronous function.
        using var dir = new TempDirectory();
        var expected = new List<Protos.HistogramProto>();
        using (var writer = new SummaryWriter(dir.Path))
        {
            long step = 0;
            foreach (var (name, data) in HistogramRuleTests.Data())
            {
                double[] withNonFinite = [double.NaN, .. data, double.NegativeInfinity];
                foreach (var rule in Enum.GetValues<HistogramBinRule>())
                {
                    foreach (var bins in new[] { HistogramBins.FromRule(rule), HistogramBins.FromRule(rule).WithMaxBins(3) })
                    {
                        foreach (var values in new[] { data, withNonFinite })
                        {
                            expected.Add(Summaries.MakeHistogram(values, bins, out _));
                            writer.AddHistogram("h", values, step++, bins);
                            float[] floats = [.. values.Select(v => (float)v)];
                            expected.Add(Summaries.MakeHistogram(floats, bins, out _));
                            writer.AddHistogram("h", floats, step++, bins);
                        }
                    }
                }
            }
        }
        var written = GoldenEvents.Written(dir.Path);
        Assert.AreEqual(8 * 8 * 2 * 2 * 2, written.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i], written[i].Value.Histo, $"value {i}");
        }
    }

    [TestMethod]
    public void RulesThatCanFailStillThrowOnTheCaller()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        // FD with a tiny interquartile range and two far outliers asks for ~2e9 buckets; Scott on equal values whose
        // pairwise mean is rounded off them asks for a huge count too; Sturges on a range that overflows divides nothing.
        double[] spiky = [.. Enumerable.Range(0, 1000).Select(i => i * 1e-9), 1e6, -1e6];
        Same<ArgumentOutOfRangeException>(() => Summaries.Histogram("h", spiky, HistogramBins.FromRule(HistogramBinRule.Fd)),
            () => writer.AddHistogram("h", spiky, 0, HistogramBins.FromRule(HistogramBinRule.Fd)), "fd");
        Same<ArgumentOutOfRangeException>(() => Summaries.Histogram("h", spiky, HistogramBins.FromRule(HistogramBinRule.Auto)),
            () => writer.AddHistogram("h", spiky, 0, HistogramBins.FromRule(HistogramBinRule.Auto)), "auto");
        double[] tenths = [.. Enumerable.Repeat(0.1, 1000)];
        var scott = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Summaries.Histogram("h", tenths, HistogramBins.FromRule(HistogramBinRule.Scott)));
        StringAssert.StartsWith(scott.Message, "Rule Scott chooses ");
        Same<ArgumentOutOfRangeException>(() => Summaries.Histogram("h", tenths, HistogramBins.FromRule(HistogramBinRule.Scott)),
            () => writer.AddHistogram("h", tenths, 0, HistogramBins.FromRule(HistogramBinRule.Scott)), "scott");
        double[] huge = [-1e308, 0, 1e308];
        Same<ArgumentOutOfRangeException>(() => Summaries.Histogram("h", huge, HistogramBins.FromRule(HistogramBinRule.Sturges)),
            () => writer.AddHistogram("h", huge, 0, HistogramBins.FromRule(HistogramBinRule.Sturges)), "sturges");
        writer.AddScalar("still usable", 1, 1);
        writer.Flush();
        Assert.AreEqual("still usable", GoldenEvents.Written(dir.Path).Single().Value.Tag);
    }
}
