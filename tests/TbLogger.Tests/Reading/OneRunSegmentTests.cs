using System.Buffers.Binary;
using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Reading;

/// <summary>
/// One large run read on two threads (issue 19): split into segments by a framing pass, the purge plan built from
/// the segments, the segments scanned like runs. It must return exactly what the one-thread read returns (points,
/// order, reports and their positions, strict-mode failures, progress), and fall back to the one-thread read on any
/// damaged record. Segments are made tiny here (<see cref="LogDirReaderOptions.SegmentRecords"/>) so that their
/// boundaries land on every interesting record.
/// </summary>
[TestClass]
public sealed class OneRunSegmentTests
{
    private static readonly LogDirReaderOptions OneThread = LogDirReaderOptions.Default with { MaxDegreeOfParallelism = 1 };

    private static LogDirReaderOptions Segmented(int records, LogDirReaderOptions? options = null) =>
        (options ?? LogDirReaderOptions.Default) with { MaxDegreeOfParallelism = 2, SegmentRecords = records, SplitAfterScalars = 0 };

    /// <summary>Segment sizes that put boundaries in many places: 1 record per segment, primes, a power of two.</summary>
    private static readonly int[] SegmentSizes = [1, 7, 16, 61, 250];

    private static Summary.Types.Value Bare(string tag, float value) => new()
    {
        Tag = tag,
        Tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto(), FloatVal = { value } },
    };

    private static Summary.Types.Value WithPlugin(string tag, float value, string plugin)
    {
        Summary.Types.Value v = Bare(tag, value);
        v.Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = plugin } };
        return v;
    }

    private static Summary.Types.Value Simple(string tag, float value) => new() { Tag = tag, SimpleValue = value };

    private static byte[] EventBytes(long step, params Summary.Types.Value[] values)
    {
        var e = new Event { Step = step, WallTime = 1_700_000_000 + step * 0.25, Summary = new Summary() };
        e.Summary.Value.Add(values);
        return e.ToByteArray();
    }

    /// <summary>
    /// A run of three files (about 2,400 records) with every shape the segments must get right:
    /// "loss" in our writer's layout (metadata on its first value in each file, then bare tensors) whose step goes
    /// back by 1 to 8 every 37 of its values (a restart, or a step logged twice: the data server evicts); "torch/acc" in PyTorch's layout
    /// (simple_value); "late", first seen after 60 % of the run; "notes", a text tag whose later values are bare
    /// float tensors (not points: the plugin decided on its first value, possibly segments earlier); "undecided", bare
    /// tensors (not points) until a value names the scalars plugin half-way, then points; records of two and three
    /// values; the second file goes back below the first's last steps.
    /// </summary>
    private static List<string> WriteRun(string dir)
    {
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        long step = 0;
        int lossValues = 0;
        for (int f = 0; f < 3; f++)
        {
            var payloads = new List<byte[]> { new Event { WallTime = 1, FileVersion = EventFileWriter.FileVersion }.ToByteArray() };
            bool lossFirstInFile = true;
            step = f == 1 ? step - 50 : step;
            for (int i = 0; i < 800; i++, step++)
            {
                int record = f * 800 + i;
                var values = new List<Summary.Types.Value>();
                if (++lossValues % 37 == 0)
                {
                    step -= 1 + record % 8;
                }
                values.Add(lossFirstInFile ? WithPlugin("loss", step * 0.5f, "scalars") : Bare("loss", step * 0.5f));
                lossFirstInFile = false;
                if (record % 3 == 0)
                {
                    values.Add(Simple("torch/acc", record % 100 / 100f));
                }
                if (record >= 1450 && record % 2 == 0)
                {
                    values.Add(record == 1450 ? WithPlugin("late", record, "scalars") : Bare("late", record));
                }
                payloads.Add(EventBytes(step, [.. values]));
                if (record % 5 == 0)
                {
                    payloads.Add(EventBytes(step, record == 0 ? WithPlugin("notes", 1, "text") : Bare("notes", record)));
                }
                if (record % 4 == 1)
                {
                    payloads.Add(EventBytes(step, record == 1201 ? WithPlugin("undecided", record, "scalars") : Bare("undecided", record)));
                }
            }
            string file = Path.Combine(dir, $"events.out.tfevents.{1_700_000_000 + f}.host");
            WriteRecords(file, payloads);
            files.Add(file);
        }
        return files;
    }

    /// <summary>Writes framed records; returns each record's offset.</summary>
    private static List<long> WriteRecords(string file, IEnumerable<byte[]> payloads)
    {
        var offsets = new List<long>();
        using var stream = File.Create(file);
        using var writer = new TfRecordWriter(stream);
        long at = 0;
        foreach (byte[] payload in payloads)
        {
            offsets.Add(at);
            writer.Write(payload);
            at += payload.Length + TfRecordWriter.FramingOverhead;
        }
        return offsets;
    }

    /// <summary>The reference: the general value path, one value at a time (one thread, no scan).</summary>
    private static List<ScalarPoint> Reference(LogDirReader reader, ReadFilter? filter = null) => ValuePath.Scalars(reader, filter);

    /// <summary>The data server's rule written plainly: a point at a step at or below the tag's last kept one evicts the kept points at steps &gt;= it.</summary>
    private static List<long> Survivors(IEnumerable<long> steps)
    {
        var kept = new List<long>();
        foreach (long step in steps)
        {
            if (kept.Count > 0 && step <= kept[^1])
            {
                kept.RemoveAll(s => s >= step);
            }
            kept.Add(step);
        }
        return kept;
    }

    [TestMethod]
    public void A_large_run_read_in_segments_returns_exactly_the_one_thread_read()
    {
        using var dir = new TempDirectory();
        WriteRun(dir.Path);
        var oneThread = new LogDirReader(dir.Path, OneThread).ReadScalars().ToList();
        CollectionAssert.AreEqual(Reference(new LogDirReader(dir.Path)), oneThread);
        // The expectations from the rules themselves: "torch/acc" has no step going back of its own, but shares the
        // records' steps, which go back with "loss"'s restarts; "undecided" is a point only from the value that named
        // its plugin (record 1,201) on; "notes" never (its plugin is text).
        var accSteps = new List<long>();
        var lossSteps = new List<long>();
        long step = 0;
        int lossValues = 0;
        for (int record = 0; record < 2400; record++, step++)
        {
            if (record == 800)
            {
                step -= 50;
            }
            if (++lossValues % 37 == 0)
            {
                step -= 1 + record % 8;
            }
            lossSteps.Add(step);
            if (record % 3 == 0)
            {
                accSteps.Add(step);
            }
        }
        CollectionAssert.AreEqual(Survivors(lossSteps), oneThread.Where(p => p.Tag == "loss").Select(p => p.Step).ToList());
        CollectionAssert.AreEqual(Survivors(accSteps), oneThread.Where(p => p.Tag == "torch/acc").Select(p => p.Step).ToList());
        Assert.AreEqual(0, oneThread.Count(p => p.Tag == "notes"));
        Assert.AreEqual(1201.0, oneThread.First(p => p.Tag == "undecided").Value);
        Assert.AreEqual(1450.0, oneThread.First(p => p.Tag == "late").Value);
        foreach (int size in SegmentSizes)
        {
            var reader = new LogDirReader(dir.Path, Segmented(size));
            CollectionAssert.AreEqual(oneThread, reader.ReadScalars().ToList(), $"segments of {size} records");
            Assert.AreEqual(1, reader.SegmentedReads, $"segments of {size} records: read on two threads");
        }
    }

    [TestMethod]
    public void A_run_of_four_default_segments_read_with_the_default_options_equals_the_one_thread_read()
    {
        // The default segment size (65,536 records) and queues: 230,000 records of two values, "b" going back at the
        // end of the run (evicting points of every segment) and "a" once in each segment's first records.
        using var dir = new TempDirectory();
        var payloads = new List<byte[]> { new Event { WallTime = 1, FileVersion = EventFileWriter.FileVersion }.ToByteArray() };
        for (int i = 0; i < 230_000; i++)
        {
            long stepA = i % 65_536 == 10 ? i - 20 : i;
            long stepB = i == 229_999 ? 3 : i;
            payloads.Add(EventBytes(stepA, Simple("a", i), i == 0 ? WithPlugin("b", i, "scalars") : Bare("b", i)));
            if (stepB != stepA)
            {
                payloads[^1] = EventBytes(stepA, Simple("a", i));
                payloads.Add(EventBytes(stepB, Bare("b", i)));
            }
        }
        WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.1.h"), payloads);
        var expected = new LogDirReader(dir.Path, OneThread).ReadScalars().ToList();
        // "b": steps 0-2 kept, then the last point at step 3; "a": each step going back by 20 evicts the 20 points
        // before it, but the first, at record 10 (step -10), only the 10 points there are.
        CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3 }, expected.Where(p => p.Tag == "b").Select(p => p.Step).ToList());
        Assert.AreEqual(230_000 - 10 - 3 * 20, expected.Count(p => p.Tag == "a"));
        var reader = new LogDirReader(dir.Path, LogDirReaderOptions.Default with { MaxDegreeOfParallelism = 2, SplitAfterScalars = 0 });
        CollectionAssert.AreEqual(expected, reader.ReadScalars().ToList());
        Assert.AreEqual(1, reader.SegmentedReads);
    }

    [TestMethod]
    public void Segments_give_the_purge_plan_of_the_one_thread_pre_pass()
    {
        using var dir = new TempDirectory();
        WriteRun(dir.Path);
        RunInfo run = new LogDirReader(dir.Path).GetRuns().Single();
        PurgePlan expected = PurgePlan.For(run, LogDirReaderOptions.Default);
        Assert.IsGreaterThan(100, expected.Marks, "the run has marks in every segment size's boundaries");
        CollectionAssert.AreEquivalent(new[] { "loss", "torch/acc", "late", "notes", "undecided" }, expected.MarkedTags.ToList());
        foreach (int size in SegmentSizes)
        {
            var segments = RunSegments.Split(run, LogDirReaderOptions.Default.RecordOptions, size)!;
            Assert.AreEqual((3 + 3 * (800 + 160 + 200) + size - 1) / size, segments.Count, $"{size}: every record framed");
            foreach (int workers in new[] { 1, 2, 3 })
            {
                PurgePlan plan = SegmentPrePass.Run(run, segments, LogDirReaderOptions.Default.RecordOptions, workers)!.Plan;
                Assert.AreEqual(expected.Marks, plan.Marks, $"{size} records, {workers} threads");
                foreach (string tag in expected.MarkedTags)
                {
                    CollectionAssert.AreEqual(expected.MarksFor(tag)!.Ordinals, plan.MarksFor(tag)!.Ordinals, $"{tag}, {size} records, {workers} threads");
                    CollectionAssert.AreEqual(expected.MarksFor(tag)!.MinStepFrom.ToList(), plan.MarksFor(tag)!.MinStepFrom.ToList(), $"{tag}, {size} records, {workers} threads");
                }
            }
        }
    }

    [TestMethod]
    public void Segment_starts_are_the_records_offsets_and_ordinals()
    {
        using var dir = new TempDirectory();
        var first = WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.1.h"), Enumerable.Range(0, 10).Select(i => EventBytes(i, Simple("a", i))));
        var second = WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.2.h"), Enumerable.Range(0, 5).Select(i => EventBytes(i + 10, Simple("a", i))));
        RunInfo run = new LogDirReader(dir.Path).GetRuns().Single();
        var segments = RunSegments.Split(run, TfRecordReaderOptions.Default, 4)!;
        CollectionAssert.AreEqual(new[]
        {
            new RunSegment(0, 0, 0), new RunSegment(0, first[4], 4), new RunSegment(0, first[8], 8), new RunSegment(1, second[2], 12),
        }, segments);
        // A segment ending exactly at a file's start does not open that file.
        var atFileStart = RunSegments.Split(run, TfRecordReaderOptions.Default, 5)!;
        CollectionAssert.AreEqual(new[] { new RunSegment(0, 0, 0), new RunSegment(0, first[5], 5), new RunSegment(1, 0, 10) }, atFileStart);
        Assert.AreEqual(15, new LogDirReader(dir.Path, Segmented(5)).ReadScalars().Count());
    }

    [TestMethod]
    public void Filters_select_the_same_points_from_segments()
    {
        using var dir = new TempDirectory();
        WriteRun(dir.Path);
        var filters = new[]
        {
            new ReadFilter { Tags = TagFilter.Exact(["loss", "undecided"]) },
            new ReadFilter { Steps = StepRange.Parse("300:1700") },
            new ReadFilter { Tags = TagFilter.Glob("*a*"), Steps = StepRange.Parse(":900") },
        };
        foreach (ReadFilter filter in filters)
        {
            var expected = new LogDirReader(dir.Path, OneThread).ReadScalars(filter).ToList();
            Assert.IsNotEmpty(expected);
            CollectionAssert.AreEqual(Reference(new LogDirReader(dir.Path), filter), expected);
            foreach (int size in SegmentSizes)
            {
                var reader = new LogDirReader(dir.Path, Segmented(size));
                CollectionAssert.AreEqual(expected, reader.ReadScalars(filter).ToList(), $"{size} records");
                Assert.AreEqual(1, reader.SegmentedReads);
            }
        }
    }

    [TestMethod]
    public void A_run_with_many_tags_in_every_segment_is_still_split()
    {
        // Records of 1,000 distinct tags, one record per segment: 132 segments hold 132,000 tag states in all, more
        // than the waiting segments may hold at once. The segments are merged in order as they arrive, so only the
        // few waiting for an earlier one count, and the run is still split (it used to fall back near the end).
        using var dir = new TempDirectory();
        string[] tags = Enumerable.Range(0, 1000).Select(t => $"t{t}").ToArray();
        WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.1.h"),
            Enumerable.Range(0, 132).Select(r => EventBytes(r, [.. tags.Select(t => Simple(t, r))])));
        var reader = new LogDirReader(dir.Path, Segmented(1));
        var points = reader.ReadScalars().ToList();
        Assert.AreEqual(1, reader.SegmentedReads);
        Assert.AreEqual(132 * 1000, points.Count);
        CollectionAssert.AreEqual(new LogDirReader(dir.Path, OneThread).ReadScalars().ToList(), points);
    }

    [TestMethod]
    public void Segments_waiting_for_an_earlier_one_may_hold_only_so_many_tag_states()
    {
        TagState tag = new TagTable().Get("t"u8);
        SegmentPrePass.Observation Holding(int states) => new([.. Enumerable.Repeat(tag, states)], null);

        var merger = new SegmentPrePass.Merger();
        Assert.IsTrue(merger.Add(2, Holding(SegmentPrePass.MaxTagStates / 2)));
        Assert.IsTrue(merger.Add(1, Holding(SegmentPrePass.MaxTagStates / 2)));
        // Segment 0 arrives: all three merge, and nothing waits any more.
        Assert.IsTrue(merger.Add(0, Holding(SegmentPrePass.MaxTagStates)));
        Assert.IsTrue(merger.Add(4, Holding(SegmentPrePass.MaxTagStates)));
        Assert.IsNull(merger.Result(5), "segment 3 is missing");
        // One more state waiting than allowed: the split fails for good, and the run is read on one thread.
        Assert.IsFalse(merger.Add(5, Holding(1)));
        Assert.IsFalse(merger.Add(3, Holding(1)));
        Assert.IsNull(merger.Result(6));

        var complete = new SegmentPrePass.Merger();
        Assert.IsTrue(complete.Add(1, Holding(3)));
        Assert.IsTrue(complete.Add(0, Holding(3)));
        Assert.IsNotNull(complete.Result(2));
        Assert.IsNull(complete.Result(3));
    }

    [TestMethod]
    public void A_segment_whose_damaged_bytes_skip_to_the_next_segment_stops_at_its_end()
    {
        // The framing pass put a boundary at record 2; then record 1's length CRC got damaged (a file that changed).
        // Skipping, the reader scans forward byte by byte and finds record 2 in the same read: that record is the next
        // segment's, so the first segment stops there instead of yielding it too (it would be read twice).
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "events.out.tfevents.1.h");
        List<long> offsets = WriteRecords(file, Enumerable.Range(0, 3).Select(step => EventBytes(step, Simple("loss", step))));
        byte[] bytes = File.ReadAllBytes(file);
        bytes[offsets[1] + 8] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        RunInfo run = new LogDirReader(dir.Path).GetRuns().Single();
        var skip = new TfRecordReaderOptions { SkipCorruptRecords = true };
        var boundary = new RunSegment(0, offsets[2], 2);

        using (var first = new RunRecordCursor(run, skip, to: boundary))
        {
            var read = new List<(long, long)>();
            while (first.MoveNext())
            {
                read.Add((first.Offset, first.Header.Step));
            }
            CollectionAssert.AreEqual(new[] { (offsets[0], 0L) }, read);
        }
        using var second = new RunRecordCursor(run, skip, from: boundary);
        Assert.IsTrue(second.MoveNext());
        Assert.AreEqual((offsets[2], 2L, 2L), (second.Offset, second.Header.Step, second.Ordinal));
        Assert.IsFalse(second.MoveNext());
    }

    [TestMethod]
    public void Segment_size_must_be_positive()
    {
        foreach (int size in new[] { 0, -1, int.MinValue })
        {
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => LogDirReaderOptions.Default with { SegmentRecords = size });
            Assert.AreEqual("SegmentRecords", error.ParamName);
            Assert.AreEqual(size, error.ActualValue);
        }
        Assert.AreEqual(1, (LogDirReaderOptions.Default with { SegmentRecords = 1 }).SegmentRecords);
        Assert.AreEqual(65_536, LogDirReaderOptions.Default.SegmentRecords);
    }

    [TestMethod]
    public void One_run_is_split_only_once_the_process_has_read_enough_scalars_on_one_thread()
    {
        using var dir = new TempDirectory();
        WriteRun(dir.Path);
        var expected = new LogDirReader(dir.Path, OneThread).ReadScalars().ToList();
        // Test classes run in parallel and may read on one thread meanwhile: the process's count only grows.
        long before = ReadWarmth.OneThreadScalars;
        var cold = new LogDirReader(dir.Path, Segmented(16) with { SplitAfterScalars = long.MaxValue });
        CollectionAssert.AreEqual(expected, cold.ReadScalars().ToList());
        Assert.AreEqual(0, cold.SegmentedReads, "not warm yet: one thread");
        long after = ReadWarmth.OneThreadScalars;
        Assert.IsGreaterThanOrEqualTo(before + expected.Count, after, "the one-thread read counted its points");
        var warm = new LogDirReader(dir.Path, Segmented(16) with { SplitAfterScalars = after });
        CollectionAssert.AreEqual(expected, warm.ReadScalars().ToList());
        Assert.AreEqual(1, warm.SegmentedReads, "warm: split");
        Assert.AreEqual(4_000_000, LogDirReaderOptions.Default.SplitAfterScalars);
    }

    [TestMethod]
    public void A_directory_without_runs_reads_no_points_on_any_number_of_threads()
    {
        using var dir = new TempDirectory();
        foreach (int threads in new[] { 0, 1, 2 })
        {
            var reader = new LogDirReader(dir.Path, Segmented(16) with { MaxDegreeOfParallelism = threads });
            Assert.IsEmpty(reader.ReadScalars().ToList(), $"{threads} threads");
            Assert.AreEqual(0, reader.SegmentedReads);
        }
    }

    [TestMethod]
    public void One_thread_the_python_loader_and_no_purging_keep_the_one_thread_read()
    {
        using var dir = new TempDirectory();
        WriteRun(dir.Path);
        foreach (var options in new[]
        {
            Segmented(16) with { MaxDegreeOfParallelism = 1 },
            Segmented(16, LogDirReaderOptions.Default with { Loader = TensorBoardLoader.Python }),
            Segmented(16, LogDirReaderOptions.Default with { PurgeOrphanedData = false }),
        })
        {
            var reader = new LogDirReader(dir.Path, options);
            CollectionAssert.AreEqual(Reference(new LogDirReader(dir.Path, options)), reader.ReadScalars().ToList());
            Assert.AreEqual(0, reader.SegmentedReads);
        }
    }

    /// <summary>What a read returned and reported: points, and each report's offset, kind, message and points before it.</summary>
    private sealed record Outcome(List<ScalarPoint> Points, List<(long Offset, TfRecordCorruption Kind, string Message, int Before)> Reports, Exception? Failure, long Malformed, int Segmented);

    private static Outcome Read(string dir, LogDirReaderOptions options, bool skip)
    {
        var points = new List<ScalarPoint>();
        var reports = new List<(long, TfRecordCorruption, string, int)>();
        var reader = new LogDirReader(dir, options with
        {
            RecordOptions = new() { SkipCorruptRecords = skip, OnCorruptRecord = e => reports.Add((e.Offset, e.Corruption, e.Message, points.Count)) },
        });
        Exception? failure = null;
        try
        {
            foreach (ScalarPoint p in reader.ReadScalars())
            {
                points.Add(p);
            }
        }
        catch (TfRecordCorruptException ex)
        {
            failure = ex;
        }
        return new Outcome(points, reports, failure, reader.MalformedValues, reader.SegmentedReads);
    }

    private static void AssertSame(Outcome expected, Outcome actual, string what)
    {
        CollectionAssert.AreEqual(expected.Points, actual.Points, what);
        CollectionAssert.AreEqual(expected.Reports, actual.Reports, what);
        Assert.AreEqual(expected.Failure?.GetType(), actual.Failure?.GetType(), what);
        Assert.AreEqual(expected.Failure?.Message, actual.Failure?.Message, what);
        Assert.AreEqual(expected.Malformed, actual.Malformed, what);
    }

    /// <summary>
    /// A clean run of one file, 1,000 records of "x" (steps 0-999, one going back at 500) with one record damaged
    /// by <paramref name="damage"/> (given the file's bytes and the record's offset).
    /// </summary>
    private static (string File, long Offset) WriteDamaged(string dir, int record, Func<int, byte[]>? payload = null, Action<byte[], long>? damage = null)
    {
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "events.out.tfevents.1.h");
        var payloads = new List<byte[]> { new Event { WallTime = 1, FileVersion = EventFileWriter.FileVersion }.ToByteArray() };
        for (int i = 1; i <= 1000; i++)
        {
            payloads.Add(i == record && payload is not null ? payload(i) : EventBytes(i == 500 ? 480 : i, i == 1 ? WithPlugin("x", i, "scalars") : Bare("x", i)));
        }
        var offsets = WriteRecords(file, payloads);
        if (damage is not null)
        {
            byte[] bytes = File.ReadAllBytes(file);
            damage(bytes, offsets[record]);
            File.WriteAllBytes(file, bytes);
        }
        return (file, offsets[record]);
    }

    /// <summary>A value of "x" whose tensor does not decode: float_val (fixed32) cut to 2 bytes inside the tensor's own length.</summary>
    private static byte[] MalformedValue(int step)
    {
        byte[] tensor = [0x08, 0x01, 0x12, 0x00, 0x2D, 0x00, 0x00];
        byte[] value = [0x0A, 0x01, (byte)'x', 0x42, (byte)tensor.Length, .. tensor];
        byte[] summary = [0x0A, (byte)value.Length, .. value];
        byte[] e = new byte[9 + 3 + 2 + summary.Length];
        e[0] = 0x09;
        BinaryPrimitives.WriteDoubleLittleEndian(e.AsSpan(1), 1_700_000_000);
        e[9] = 0x10;
        e[10] = (byte)(0x80 | (step & 0x7F));
        e[11] = (byte)(step >> 7);
        e[12] = 0x2A;
        e[13] = (byte)summary.Length;
        summary.CopyTo(e, 14);
        return e;
    }

    [TestMethod]
    public void Damaged_records_at_and_around_segment_boundaries_read_as_on_one_thread()
    {
        // Segments of 16 records start at ordinals 0, 16, 32...: record 32 starts one, 31 ends one, 33 is inside.
        var cases = new List<(string Name, Func<int, byte[]>? Payload, Action<byte[], long>? Damage, bool Segmented)>
        {
            ("data CRC", null, (bytes, at) => bytes[at + TfRecordWriter.FramingOverhead + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)at)) - 1] ^= 0xFF, false),
            ("length CRC", null, (bytes, at) => bytes[at + 9] ^= 0x01, false),
            ("not an event", _ => [0xFF, 0xFF, 0xFF, 0xFF], null, false),
            ("malformed value", MalformedValue, null, true),
        };
        foreach (var (name, payload, damage, segmented) in cases)
        {
            foreach (int record in new[] { 31, 32, 33 })
            {
                using var dir = new TempDirectory();
                var (file, offset) = WriteDamaged(dir.Path, record, payload, damage);
                foreach (bool skip in new[] { true, false })
                {
                    string what = $"{name} at record {record}, skip {skip}";
                    Outcome one = Read(dir.Path, OneThread, skip);
                    Outcome two = Read(dir.Path, Segmented(16), skip);
                    AssertSame(one, two, what);
                    Assert.AreEqual(segmented ? 1 : 0, two.Segmented, $"{what}: {(segmented ? "read in segments" : "fell back to one thread")}");
                    if (skip)
                    {
                        Assert.IsNull(one.Failure, what);
                        Assert.IsTrue(one.Reports.Count > 0 && one.Reports.All(r => r.Offset == offset), $"{what}: {string.Join(";", one.Reports)}");
                        // A record that is not an event is counted with the malformed values (it is reported as one).
                        Assert.AreEqual(name is "malformed value" or "not an event" ? 1L : 0L, one.Malformed, what);
                    }
                    else
                    {
                        Assert.AreEqual(offset, ((TfRecordCorruptException)one.Failure!).Offset, what);
                        Assert.AreEqual(file, ((TfRecordCorruptException)one.Failure!).SourceName, what);
                    }
                }
            }
        }
    }

    [TestMethod]
    public void A_file_truncated_mid_record_ends_its_records_as_on_one_thread()
    {
        using var dir = new TempDirectory();
        var files = WriteRun(dir.Path);
        // The middle file loses the last 10 bytes (its last record is cut), the last file ends in 7 bytes of a header.
        using (var middle = new FileStream(files[1], FileMode.Open))
        {
            middle.SetLength(middle.Length - 10);
        }
        File.AppendAllBytes(files[2], [1, 2, 3, 4, 5, 6, 7]);
        var expected = new LogDirReader(dir.Path, OneThread).ReadScalars().ToList();
        CollectionAssert.AreEqual(Reference(new LogDirReader(dir.Path)), expected);
        foreach (int size in SegmentSizes)
        {
            var reader = new LogDirReader(dir.Path, Segmented(size));
            CollectionAssert.AreEqual(expected, reader.ReadScalars().ToList(), $"{size} records");
            Assert.AreEqual(1, reader.SegmentedReads);
        }
    }

    [TestMethod]
    public void Progress_counts_every_byte_once_in_increasing_totals()
    {
        using var dir = new TempDirectory();
        var files = WriteRun(dir.Path);
        long total = files.Sum(f => new FileInfo(f).Length);
        foreach (var options in new[] { OneThread, Segmented(61) })
        {
            var values = new List<long>();
            var reader = new LogDirReader(dir.Path, options with { ReadProgress = new Recorder(values) });
            Assert.AreEqual(new LogDirReader(dir.Path, OneThread).ReadScalars().Count(), reader.ReadScalars().Count());
            Assert.AreEqual(total, values[^1], $"{options.MaxDegreeOfParallelism} threads");
            for (int i = 1; i < values.Count; i++)
            {
                Assert.IsTrue(values[i] >= values[i - 1], $"{options.MaxDegreeOfParallelism} threads: {values[i - 1]} then {values[i]}");
            }
        }
    }

    [TestMethod]
    public void An_abandoned_segmented_read_returns_the_first_points_and_closes_its_files()
    {
        using var dir = new TempDirectory();
        var files = WriteRun(dir.Path);
        var expected = new LogDirReader(dir.Path, OneThread).ReadScalars().ToList();
        foreach (int take in new[] { 1, 700, 2000 })
        {
            var reader = new LogDirReader(dir.Path, Segmented(16));
            CollectionAssert.AreEqual(expected.Take(take).ToList(), reader.ReadScalars().Take(take).ToList(), $"{take} points");
            Assert.AreEqual(1, reader.SegmentedReads);
        }
        // The helper stopped and closed its files before the enumeration ended: each file can be opened exclusively.
        foreach (string file in files)
        {
            using var exclusive = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
    }

    private sealed class Recorder(List<long> values) : IProgress<long>
    {
        public void Report(long value)
        {
            lock (values)
            {
                values.Add(value);
            }
        }
    }
}
