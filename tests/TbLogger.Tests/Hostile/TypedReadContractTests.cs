using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Reading.Verify;
using TbLogger.Records;
using TbLogger.Replay;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Hostile;

/// <summary>
/// Valid framing, hostile payloads: every typed read either skips and counts a malformed value (skip mode) or throws
/// one <see cref="TfRecordCorruptException"/> naming file and offset (strict mode). No other exception type escapes.
/// </summary>
[TestClass]
public sealed class TypedReadContractTests
{
    private static readonly string[] Path1 = ["run", "events.out.tfevents.1.host"];

    [TestMethod]
    public void A_histogram_with_more_counts_than_limits_is_skipped_and_counted_then_reading_goes_on()
    {
        using var dir = new TempDirectory();
        var bad = HistoEvent("h", step: 1, limits: [1.0], counts: [1, 2, 3]);
        var good = HistoEvent("h", step: 2, limits: [1.0, 2.0], counts: [1, 2]);
        long badOffset = WriteRecords(dir.Combine(Path1), [bad.ToByteArray(), good.ToByteArray()])[0];
        var reported = new List<TfRecordCorruptException>();
        var reader = new LogDirReader(dir.Path, new LogDirReaderOptions { RecordOptions = new() { SkipCorruptRecords = true, OnCorruptRecord = reported.Add } });

        var histograms = reader.ReadHistograms().ToList();

        Assert.HasCount(1, histograms);
        Assert.AreEqual(2L, histograms[0].Step);
        Assert.AreEqual(1L, reader.MalformedValues);
        Assert.HasCount(1, reported);
        Assert.AreEqual(dir.Combine(Path1), reported[0].SourceName);
        Assert.AreEqual(badOffset, reported[0].Offset);
        Assert.AreEqual(TfRecordCorruption.InvalidPayload, reported[0].Corruption);
        StringAssert.Contains(reported[0].Message, "'h'");
    }

    [TestMethod]
    public void Strict_mode_names_file_and_offset_of_a_malformed_histogram()
    {
        using var dir = new TempDirectory();
        var good = HistoEvent("h", step: 1, limits: [1.0, 2.0], counts: [1, 2]);
        var bad = HistoEvent("h", step: 2, limits: [1.0], counts: [1, 2, 3]);
        long badOffset = WriteRecords(dir.Combine(Path1), [good.ToByteArray(), bad.ToByteArray()])[1];
        var reader = new LogDirReader(dir.Path, new LogDirReaderOptions { RecordOptions = new() { SkipCorruptRecords = false } });

        var ex = Assert.ThrowsExactly<TfRecordCorruptException>(() => reader.ReadHistograms().ToList());

        Assert.AreEqual(badOffset, ex.Offset);
        Assert.AreEqual(dir.Combine(Path1), ex.SourceName);
        StringAssert.Contains(ex.Message, $"byte offset {badOffset}");
    }

