using System.Text.Json;
using TbLogger.Reading;

namespace TbLogger.Tests.Support;

/// <summary>
/// Compares what <see cref="LogDirReader"/> reads from a log directory with what TensorBoard 2.20 served for the same
/// directory (a <c>tb_query.py --no-volatile</c> document recorded with ../shared/tools/tensorboard), plugin by plugin:
/// runs, every scalar point, image and audio sizes, histogram buckets, the last PR curve, text, hparams sessions and the
/// custom-scalars layout. Runs and tags TensorBoard serves must be read, and nothing more.
/// </summary>
public static class TensorBoardView
{
    /// <summary>Loads a recorded document.</summary>
    public static JsonElement Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    /// <summary>Asserts that every plugin's served view equals our reader's view of <paramref name="logDir"/>.</summary>
    /// <returns>How many served values were compared (points, images, buckets, ...), so callers can check coverage.</returns>
    public static int AssertReaderShows(string logDir, JsonElement served, LogDirReaderOptions? options = null)
    {
        var reader = new LogDirReader(logDir, options);
        CollectionAssert.AreEqual(served.GetProperty("runs").EnumerateArray().Select(r => r.GetString()).ToList(),
            reader.GetRuns().Select(r => (string?)r.Name).ToList(), "runs");
        var plugins = served.GetProperty("plugins");
        int compared = 0;
        compared += Scalars(reader, plugins);
        compared += Images(reader, plugins);
        compared += Audio(reader, plugins);
        compared += Histograms(reader, plugins);
        compared += PrCurves(reader, plugins);
        compared += Text(reader, plugins);
        compared += HParams(reader, plugins);
        compared += CustomScalars(reader, plugins);
        return compared;
    }

    private static IEnumerable<(string Run, string Tag, JsonElement Value)> Series(JsonElement plugins, string plugin)
    {
        if (!plugins.TryGetProperty(plugin, out var p) || !p.TryGetProperty("runs", out var runs))
        {
            yield break;
        }
        foreach (var run in runs.EnumerateObject())
        {
            foreach (var tag in run.Value.EnumerateObject())
            {
                yield return (run.Name, tag.Name, tag.Value);
            }
        }
    }

    private static int Scalars(LogDirReader reader, JsonElement plugins)
    {
        var ours = reader.ReadScalars().GroupBy(p => (p.Run, p.Tag)).ToDictionary(g => g.Key, g => g.Select(p => (p.Step, p.Value)).ToList());
        int compared = 0;
        foreach (var (run, tag, value) in Series(plugins, "scalars"))
        {
            var theirs = value.GetProperty("points").EnumerateArray().Select(p => (p[0].GetInt64(), p[1].GetDouble())).ToList();
            Assert.IsTrue(ours.Remove((run, tag), out var points), $"scalars {run} {tag} not read");
            CollectionAssert.AreEqual(theirs, points, $"scalars {run} {tag}");
            compared += theirs.Count;
        }
        Assert.IsEmpty(ours.Keys, $"scalar series TensorBoard does not serve: {string.Join(", ", ours.Keys)}");
        return compared;
    }

    private static int Images(LogDirReader reader, JsonElement plugins)
    {
        var ours = reader.ReadImages().GroupBy(p => (p.Run, p.Tag)).ToDictionary(g => g.Key, g => g.ToList());
        int compared = 0;
        foreach (var (run, tag, value) in Series(plugins, "images"))
        {
            Assert.IsTrue(ours.Remove((run, tag), out var images), $"images {run} {tag} not read");
            var events = value.GetProperty("events").EnumerateArray().ToList();
            // TensorBoard serves the last `samples` images of each step; we read every image of every step.
            Assert.HasCount(events.Count, images, $"images {run} {tag}");
            for (int i = 0; i < events.Count; i++)
            {
                var (e, image) = (events[i], images[i]);
                string where = $"images {run} {tag} #{i}";
                Assert.AreEqual(e.GetProperty("step").GetInt64(), image.Step, where);
                Assert.AreEqual(e.GetProperty("sample").GetInt32(), image.Sample, where);
                Assert.AreEqual(e.GetProperty("width").GetInt32(), image.Width, where);
                Assert.AreEqual(e.GetProperty("height").GetInt32(), image.Height, where);
                Assert.AreEqual(e.GetProperty("bytes").GetInt32(), image.Encoded.Length, where);
                Assert.AreEqual(e.GetProperty("content_type").GetString(), image.ContentType, where);
                compared++;
            }
        }
        Assert.IsEmpty(ours.Keys, "image series TensorBoard does not serve");
        return compared;
    }

