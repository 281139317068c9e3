using System.Text.Json;
using TbLogger.Reading;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Reading;

/// <summary>
/// Reads the golden PyTorch log directory with <see cref="LogDirReader"/> and compares runs, tags and values with
/// what TensorBoard 2.20's data API served for it (Fixtures/torch-writer/tb_query_expected.json).
/// </summary>
[TestClass]
public sealed class GoldenLogDirTests
{
    private static readonly string s_logDir = Path.GetDirectoryName(Fixtures.TorchRun1)!;
    private static JsonElement s_expected;

    [ClassInitialize]
    public static void Load(TestContext _)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_logDir, "tb_query_expected.json")));
        s_expected = document.RootElement.Clone();
    }

    private static JsonElement Plugin(string name) => s_expected.GetProperty("plugins").GetProperty(name);

    [TestMethod]
    public void RunsAreThoseTensorBoardLists()
    {
        var expected = s_expected.GetProperty("runs").EnumerateArray().Select(r => r.GetString()!).ToArray();
        var runs = new LogDirReader(s_logDir).GetRuns().Select(r => r.Name).ToArray();
        CollectionAssert.AreEqual(expected, runs);
    }

    [TestMethod]
    public void ScalarsMatchEveryPointTensorBoardServes()
    {
        var points = new LogDirReader(s_logDir).ReadScalars().ToList();
        int compared = 0;
        foreach (var run in Plugin("scalars").GetProperty("runs").EnumerateObject())
        {
            foreach (var tag in run.Value.EnumerateObject())
            {
                var ours = points.Where(p => p.Run == run.Name && p.Tag == tag.Name).Select(p => (p.Step, p.Value)).ToList();
                var theirs = tag.Value.GetProperty("points").EnumerateArray().Select(p => (p[0].GetInt64(), p[1].GetDouble())).ToList();
                CollectionAssert.AreEqual(theirs, ours, $"{run.Name} {tag.Name}");
                compared += ours.Count;
            }
        }
        // Every scalar we read is one TensorBoard serves: nothing extra.
        Assert.AreEqual(compared, points.Count);
        Assert.AreEqual(100 * 4 + 10 * 3 + 10 + 10 + 2, compared);
    }

    [TestMethod]
    public void ImagesMatchSizesAndByteCounts()
    {
        var images = new LogDirReader(s_logDir).ReadImages().ToList();
        var expected = Plugin("images").GetProperty("runs").GetProperty("run1");
        Assert.AreEqual(expected.EnumerateObject().Sum(t => t.Value.GetProperty("count").GetInt32()), images.Count);
        foreach (var tag in expected.EnumerateObject())
        {
            var ours = images.Where(i => i.Tag == tag.Name).ToList();
            var events = tag.Value.GetProperty("events").EnumerateArray().ToList();
            Assert.AreEqual(events.Count, ours.Count, tag.Name);
            for (int i = 0; i < events.Count; i++)
            {
                Assert.AreEqual(events[i].GetProperty("step").GetInt64(), ours[i].Step);
                Assert.AreEqual(events[i].GetProperty("width").GetInt32(), ours[i].Width);
                Assert.AreEqual(events[i].GetProperty("height").GetInt32(), ours[i].Height);
                Assert.AreEqual(events[i].GetProperty("bytes").GetInt32(), ours[i].Encoded.Length);
                Assert.AreEqual(events[i].GetProperty("content_type").GetString(), ours[i].ContentType);
                Assert.AreEqual(3, ours[i].Colorspace);
            }
        }
    }

    [TestMethod]
    public void AudioMatches()
    {
        var clip = new LogDirReader(s_logDir).ReadAudio().Single();
        var expected = Plugin("audio").GetProperty("runs").GetProperty("run1").GetProperty("audio/sine").GetProperty("events")[0];
        Assert.AreEqual("audio/sine", clip.Tag);
        Assert.AreEqual(expected.GetProperty("bytes").GetInt32(), clip.Encoded.Length);
        Assert.AreEqual(expected.GetProperty("sample_rate").GetInt32(), (int)clip.SampleRate);
        Assert.AreEqual(expected.GetProperty("channels").GetInt64(), clip.Channels);
        Assert.AreEqual(expected.GetProperty("frames").GetInt64(), clip.Frames);
        Assert.AreEqual(expected.GetProperty("content_type").GetString(), clip.ContentType);
    }

    [TestMethod]
    public void HistogramsMatchServedBuckets()
    {
        var histograms = new LogDirReader(s_logDir).ReadHistograms().ToList();
        var expected = Plugin("histograms").GetProperty("runs").GetProperty("run1");
        foreach (var tag in expected.EnumerateObject())
        {
            var ours = histograms.Where(h => h.Tag == tag.Name).ToList();
            var steps = tag.Value.GetProperty("steps").EnumerateArray().ToList();
            Assert.AreEqual(tag.Value.GetProperty("count").GetInt32(), ours.Count, tag.Name);
            for (int i = 0; i < steps.Count; i++)
            {
                Assert.AreEqual(steps[i].GetProperty("step").GetInt64(), ours[i].Step);
                Assert.AreEqual(steps[i].GetProperty("buckets").GetInt32(), ours[i].Buckets.Count, $"{tag.Name} step {i}");
                Assert.AreEqual(steps[i].GetProperty("min").GetDouble(), ours[i].Min);
                Assert.AreEqual(steps[i].GetProperty("max").GetDouble(), ours[i].Max);
                Assert.AreEqual(steps[i].GetProperty("total_count").GetDouble(), ours[i].Count);
                var counts = steps[i].GetProperty("counts").EnumerateArray().Select(c => c.GetDouble()).ToList();
                CollectionAssert.AreEqual(counts, ours[i].Buckets.Select(b => b.Count).ToList());
                Assert.AreEqual(ours[i].Min, ours[i].Buckets[0].Left);
                Assert.AreEqual(ours[i].Max, ours[i].Buckets[^1].Right);
            }
        }
        var fixed0 = histograms.First(h => h.Tag == "hist/fixed10");
        Assert.AreEqual(new HistogramBucket(0.5, 1.0, 10), fixed0.Buckets[0]);
        Assert.AreEqual(500d, fixed0.Sum);
        Assert.AreEqual(3325d, fixed0.SumSquares);
    }

    [TestMethod]
    public void PrCurvesMatchTheLastServedStep()
    {
        var curves = new LogDirReader(s_logDir).ReadPrCurves().ToList();
        var expected = Plugin("pr_curves").GetProperty("runs").GetProperty("run1").GetProperty("pr/curve");
        CollectionAssert.AreEqual(expected.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToList(), curves.Select(c => c.Step).ToList());
        var last = curves[^1];
        var served = expected.GetProperty("last");
        Assert.AreEqual(11, last.NumThresholds);
        Assert.AreEqual(expected.GetProperty("points_returned_last").GetInt32(), last.ServedLength);
        int n = last.ServedLength;
        CollectionAssert.AreEqual(Floats(served, "precision"), last.Precision.Take(n).ToList());
        CollectionAssert.AreEqual(Floats(served, "recall"), last.Recall.Take(n).ToList());
        CollectionAssert.AreEqual(Floats(served, "true_positives"), last.TruePositives.Take(n).ToList());
        CollectionAssert.AreEqual(Floats(served, "false_positives"), last.FalsePositives.Take(n).ToList());
        CollectionAssert.AreEqual(Floats(served, "true_negatives"), last.TrueNegatives.Take(n).ToList());
        CollectionAssert.AreEqual(Floats(served, "false_negatives"), last.FalseNegatives.Take(n).ToList());
        CollectionAssert.AreEqual(served.GetProperty("thresholds").EnumerateArray().Select(t => t.GetDouble()).ToList(), Enumerable.Range(0, n).Select(i => last.Threshold(i)).ToList());
    }

    private static List<float> Floats(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToList();

    [TestMethod]
    public void TextMatches()
    {
        var texts = new LogDirReader(s_logDir).ReadText().ToList();
        var expected = Plugin("text").GetProperty("runs").GetProperty("run1");
        foreach (var tag in expected.EnumerateObject())
        {
            var theirs = tag.Value.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("step").GetInt64(), s.GetProperty("text").GetString())).ToList();
            var ours = texts.Where(t => t.Tag == tag.Name).Select(t => (t.Step, (string?)t.Text)).ToList();
            CollectionAssert.AreEqual(theirs, ours, tag.Name);
        }
        Assert.AreEqual("Grüße – 日本語", texts.Single(t => t.Tag == "text/unicode/text_summary").Text);
        CollectionAssert.AreEqual(new long[] { 1 }, texts[0].Shape.ToArray());
    }

    [TestMethod]
    public void HParamsMatchTheSessionGroup()
    {
        var reader = new LogDirReader(s_logDir);
        var expected = Plugin("hparams");
        var experiment = reader.ReadHParamsExperiment();
        Assert.IsNotNull(experiment);
        Assert.AreEqual("run1/hparams_trial", experiment.Run);
        CollectionAssert.AreEqual(
            expected.GetProperty("experiment").GetProperty("hparam_infos").EnumerateArray().Select(h => (h.GetProperty("name").GetString(), h.GetProperty("type").GetString())).ToList(),
            experiment.HParams.Select(h => ((string?)h.Name, (string?)h.Type)).ToList());
        CollectionAssert.AreEqual(
            expected.GetProperty("experiment").GetProperty("metric_infos").EnumerateArray().Select(m => m.GetProperty("tag").GetString()).ToList(),
            experiment.Metrics.Select(m => (string?)m.Tag).ToList());

        var session = reader.ReadHParamsSessions().Single();
        var group = expected.GetProperty("session_groups")[0];
        Assert.AreEqual(group.GetProperty("name").GetString(), session.Run);
        Assert.AreEqual(32.0, session.HParams["batch_size"]);
        Assert.AreEqual(0.01, session.HParams["lr"]);
        Assert.AreEqual("adam", session.HParams["optimizer"]);
        Assert.AreEqual(1.0, session.HParams["use_bn"]);
        Assert.AreEqual(group.GetProperty("sessions")[0].GetProperty("status").GetString(), session.Status);
        Assert.AreEqual(0.0, session.StartTimeSecs);
        foreach (var metric in group.GetProperty("metrics").EnumerateArray())
        {
            var (step, value) = session.Metrics[metric.GetProperty("tag").GetString()!];
            Assert.AreEqual(metric.GetProperty("value").GetDouble(), value);
            Assert.AreEqual(metric.GetProperty("training_step").GetInt64(), step);
        }
    }

    [TestMethod]
    public void CustomScalarsLayoutMatches()
    {
        var layout = new LogDirReader(s_logDir).ReadCustomScalarLayouts().Single();
        var expected = Plugin("custom_scalars");
        Assert.AreEqual("run1", layout.Run);
        CollectionAssert.AreEqual(expected.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ToList(), layout.Categories.Select(c => (string?)c.Title).ToList());
        var charts = expected.GetProperty("charts").EnumerateArray().ToList();
        var ours = layout.Categories.SelectMany(c => c.Charts.Select(ch => (c.Title, ch))).ToList();
        Assert.AreEqual(charts.Count, ours.Count);
        for (int i = 0; i < charts.Count; i++)
        {
            Assert.AreEqual(charts[i].GetProperty("category").GetString(), ours[i].Title);
            Assert.AreEqual(charts[i].GetProperty("title").GetString(), ours[i].ch.Title);
            Assert.AreEqual(charts[i].GetProperty("type").GetString(), ours[i].ch.Type);
        }
        CollectionAssert.AreEqual(new[] { "train/loss", "train/accuracy" }, ours[0].ch.MultilineTags.ToArray());
        Assert.AreEqual(new MarginSeries("margin/mid", "margin/lo", "margin/hi"), ours[1].ch.MarginSeries.Single());
    }

    [TestMethod]
    public void SummarizeCountsEveryTagPerPlugin()
    {
        var summary = new LogDirReader(s_logDir).Summarize();
        Assert.AreEqual(4, summary.Count);
        var run1 = summary[0];
        Assert.AreEqual("run1", run1.Run);
        Assert.AreEqual(1, run1.Files);
        Assert.AreEqual(46028L, run1.Bytes);
        var loss = run1.Tags.Single(t => t.Tag == "train/loss");
        Assert.AreEqual(new TagSummary("train/loss", "scalars", 100, 0, 99, 1700000099.0, 0.25), loss);
        Assert.AreEqual("pr_curves", run1.Tags.Single(t => t.Tag == "pr/curve").Plugin);
        Assert.AreEqual("images", run1.Tags.Single(t => t.Tag == "image/rgb").Plugin);
        Assert.AreEqual(2, run1.Tags.Single(t => t.Tag == "image/rgb").Count);
        Assert.AreEqual(3, summary[3].Tags.Count(t => t.Plugin == "hparams"));
    }

    [TestMethod]
    public void FiltersSelectRunsTagsAndSteps()
    {
        var reader = new LogDirReader(s_logDir);
        var filter = new ReadFilter { Runs = TagFilter.Exact("run1"), Tags = TagFilter.Glob("train/*"), Steps = StepRange.Parse("10:19") };
        var points = reader.ReadScalars(filter).ToList();
        Assert.AreEqual(40, points.Count);
        Assert.IsTrue(points.All(p => p.Step is >= 10 and <= 19 && p.Tag.StartsWith("train/", StringComparison.Ordinal)));
        Assert.AreEqual(20, reader.ReadScalars(new ReadFilter { Runs = TagFilter.Glob("run1/group_*") }).Count());
        Assert.AreEqual(30, reader.ReadScalars(new ReadFilter { Tags = TagFilter.Regex("^margin/(lo|hi|mid)$") }).Count());
    }
}