    [TestMethod]
    public void Histogram_tensors_that_are_not_k_by_3_numbers_are_skipped_and_reported_with_file_and_offset_as_verify_reports_them()
    {
        using var dir = new TempDirectory();
        Event[] events =
        [
            HistoTensorEvent("h", step: 1, DataType.DtDouble, [2, 3], [0, 1, 5, 1, 2, 7]),
            HistoTensorEvent("h", step: 2, DataType.DtDouble, [6], [0, 1, 5, 1, 2, 7]),
            HistoTensorEvent("h", step: 3, DataType.DtDouble, [3, 2], [0, 1, 5, 1, 2, 7]),
            HistoTensorEvent("h", step: 4, DataType.DtDouble, [1, 6], [0, 1, 5, 1, 2, 7]),
            HistoTensorEvent("h", step: 5, DataType.DtDouble, [2, 3, 1], [0, 1, 5, 1, 2, 7]),
            HistoTensorEvent("h", step: 6, DataType.DtDouble, [2, 3], [0, 1, 5, 1]),
            HistoTensorEvent("h", step: 7, DataType.DtBool, [1, 3], [1, 1, 1]),
            HistoTensorEvent("h", step: 8, DataType.DtDouble, [2, 3], [4]),
            HistoTensorEvent("h", step: 9, DataType.DtFloat, [1, 3], [2, 4, 3]),
        ];
        long[] offsets = WriteRecords(dir.Combine(Path1), events.Select(e => e.ToByteArray()).ToList());
        var reported = new List<TfRecordCorruptException>();
        var reader = new LogDirReader(dir.Path, new LogDirReaderOptions { RecordOptions = new() { SkipCorruptRecords = true, OnCorruptRecord = reported.Add } });

        var histograms = reader.ReadHistograms().ToList();

        CollectionAssert.AreEqual(new[] { 1L, 9L }, histograms.Select(h => h.Step).ToArray());
        CollectionAssert.AreEqual(new[] { new HistogramBucket(0, 1, 5), new HistogramBucket(1, 2, 7) }, histograms[0].Buckets.ToArray());
        CollectionAssert.AreEqual(new[] { new HistogramBucket(2, 4, 3) }, histograms[1].Buckets.ToArray());
        Assert.AreEqual((2d, 4d, 3d), (histograms[1].Min, histograms[1].Max, histograms[1].Count));
        string[] problems =
        [
            "histogram tensor has shape [6], not [k, 3]",
            "histogram tensor has shape [3, 2], not [k, 3]",
            "histogram tensor has shape [1, 6], not [k, 3]",
            "histogram tensor has shape [2, 3, 1], not [k, 3]",
            "DtDouble tensor of shape [2, 3] holds 4 elements, not 6",
            "histogram tensor is DtBool, not numbers",
            "DtDouble tensor of shape [2, 3] holds 1 elements, not 6",
        ];
        Assert.AreEqual(7L, reader.MalformedValues);
        CollectionAssert.AreEqual(
            problems.Select((p, i) => $"Corrupt TFRecord in '{dir.Combine(Path1)}' at byte offset {offsets[i + 1]}: record does not decode (value 'h' at step {i + 2} does not decode: {p}).").ToArray(),
            reported.Select(r => r.Message).ToArray());
        Assert.IsTrue(reported.All(r => r.SourceName == dir.Combine(Path1) && r.Corruption == TfRecordCorruption.InvalidPayload));
        CollectionAssert.AreEqual(offsets[1..8], reported.Select(r => r.Offset).ToArray());

        // One rule: tblog verify reports the same values at the same offsets.
        var verified = LogVerifier.Verify(dir.Path).Problems.Where(p => p.Rule == "decode").ToList();
        CollectionAssert.AreEqual(problems.Select((p, i) => $"tag 'h' step {i + 2}: {p}").ToArray(), verified.Select(p => p.Message).ToArray());
        CollectionAssert.AreEqual(offsets[1..8], verified.Select(p => p.Offset).ToArray());

        var exporting = new LogDirReader(dir.Path);
        using var output = new MemoryStream();
        Assert.AreEqual(2L, LogExporter.Export(exporting, output, new ExportOptions { IncludeHistograms = true }));
        Assert.AreEqual(7L, exporting.MalformedValues);
    }

    [TestMethod]
    public void Strict_mode_names_file_and_offset_of_a_histogram_tensor_of_shape_3_by_2()
    {
        using var dir = new TempDirectory();
        var good = HistoTensorEvent("h", step: 1, DataType.DtDouble, [2, 3], [0, 1, 5, 1, 2, 7]);
        var bad = HistoTensorEvent("h", step: 2, DataType.DtDouble, [3, 2], [0, 1, 5, 1, 2, 7]);
        long badOffset = WriteRecords(dir.Combine(Path1), [good.ToByteArray(), bad.ToByteArray()])[1];
        var reader = new LogDirReader(dir.Path, new LogDirReaderOptions { RecordOptions = new() { SkipCorruptRecords = false } });

        var ex = Assert.ThrowsExactly<TfRecordCorruptException>(() => reader.ReadHistograms().ToList());

        Assert.AreEqual(badOffset, ex.Offset);
        Assert.AreEqual(dir.Combine(Path1), ex.SourceName);
        Assert.AreEqual($"Corrupt TFRecord in '{dir.Combine(Path1)}' at byte offset {badOffset}: record does not decode (value 'h' at step 2 does not decode: histogram tensor has shape [3, 2], not [k, 3]).", ex.Message);
    }