    private static int Audio(LogDirReader reader, JsonElement plugins)
    {
        var ours = reader.ReadAudio().GroupBy(p => (p.Run, p.Tag)).ToDictionary(g => g.Key, g => g.ToList());
        int compared = 0;
        foreach (var (run, tag, value) in Series(plugins, "audio"))
        {
            Assert.IsTrue(ours.Remove((run, tag), out var clips), $"audio {run} {tag} not read");
            var events = value.GetProperty("events").EnumerateArray().ToList();
            Assert.HasCount(events.Count, clips, $"audio {run} {tag}");
            for (int i = 0; i < events.Count; i++)
            {
                var (e, clip) = (events[i], clips[i]);
                string where = $"audio {run} {tag} #{i}";
                Assert.AreEqual(e.GetProperty("step").GetInt64(), clip.Step, where);
                Assert.AreEqual(e.GetProperty("bytes").GetInt32(), clip.Encoded.Length, where);
                Assert.AreEqual(e.GetProperty("sample_rate").GetInt32(), (int)clip.SampleRate, where);
                Assert.AreEqual(e.GetProperty("channels").GetInt64(), clip.Channels, where);
                Assert.AreEqual(e.GetProperty("frames").GetInt64(), clip.Frames, where);
                Assert.AreEqual(e.GetProperty("content_type").GetString(), clip.ContentType, where);
                compared++;
            }
        }
        Assert.IsEmpty(ours.Keys, "audio series TensorBoard does not serve");
        return compared;
    }

    private static int Histograms(LogDirReader reader, JsonElement plugins)
    {
        var ours = reader.ReadHistograms().GroupBy(p => (p.Run, p.Tag)).ToDictionary(g => g.Key, g => g.ToList());
        int compared = 0;
        foreach (var (run, tag, value) in Series(plugins, "histograms"))
        {
            Assert.IsTrue(ours.Remove((run, tag), out var histograms), $"histograms {run} {tag} not read");
            var steps = value.GetProperty("steps").EnumerateArray().ToList();
            Assert.HasCount(steps.Count, histograms, $"histograms {run} {tag}");
            for (int i = 0; i < steps.Count; i++)
            {
                var (s, h) = (steps[i], histograms[i]);
                string where = $"histograms {run} {tag} step #{i}";
                Assert.AreEqual(s.GetProperty("step").GetInt64(), h.Step, where);
                Assert.AreEqual(s.GetProperty("min").GetDouble(), h.Min, where);
                Assert.AreEqual(s.GetProperty("max").GetDouble(), h.Max, where);
                Assert.AreEqual(s.GetProperty("total_count").GetDouble(), h.Count, where);
                CollectionAssert.AreEqual(s.GetProperty("counts").EnumerateArray().Select(c => c.GetDouble()).ToList(),
                    h.Buckets.Select(b => b.Count).ToList(), where);
                compared += h.Buckets.Count;
            }
        }
        Assert.IsEmpty(ours.Keys, "histogram series TensorBoard does not serve");
        return compared;
    }

