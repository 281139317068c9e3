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
    public void ExportToFile_replaces_the_file_once_complete_through_a_link_and_writes_a_device_in_place()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tblogger-export-staged-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string output = Path.Combine(dir, "out.csv");
            long rows = LogExporter.ExportToFile(s_golden, output);
            byte[] whole = File.ReadAllBytes(output);
            Assert.AreEqual(Export(s_golden, new ExportOptions()), Encoding.UTF8.GetString(whole));

            // A read that fails part way (its progress sink throws): the previous export stays, no temporary file is left.
            var failing = new LogDirReader(s_golden, new LogDirReaderOptions { ReadProgress = new ThrowingProgress() });
            Assert.AreEqual("progress failed", Assert.ThrowsExactly<InvalidOperationException>(() => LogExporter.ExportToFile(failing, output)).Message);
            CollectionAssert.AreEqual(whole, File.ReadAllBytes(output));
            Assert.ThrowsExactly<InvalidOperationException>(() => LogExporter.ExportToFile(failing, Path.Combine(dir, "new.csv")));
            CollectionAssert.AreEqual(new[] { "out.csv" }, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());

            // A link: the file it leads to is replaced and the link stays.
            string real = Path.Combine(dir, "real.csv");
            File.WriteAllText(real, "old");
            string link = Path.Combine(dir, "link.csv");
            File.CreateSymbolicLink(link, real);
            Assert.AreEqual(rows, LogExporter.ExportToFile(s_golden, link));
            Assert.AreEqual(real, new FileInfo(link).LinkTarget);
            CollectionAssert.AreEqual(whole, File.ReadAllBytes(real));

            // An existing target keeps its permissions (a private export stays private).
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(output, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                Assert.AreEqual(rows, LogExporter.ExportToFile(s_golden, output));
                Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
                CollectionAssert.AreEqual(whole, File.ReadAllBytes(output));
            }

            // A device is written, not replaced by a file.
            if (!OperatingSystem.IsWindows())
            {
                Assert.AreEqual(rows, LogExporter.ExportToFile(s_golden, "/dev/null"));
                Assert.IsTrue(TbLogger.Storage.UnixFileStatus.Stat("/dev/null", out var status) && status.KindName == "character device");
            }
            // A name at the file system's limit (255 bytes) still fits: the temporary name does not grow with it.
            string longest = Path.Combine(dir, new string('n', 251) + ".csv");
            Assert.AreEqual(rows, LogExporter.ExportToFile(s_golden, longest));
            CollectionAssert.AreEqual(whole, File.ReadAllBytes(longest));
            File.Delete(longest);
            CollectionAssert.AreEquivalent(new[] { "out.csv", "real.csv", "link.csv" }, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public async Task A_process_that_exits_during_an_export_leaves_the_previous_file_and_no_temporary_one()
    {
        // What a stopped `tblog export` to CSV leaves: it takes no cancellation, so the process ends (after the command
        // line's grace period) while the export writes its temporary file, which is removed at exit.
        using var temp = new TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "out.csv"), "previous");
        string output = await FreshProcess.CrashWriterAsync("exit-mid-export", temp.Path, TimeSpan.FromSeconds(60));
        Assert.AreEqual("exporting", output);
        Assert.AreEqual("previous", File.ReadAllText(Path.Combine(temp.Path, "out.csv")));
        CollectionAssert.AreEqual(new[] { "out.csv" }, Directory.GetFiles(temp.Path).Select(Path.GetFileName).ToArray());
    }

    private sealed class ThrowingProgress : IProgress<long>
    {
        public void Report(long value) => throw new InvalidOperationException("progress failed");
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

    /// <summary>A histograms-plugin tensor value of the given [k, 3] rows, as TensorFlow 2 writes one.</summary>
    private static TbLogger.Protos.Event HistogramTensorEvent(string tag, long step, double[] rows)
    {
        var tensor = new TbLogger.Protos.TensorProto { Dtype = TbLogger.Protos.DataType.DtDouble, TensorShape = new TbLogger.Protos.TensorShapeProto() };
        tensor.TensorShape.Dim.Add(new TbLogger.Protos.TensorShapeProto.Types.Dim { Size = rows.Length / 3 });
        tensor.TensorShape.Dim.Add(new TbLogger.Protos.TensorShapeProto.Types.Dim { Size = 3 });
        tensor.DoubleVal.Add(rows);
        var value = new TbLogger.Protos.Summary.Types.Value { Tag = tag, Tensor = tensor, Metadata = new TbLogger.Protos.SummaryMetadata { PluginData = new() { PluginName = "histograms" } } };
        return new TbLogger.Protos.Event { Step = step, WallTime = 7.5, Summary = new TbLogger.Protos.Summary { Value = { value } } };
    }

    [TestMethod]
    public void HistogramRowsAreExactlyTheJsonOfTheirBuckets_QuotedWholeInCsv()
    {
        // Non-finite numbers are JSON strings; in CSV the whole object is one field with its quotes doubled.
        using var temp = new TempDirectory();
        Write(temp.Combine("r,1"), "events.out.tfevents.1.x", Version(), HistogramTensorEvent("h", 3, [double.NegativeInfinity, 0.5, 2, 0.5, 1e300, double.NaN]));
        const string Data = "{\"min\":\"-Infinity\",\"max\":1E+300,\"count\":\"NaN\",\"buckets\":[[\"-Infinity\",0.5,2],[0.5,1E+300,\"NaN\"]]}";
        string csv = Export(temp.Path, new ExportOptions { IncludeHistograms = true });
        Assert.AreEqual("run,tag,step,wall_time,value,kind,data\n\"r,1\",h,3,7.5,,histogram,\"" + Data.Replace("\"", "\"\"") + "\"\n", csv);
        string jsonl = Export(temp.Path, new ExportOptions { Format = ExportFormat.JsonLines, IncludeHistograms = true });
        Assert.AreEqual("{\"run\":\"r,1\",\"tag\":\"h\",\"step\":3,\"wall_time\":7.5,\"kind\":\"histogram\"," + Data[1..] + "\n", jsonl);
    }

    [TestMethod]
    public void A_histogram_of_a_million_buckets_is_exported_without_building_its_row_as_text()
    {
        // The row used to be built as one string, copied four times (escaped, interpolated, encoded): about 365 MB of
        // allocations for this row, beside the 187 MB the reader allocates to decode its buckets.
        using var temp = new TempDirectory();
        const int Buckets = 1_000_000;
        var rows = new double[3 * Buckets];
        for (int i = 0; i < Buckets; i++)
        {
            (rows[3 * i], rows[3 * i + 1], rows[3 * i + 2]) = (i, i + 1, i % 7);
        }
        Write(temp.Combine("run"), "events.out.tfevents.1.x", Version(), HistogramTensorEvent("h", 0, rows));
        var reader = new LogDirReader(temp.Path);
        _ = reader.ReadHistograms().Single(); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.HasCount(Buckets, reader.ReadHistograms().Single().Buckets);
        long decoding = GC.GetAllocatedBytesForCurrentThread() - before;

        using var output = new CountingStream();
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.AreEqual(1L, LogExporter.Export(reader, output, new ExportOptions { IncludeHistograms = true }));
        long exporting = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.IsGreaterThan(10L * Buckets, output.Written, "the row holds every bucket");
        Assert.IsLessThan(decoding + (8 << 20), exporting, $"decoding {decoding} bytes, exporting {exporting}");
    }

    /// <summary>A stream that only counts what is written to it.</summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Written += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;
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

    [TestMethod]
    public void ExportToFileWritesANewFileAndReplacesAnOldOneWhole()
    {
        // A new path is created (CreateNew, without the truncate of FileMode.Create); an existing, longer file is
        // replaced, with nothing of its old tail left: both equal the export to a stream.
        using var temp = new TempDirectory();
        string expected = Export(s_golden, new ExportOptions());
        string fresh = Path.Combine(temp.Path, "new.csv");
        long rows = LogExporter.ExportToFile(new LogDirReader(s_golden), fresh);
        Assert.AreEqual(expected, File.ReadAllText(fresh));
        Assert.AreEqual(expected.Count(c => c == '\n') - 1, rows);

        string old = Path.Combine(temp.Path, "old.csv");
        File.WriteAllText(old, new string('x', expected.Length * 2));
        Assert.AreEqual(rows, LogExporter.ExportToFile(s_golden, old));
        Assert.AreEqual(expected, File.ReadAllText(old));
    }

    [TestMethod]
    public void ExportToFileFailsOnADirectoryExactlyAsFileModeCreateDoes()
    {
        // CreateNew fails there first; the export then opens with Create, whose error the caller has always seen.
        using var temp = new TempDirectory();
        string directory = Directory.CreateDirectory(Path.Combine(temp.Path, "a.csv")).FullName;
        Exception expected = Assert.Throws<Exception>(() => new FileStream(directory, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0));
        Exception actual = Assert.Throws<Exception>(() => LogExporter.ExportToFile(new LogDirReader(s_golden), directory));
        Assert.AreEqual(expected.GetType(), actual.GetType());
        Assert.AreEqual(expected.Message, actual.Message);
    }

    [TestMethod]
    public void ExportToFileThroughADanglingLinkCreatesItsTargetAsFileModeCreateDoes()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Symbolic links need a privilege on Windows.");
        }
        using var temp = new TempDirectory();
        string target = Path.Combine(temp.Path, "target.csv");
        string link = Path.Combine(temp.Path, "link.csv");
        File.CreateSymbolicLink(link, target);
        long rows = LogExporter.ExportToFile(new LogDirReader(s_golden), link);
        Assert.AreEqual(Export(s_golden, new ExportOptions()), File.ReadAllText(target));
        Assert.IsTrue(rows > 0);
    }
}
