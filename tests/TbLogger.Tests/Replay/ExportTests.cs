using System.Text;
using System.Text.Json;
using TbLogger.Reading;
using TbLogger.Replay;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Replay;

[TestClass]
public sealed class ExportTests
{
    private static readonly string s_golden = Path.GetDirectoryName(Fixtures.TorchRun1)!;

    private static string Export(string dir, ExportOptions options)
    {
        using var stream = new MemoryStream();
        LogExporter.Export(new LogDirReader(dir), stream, options);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [TestMethod]
    public void CsvHasHeaderAndRoundTripValues()
    {
        string csv = Export(s_golden, new ExportOptions { Filter = new ReadFilter { Tags = TagFilter.Exact("train/accuracy", "train/x_double"), Steps = StepRange.Parse("1:1") } });
        Assert.AreEqual(
            "run,tag,step,wall_time,value\n" +
            "run1,train/accuracy,1,1700000001,0.009999999776482582\n" +
            "run1,train/x_double,1,1700000001,1.1\n",
            csv);
    }

    [TestMethod]
    public void JsonLinesMatchTheReadValues()
    {
        string jsonl = Export(s_golden, new ExportOptions { Format = ExportFormat.JsonLines });
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var points = new LogDirReader(s_golden).ReadScalars().ToList();
        Assert.AreEqual(points.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var root = doc.RootElement;
            Assert.AreEqual(points[i].Run, root.GetProperty("run").GetString());
            Assert.AreEqual(points[i].Tag, root.GetProperty("tag").GetString());
            Assert.AreEqual(points[i].Step, root.GetProperty("step").GetInt64());
            Assert.AreEqual(points[i].WallTime, root.GetProperty("wall_time").GetDouble());
            Assert.AreEqual(points[i].Value, root.GetProperty("value").GetDouble());
        }
    }

    [TestMethod]
    public void NonFiniteValuesAndAwkwardNamesAreEscaped()
    {
        using var temp = new TempDirectory();
        Write(temp.Combine("a,b"), "events.out.tfevents.1.x", Version(), Scalar("say \"hi\"", 0, float.NaN, 5), Scalar("say \"hi\"", 1, float.PositiveInfinity, 6), Scalar("say \"hi\"", 2, float.NegativeInfinity, 7));
        Assert.AreEqual(
            "run,tag,step,wall_time,value\n\"a,b\",\"say \"\"hi\"\"\",0,5,NaN\n\"a,b\",\"say \"\"hi\"\"\",1,6,Infinity\n\"a,b\",\"say \"\"hi\"\"\",2,7,-Infinity\n",
            Export(temp.Path, new ExportOptions()));
        Assert.AreEqual(
            "{\"run\":\"a,b\",\"tag\":\"say \\u0022hi\\u0022\",\"step\":0,\"wall_time\":5,\"value\":\"NaN\"}\n",
            Export(temp.Path, new ExportOptions { Format = ExportFormat.JsonLines, Filter = new ReadFilter { Steps = StepRange.Parse("0") } }));
    }

    [TestMethod]
    public void HistogramsAndPrCurvesAreOptional()
    {
        string jsonl = Export(s_golden, new ExportOptions { Format = ExportFormat.JsonLines, IncludeHistograms = true, IncludePrCurves = true, Filter = new ReadFilter { Tags = TagFilter.Parse("hist/fixed10,pr/curve"), Steps = StepRange.Parse("0") } });
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.AreEqual(2, lines.Count);
        var histogram = lines.Single(l => l.GetProperty("kind").GetString() == "histogram");
        Assert.AreEqual(10, histogram.GetProperty("buckets").GetArrayLength());
        Assert.AreEqual("[0.5,1,10]", histogram.GetProperty("buckets")[0].GetRawText());
        var curve = lines.Single(l => l.GetProperty("kind").GetString() == "pr_curve");
        Assert.AreEqual(11, curve.GetProperty("num_thresholds").GetInt32());
        Assert.AreEqual("[5,4,4,3,2,2,2,1,1,0,0]", curve.GetProperty("true_positives").GetRawText());

        string csv = Export(s_golden, new ExportOptions { IncludeHistograms = true, Filter = new ReadFilter { Tags = TagFilter.Parse("hist/fixed10,train/loss"), Steps = StepRange.Parse("0") } });
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual("run,tag,step,wall_time,value,kind,data", rows[0]);
        Assert.AreEqual("run1,train/loss,0,1700000000,25,scalar,", rows[1]);
        StringAssert.StartsWith(rows[2], "run1,hist/fixed10,0,1700000000,,histogram,\"{\"\"min\"\":0.5,");
    }

    [TestMethod]
    public void HistogramsExportTheBucketsTensorBoardServes_NotTheRawExponentialScheme()
    {
        using var temp = new TempDirectory();
        using (var writer = new SummaryWriter(temp.Combine("run")))
        {
            writer.AddHistogram("w", [1f, 2f, 3f], 0);
        }
        string jsonl = Export(temp.Path, new ExportOptions { Format = ExportFormat.JsonLines, IncludeHistograms = true });
        var line = JsonDocument.Parse(jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single()).RootElement;
        Assert.AreEqual("histogram", line.GetProperty("kind").GetString());
        var buckets = line.GetProperty("buckets").EnumerateArray()
            .Select(b => (Left: b[0].GetDouble(), Right: b[1].GetDouble(), Count: b[2].GetDouble())).ToList();
        var served = new LogDirReader(temp.Path).ReadHistograms().Single().Buckets;
        // TensorFlow's scheme has about 1,550 buckets; 1, 2 and 3 fall in buckets 1065, 1073 and 1077 (factor 1.1), so 13 remain once the empty edges are dropped.
        Assert.HasCount(13, buckets);
        CollectionAssert.AreEqual(served.Select(b => (b.Left, b.Right, b.Count)).ToList(), buckets);
        Assert.AreEqual(1.0, buckets[0].Left, "the first bucket starts at min");
        Assert.AreEqual(3.0, buckets[^1].Right, "the last bucket ends at max");
        Assert.AreEqual(1.0, buckets[0].Count);
        Assert.AreEqual(1.0, buckets[^1].Count);
        Assert.AreEqual(3.0, buckets.Sum(b => b.Count));
    }

    [TestMethod]
    public void AnUntrimmedHistogramProtoExportsOnlyTheServedBuckets()
    {
        // TensorFlow's full exponential scheme with every empty bucket kept (1,550 buckets), values 1, 2 and 3.
        var limits = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) limits.Add(v);
        var all = limits.AsEnumerable().Reverse().Select(v => -v).Append(0.0).Concat(limits).Append(double.MaxValue).ToList();
        var histo = new TbLogger.Protos.HistogramProto { Min = 1, Max = 3, Num = 3, Sum = 6, SumSquares = 14 };
        histo.BucketLimit.Add(all);
        histo.Bucket.Add(all.Select((_, i) => i is 1065 or 1073 or 1077 ? 1.0 : 0.0));
        Assert.HasCount(1550, histo.Bucket);
        using var temp = new TempDirectory();
        var summary = new TbLogger.Protos.Summary();
        summary.Value.Add(new TbLogger.Protos.Summary.Types.Value { Tag = "w", Histo = histo });
        Write(temp.Combine("run"), "events.out.tfevents.1.x", Version(), new TbLogger.Protos.Event { Step = 0, WallTime = 5, Summary = summary });

        string jsonl = Export(temp.Path, new ExportOptions { Format = ExportFormat.JsonLines, IncludeHistograms = true });
        var line = JsonDocument.Parse(jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single()).RootElement;
        var buckets = line.GetProperty("buckets").EnumerateArray().Select(b => (Left: b[0].GetDouble(), Right: b[1].GetDouble(), Count: b[2].GetDouble())).ToList();
        Assert.HasCount(13, buckets);
        Assert.AreEqual((1.0, all[1065], 1.0), buckets[0], "the first bucket starts at min");
        Assert.AreEqual((all[1076], 3.0, 1.0), buckets[^1], "the last bucket ends at max");
        CollectionAssert.AreEqual(new LogDirReader(temp.Path).ReadHistograms().Single().Buckets.Select(b => (b.Left, b.Right, b.Count)).ToList(), buckets);
    }

    [TestMethod]
    public void FormatFollowsTheExtension()
    {
        Assert.AreEqual(ExportFormat.JsonLines, LogExporter.FormatOf("out.jsonl"));
        Assert.AreEqual(ExportFormat.JsonLines, LogExporter.FormatOf("OUT.NDJSON"));
        Assert.AreEqual(ExportFormat.Csv, LogExporter.FormatOf("out.csv"));
    }

    [TestMethod]
    public void AFailingOutputStopsTheExportWithoutHanging()
    {
        using var temp = new TempDirectory();
        using (var writer = new SummaryWriter(temp.Path))
        {
            for (int i = 0; i < 50_000; i++)
            {
                writer.AddScalar("loss", i, i);
            }
        }
        using var output = new FailingStream(allowedWrites: 2);
        var ex = Assert.ThrowsExactly<IOException>(() => LogExporter.Export(new LogDirReader(temp.Path), output));
        Assert.AreEqual("No space left on device (simulated)", ex.Message);
    }
}