    private static int PrCurves(LogDirReader reader, JsonElement plugins)
    {
        var ours = reader.ReadPrCurves().GroupBy(p => (p.Run, p.Tag)).ToDictionary(g => g.Key, g => g.ToList());
        int compared = 0;
        foreach (var (run, tag, value) in Series(plugins, "pr_curves"))
        {
            Assert.IsTrue(ours.Remove((run, tag), out var curves), $"pr_curves {run} {tag} not read");
            CollectionAssert.AreEqual(value.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToList(), curves.Select(c => c.Step).ToList());
            var last = curves[^1];
            var served = value.GetProperty("last");
            int n = last.ServedLength;
            Assert.AreEqual(value.GetProperty("points_returned_last").GetInt32(), n, $"pr_curves {run} {tag}");
            Assert.AreEqual(value.GetProperty("num_thresholds_inferred").GetInt32(), last.NumThresholds, $"pr_curves {run} {tag}");
            foreach (var (name, row) in new[]
            {
                ("precision", last.Precision), ("recall", last.Recall), ("true_positives", last.TruePositives),
                ("false_positives", last.FalsePositives), ("true_negatives", last.TrueNegatives), ("false_negatives", last.FalseNegatives),
            })
            {
                CollectionAssert.AreEqual(served.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToList(), row.Take(n).ToList(), $"pr_curves {run} {tag} {name}");
            }
            CollectionAssert.AreEqual(served.GetProperty("thresholds").EnumerateArray().Select(t => t.GetDouble()).ToList(),
                Enumerable.Range(0, n).Select(last.Threshold).ToList(), $"pr_curves {run} {tag} thresholds");
            compared += 7 * n;
        }
        Assert.IsEmpty(ours.Keys, "PR-curve series TensorBoard does not serve");
        return compared;
    }