    [TestMethod]
    public void Export_with_histograms_and_pr_curves_skips_a_malformed_pr_curve()
    {
        using var dir = new TempDirectory();
        var pr = PrEvent("pr", step: 1, values: 7); // not [6, T]
        var scalar = new Event { Step = 2, WallTime = 1, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "loss", SimpleValue = 0.5f } } } };
        WriteRecords(dir.Combine(Path1), [pr.ToByteArray(), scalar.ToByteArray()]);
        var reader = new LogDirReader(dir.Path);
        using var output = new MemoryStream();

        long rows = LogExporter.Export(reader, output, new ExportOptions { IncludeHistograms = true, IncludePrCurves = true });

        Assert.AreEqual(1L, rows);
        Assert.AreEqual(1L, reader.MalformedValues);
    }

    [TestMethod]
    public void Fuzz_valid_framing_with_mutated_payloads_through_every_typed_read()
    {
        var random = new Random(1818);
        byte[][] seeds = Seeds();
        using var dir = new TempDirectory();
        int skipMalformed = 0, strictThrown = 0, cases = 0;
        for (int round = 0; round < 40; round++)
        {
            // Skip mode: one file of 60 mutated records; every read finishes and counts.
            string runDir = dir.Combine("skip" + round);
            var records = new List<byte[]>();
            for (int i = 0; i < 60; i++)
            {
                records.Add(Mutate(seeds[random.Next(seeds.Length)], random));
            }
            WriteRecords(Path.Combine(runDir, "events.out.tfevents.1.host"), records);
            var reader = new LogDirReader(runDir, new LogDirReaderOptions { RecordOptions = new() { SkipCorruptRecords = true } });
            ReadEverything(reader, runDir, skip: true);
            skipMalformed += (int)reader.MalformedValues;
            cases += records.Count;

            // Strict mode: each mutated record alone; a read succeeds or throws TfRecordCorruptException.
            for (int i = 0; i < 10; i++)
            {
                string strictDir = dir.Combine("strict" + round + "_" + i);
                WriteRecords(Path.Combine(strictDir, "events.out.tfevents.1.host"), [records[i]]);
                var strict = new LogDirReader(strictDir, new LogDirReaderOptions { RecordOptions = new() { SkipCorruptRecords = false } });
                try
                {
                    ReadEverything(strict, strictDir, skip: false);
                }
                catch (TfRecordCorruptException ex)
                {
                    Assert.AreEqual(Path.Combine(strictDir, "events.out.tfevents.1.host"), ex.SourceName);
                    Assert.AreEqual(0L, ex.Offset);
                    strictThrown++;
                }
            }
        }
        Console.WriteLine($"{cases} mutated records in skip mode: {skipMalformed} malformed values counted; {strictThrown} of 400 strict cases threw TfRecordCorruptException");
        Assert.IsGreaterThan(0, skipMalformed, "the mutations should produce malformed values");
        Assert.IsGreaterThan(0, strictThrown);
    }

    private static void ReadEverything(LogDirReader reader, string dir, bool skip)
    {
        var options = new TfRecordReaderOptions { SkipCorruptRecords = skip };
        foreach (var run in reader.GetRuns())
        {
            _ = reader.ReadEvents(run).Count();
            foreach (string file in run.Files)
            {
                using var events = new EventFileReader(file, options);
                _ = events.ReadEvents().Count();
            }
        }
        _ = reader.ReadScalars().Count();
        _ = reader.ReadImages().Count();
        _ = reader.ReadAudio().Count();
        _ = reader.ReadHistograms().Count();
        _ = reader.ReadPrCurves().Count();
        _ = reader.ReadText().Count();
        _ = reader.ReadCustomScalarLayouts().Count;
        _ = reader.ReadHParamsExperiment();
        _ = reader.ReadHParamsSessions().Count;
        _ = reader.Summarize().Count;
        using var output = new MemoryStream();
        LogExporter.Export(reader, output, new ExportOptions { IncludeHistograms = true, IncludePrCurves = true });
        _ = dir;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        if (random.Next(5) == 0)
        {
            // A random payload behind a valid prefix: everything after a random point is noise.
            int keep = random.Next(bytes.Count);
            bytes.RemoveRange(keep, bytes.Count - keep);
            for (int i = random.Next(1, 64); i > 0; i--)
            {
                bytes.Add((byte)random.Next(256));
            }
            return [.. bytes];
        }
        int edits = random.Next(1, 5);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(bytes.Count + 1);
            switch (random.Next(5))
            {
                case 0 when at < bytes.Count: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1 when at < bytes.Count: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                case 3 when at < bytes.Count: bytes.RemoveAt(at); break;
                default: if (at < bytes.Count) { bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 8))); } break;
            }
        }
        return [.. bytes];
    }

    /// <summary>One valid event of every kind the typed reads decode, written by <see cref="SummaryWriter"/> and by hand.</summary>
    private static byte[][] Seeds()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalar("s", 1.5, 1);
            writer.AddHistogram("h", [1f, 2f, 3f, 4f], 1);
            writer.AddHistogramRaw("hr", 0, 3, 3, 3, 5, [1, 2, 3], [1, 1, 1], 1);
            writer.AddPrCurve("pr", [true, false, true], [0.9f, 0.2f, 0.6f], 1);
            writer.AddImage("img", new byte[] { 0, 255, 10, 20 }, new ImageShape(ImageLayout.HWC, 2, 2, 1), 1);
            writer.AddAudio("a", [0.1f, -0.1f, 0.2f, 0f], 8000, 1);
            writer.AddText("t", "hello", 1);
            writer.AddHParams(new Dictionary<string, HParamValue> { ["lr"] = 0.1, ["opt"] = "adam" }, new Dictionary<string, double> { ["acc"] = 0.5 });
        }
        var seeds = new List<byte[]>();
        foreach (string file in Directory.GetFiles(dir.Path, "*tfevents*", SearchOption.AllDirectories))
        {
            using var records = new TfRecordReader(File.OpenRead(file));
            seeds.AddRange(records.ReadRecords().Select(r => r.ToArray()));
        }
        seeds.Add(HistoEvent("h", 1, [1.0, 2.0], [1, 2]).ToByteArray());
        seeds.Add(PrEvent("pr", 1, 12).ToByteArray());
        return [.. seeds];
    }

    private static Event HistoEvent(string tag, long step, double[] limits, double[] counts)
    {
        var histo = new HistogramProto { Min = 0, Max = 3, Num = counts.Sum(), Sum = 1, SumSquares = 1 };
        histo.BucketLimit.Add(limits);
        histo.Bucket.Add(counts);
        return new Event { Step = step, WallTime = 1, Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, Histo = histo } } } };
    }

    /// <summary>A histograms-plugin tensor value of any dtype and shape, its elements as given.</summary>
    private static Event HistoTensorEvent(string tag, long step, DataType dtype, long[] shape, double[] values)
    {
        var tensor = new TensorProto { Dtype = dtype, TensorShape = new TensorShapeProto() };
        tensor.TensorShape.Dim.Add(shape.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        switch (dtype)
        {
            case DataType.DtFloat: tensor.FloatVal.Add(values.Select(v => (float)v)); break;
            case DataType.DtBool: tensor.BoolVal.Add(values.Select(v => v != 0)); break;
            default: tensor.DoubleVal.Add(values); break;
        }
        var metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "histograms" } };
        return new Event { Step = step, WallTime = 1, Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, Tensor = tensor, Metadata = metadata } } } };
    }

    private static Event PrEvent(string tag, long step, int values)
    {
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = values } } } };
        tensor.FloatVal.Add(Enumerable.Range(0, values).Select(i => (float)i));
        var metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "pr_curves" } };
        return new Event { Step = step, WallTime = 1, Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, Tensor = tensor, Metadata = metadata } } } };
    }

    /// <summary>Writes valid framing around each payload; returns each record's offset.</summary>
    private static long[] WriteRecords(string path, IReadOnlyList<byte[]> payloads)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var offsets = new long[payloads.Count];
        using var stream = File.Create(path);
        using var writer = new TfRecordWriter(stream, leaveOpen: true);
        long at = 0;
        for (int i = 0; i < payloads.Count; i++)
        {
            offsets[i] = at;
            writer.Write(payloads[i]);
            at += payloads[i].Length + TfRecordWriter.FramingOverhead;
        }
        writer.Flush();
        return offsets;
    }
}