    private static int Text(LogDirReader reader, JsonElement plugins)
    {
        var ours = reader.ReadText().GroupBy(p => (p.Run, p.Tag)).ToDictionary(g => g.Key, g => g.Select(t => (t.Step, (string?)t.Text)).ToList());
        int compared = 0;
        foreach (var (run, tag, value) in Series(plugins, "text"))
        {
            Assert.IsTrue(ours.Remove((run, tag), out var texts), $"text {run} {tag} not read");
            var theirs = value.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("step").GetInt64(), s.GetProperty("text").GetString())).ToList();
            CollectionAssert.AreEqual(theirs, texts, $"text {run} {tag}");
            compared += theirs.Count;
        }
        Assert.IsEmpty(ours.Keys, "text series TensorBoard does not serve");
        return compared;
    }

    private static int HParams(LogDirReader reader, JsonElement plugins)
    {
        if (!plugins.TryGetProperty("hparams", out var served) || !served.TryGetProperty("experiment", out var experiment))
        {
            Assert.IsEmpty(reader.ReadHParamsSessions(), "hparams sessions TensorBoard does not serve");
            return 0;
        }
        var ours = reader.ReadHParamsExperiment();
        Assert.IsNotNull(ours, "hparams experiment not read");
        int compared = 0;
        // TensorBoard sorts hyperparameters by name (after those that differ between sessions).
        CollectionAssert.AreEquivalent(
            experiment.GetProperty("hparam_infos").EnumerateArray().Select(h => (h.GetProperty("name").GetString(), h.GetProperty("type").GetString())).ToList(),
            ours.HParams.Select(h => ((string?)h.Name, (string?)h.Type)).ToList(), "hparam infos");
        foreach (var info in experiment.GetProperty("hparam_infos").EnumerateArray())
        {
            var mine = ours.HParams.Single(h => h.Name == info.GetProperty("name").GetString());
            Assert.AreEqual(ServedDomain(info.GetProperty("domain")), DomainText(mine.Domain), $"domain of {mine.Name}");
            compared++;
        }
        CollectionAssert.AreEqual(
            experiment.GetProperty("metric_infos").EnumerateArray().Select(m => (m.GetProperty("tag").GetString(), m.GetProperty("group").GetString())).ToList(),
            ours.Metrics.Select(m => ((string?)m.Tag, (string?)m.Group)).ToList(), "metric infos");
        var sessions = reader.ReadHParamsSessions().ToDictionary(s => s.Run);
        foreach (var group in served.GetProperty("session_groups").EnumerateArray())
        {
            foreach (var servedSession in group.GetProperty("sessions").EnumerateArray())
            {
                string name = servedSession.GetProperty("name").GetString()!;
                Assert.IsTrue(sessions.Remove(name, out var session), $"hparams session {name} not read");
                Assert.AreEqual(servedSession.GetProperty("status").GetString(), session.Status, name);
                foreach (var hparam in group.GetProperty("hparams").EnumerateObject())
                {
                    object? expected = hparam.Value.ValueKind switch
                    {
                        JsonValueKind.Number => hparam.Value.GetDouble(),
                        JsonValueKind.String => hparam.Value.GetString(),
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => null,
                    };
                    Assert.AreEqual(expected, session.HParams[hparam.Name], $"{name} {hparam.Name}");
                    compared++;
                }
                var metrics = servedSession.GetProperty("metrics").EnumerateArray().ToList();
                Assert.HasCount(metrics.Count, session.MetricValues, $"{name} metrics");
                var values = session.MetricValues.ToDictionary(m => (m.Tag, m.Group), m => (m.Step, m.Value));
                foreach (var metric in metrics)
                {
                    var (step, value) = values[(metric.GetProperty("tag").GetString()!, metric.GetProperty("group").GetString()!)];
                    Assert.AreEqual(metric.GetProperty("value").GetDouble(), value, $"{name} {metric}");
                    Assert.AreEqual(metric.GetProperty("training_step").GetInt64(), step, $"{name} {metric}");
                    compared++;
                }
            }
        }
        Assert.IsEmpty(sessions.Keys, "hparams sessions TensorBoard does not serve");
        return compared;
    }

    // A domain as text, discrete values sorted: TensorBoard lists a domain it infers from strings in Python set order.
    private static string ServedDomain(JsonElement domain)
    {
        if (domain.ValueKind == JsonValueKind.Null)
        {
            return "none";
        }
        if (domain.TryGetProperty("domainInterval", out var interval))
        {
            // proto3 JSON leaves out a bound that is 0.
            double Bound(string name) => interval.TryGetProperty(name, out var b) ? b.GetDouble() : 0;
            return FormattableString.Invariant($"[{Bound("minValue"):R}, {Bound("maxValue"):R}]");
        }
        var values = domain.GetProperty("domainDiscrete").EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.String => "s:" + v.GetString(),
            JsonValueKind.Number => "n:" + v.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            _ => "b:" + v.GetBoolean(),
        });
        return "{" + string.Join(", ", values.Order(StringComparer.Ordinal)) + "}";
    }

    private static string DomainText(HParamDomain? domain)
    {
        if (domain is null)
        {
            return "none";
        }
        if (!domain.IsDiscrete)
        {
            return FormattableString.Invariant($"[{domain.Min:R}, {domain.Max:R}]");
        }
        var values = domain.Values.Select(v => v.Kind switch
        {
            HParamKind.String => "s:" + v.String,
            HParamKind.Number => "n:" + v.Number.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            _ => "b:" + v.Bool,
        });
        return "{" + string.Join(", ", values.Order(StringComparer.Ordinal)) + "}";
    }

    private static int CustomScalars(LogDirReader reader, JsonElement plugins)
    {
        var layouts = reader.ReadCustomScalarLayouts();
        if (!plugins.TryGetProperty("custom_scalars", out var served) || !served.TryGetProperty("charts", out var charts))
        {
            Assert.IsEmpty(layouts, "a custom-scalars layout TensorBoard does not serve");
            return 0;
        }
        var ours = layouts.SelectMany(l => l.Categories).SelectMany(c => c.Charts.Select(ch => (c.Title, ch.Title, ch.Type))).ToList();
        var theirs = charts.EnumerateArray().Select(c => (c.GetProperty("category").GetString()!, c.GetProperty("title").GetString()!, c.GetProperty("type").GetString()!)).ToList();
        CollectionAssert.AreEqual(theirs, ours, "custom-scalars charts");
        return theirs.Count;
    }
}
