using System.Buffers.Binary;
using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Reading;

/// <summary>
/// One large run read on two threads (issue 19): split into stretches of bytes, each finding its first record, the
/// purge plan built from the stretches, the segments they give scanned like runs. It must return exactly what the
/// one-thread read returns (points, order, reports and their positions, strict-mode failures, progress), and fall
/// back to the one-thread read on any damaged record or any stretch that found a false first record. Stretches are
/// made tiny here (<see cref="LogDirReaderOptions.SegmentBytes"/>) so that their boundaries land on every
/// interesting byte.
/// </summary>
[TestClass]
public sealed class OneRunSegmentTests
{
    private static readonly LogDirReaderOptions OneThread = LogDirReaderOptions.Default with { MaxDegreeOfParallelism = 1 };

    private static LogDirReaderOptions Segmented(long bytes, LogDirReaderOptions? options = null) =>
        (options ?? LogDirReaderOptions.Default) with { MaxDegreeOfParallelism = 2, SegmentBytes = bytes, SplitAfterScalars = 0 };

    /// <summary>
    /// Stretch sizes that put boundaries in many places (the run's records are 30-90 bytes): shorter than a record's
    /// framing, about a record, primes, a power of two, several records.
    /// </summary>
    private static readonly long[] SegmentSizes = [5, 13, 61, 256, 997, 4096];

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
            CollectionAssert.AreEqual(oneThread, reader.ReadScalars().ToList(), $"stretches of {size} bytes");
            Assert.AreEqual(1, reader.SegmentedReads, $"stretches of {size} bytes: read on two threads");
        }
    }

    [TestMethod]
    public void A_run_of_four_default_stretches_read_with_the_default_options_equals_the_one_thread_read()
    {
        // The default stretch size (4 MiB) and queues: 230,000 records of two values (about 14 MB, four stretches),
        // "b" going back at the end of the run (evicting points of every segment) and "a" every 65,536 records.
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
        Assert.AreEqual(4, RunSegments.Plan(reader.GetRuns().Single(), LogDirReaderOptions.Default.SegmentBytes)!.Count);
        Assert.AreEqual(1, reader.SegmentedReads);
    }

    /// <summary>Every record of the run as the one-thread framing reads it: (file index, offset, ordinal).</summary>
    private static List<RunSegment> Records(RunInfo run)
    {
        var records = new List<RunSegment>();
        using var cursor = new RunRecordCursor(run, TfRecordReaderOptions.Default);
        while (cursor.MoveNext())
        {
            records.Add(new RunSegment(run.Files.ToList().IndexOf(cursor.File), cursor.Offset, cursor.Ordinal));
        }
        return records;
    }

    /// <summary>
    /// The segments a split must give, from the records themselves: the run's start, then each stretch's first record
    /// (stretches without one are inside the segment before them).
    /// </summary>
    private static List<RunSegment> ExpectedSegments(List<RunSegment> records, List<ByteSegment> stretches)
    {
        var segments = new List<RunSegment>();
        foreach (ByteSegment stretch in stretches)
        {
            int first = records.FindIndex(r => r.File == stretch.File && r.Offset >= stretch.Start && r.Offset < (stretch.End ?? long.MaxValue));
            if (first >= 0)
            {
                segments.Add(segments.Count == 0 ? new RunSegment(0, 0, 0) : records[first]);
            }
        }
        return segments;
    }

    [TestMethod]
    public void Stretches_give_the_purge_plan_of_the_one_thread_pre_pass_and_segments_at_their_first_records()
    {
        using var dir = new TempDirectory();
        WriteRun(dir.Path);
        RunInfo run = new LogDirReader(dir.Path).GetRuns().Single();
        PurgePlan expected = PurgePlan.For(run, LogDirReaderOptions.Default);
        Assert.IsGreaterThan(100, expected.Marks, "the run has marks in every stretch size's boundaries");
        CollectionAssert.AreEquivalent(new[] { "loss", "torch/acc", "late", "notes", "undecided" }, expected.MarkedTags.ToList());
        List<RunSegment> records = Records(run);
        Assert.AreEqual(3 + 3 * (800 + 160 + 200), records.Count);
        foreach (long size in SegmentSizes)
        {
            List<ByteSegment> stretches = RunSegments.Plan(run, size)!;
            // Each file in stretches of the size, its last one open-ended.
            for (int f = 0; f < 3; f++)
            {
                long length = new FileInfo(run.Files[f]).Length;
                long count = (length + size - 1) / size;
                CollectionAssert.AreEqual(Enumerable.Range(0, (int)count).Select(i => new ByteSegment(f, i * size, i + 1 < count ? (i + 1) * size : null)).ToList(),
                    stretches.Where(s => s.File == f).ToList(), $"{size} bytes, file {f}");
            }
            List<RunSegment> segments = ExpectedSegments(records, stretches);
            foreach (int workers in new[] { 1, 2, 3 })
            {
                SegmentPrePass prePass = SegmentPrePass.Run(run, stretches, LogDirReaderOptions.Default.RecordOptions, workers)!;
                CollectionAssert.AreEqual(segments, prePass.Segments, $"{size} bytes, {workers} threads");
                PurgePlan plan = prePass.Plan;
                Assert.AreEqual(expected.Marks, plan.Marks, $"{size} bytes, {workers} threads");
                foreach (string tag in expected.MarkedTags)
                {
                    CollectionAssert.AreEqual(expected.MarksFor(tag)!.Ordinals, plan.MarksFor(tag)!.Ordinals, $"{tag}, {size} bytes, {workers} threads");
                    CollectionAssert.AreEqual(expected.MarksFor(tag)!.MinStepFrom.ToList(), plan.MarksFor(tag)!.MinStepFrom.ToList(), $"{tag}, {size} bytes, {workers} threads");
                }
            }
        }
    }

    [TestMethod]
    public void Each_stretch_finds_its_first_record_and_the_segments_are_the_records_offsets_and_ordinals()
    {
        using var dir = new TempDirectory();
        var first = WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.1.h"), Enumerable.Range(0, 10).Select(i => EventBytes(i, Simple("a", i))));
        var second = WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.2.h"), Enumerable.Range(0, 5).Select(i => EventBytes(i + 10, Simple("a", i))));
        RunInfo run = new LogDirReader(dir.Path).GetRuns().Single();
        long length = new FileInfo(run.Files[0]).Length;
        using (var stream = File.OpenRead(run.Files[0]))
        {
            // At a record, inside one (the next), inside the last (none before the end), past the end, and a stretch
            // that ends one byte before the next record (none), or at it (none: [from, to) excludes to).
            Assert.AreEqual(first[4], RunSegments.FirstRecord(stream, first[4], length, TfRecordReaderOptions.Default.MaxRecordLength));
            Assert.AreEqual(first[5], RunSegments.FirstRecord(stream, first[4] + 1, length, TfRecordReaderOptions.Default.MaxRecordLength));
            Assert.IsNull(RunSegments.FirstRecord(stream, first[9] + 1, long.MaxValue, TfRecordReaderOptions.Default.MaxRecordLength));
            Assert.IsNull(RunSegments.FirstRecord(stream, length, long.MaxValue, TfRecordReaderOptions.Default.MaxRecordLength));
            Assert.IsNull(RunSegments.FirstRecord(stream, first[4] + 1, first[5], TfRecordReaderOptions.Default.MaxRecordLength));
            Assert.AreEqual(first[5], RunSegments.FirstRecord(stream, first[4] + 1, first[5] + 1, TfRecordReaderOptions.Default.MaxRecordLength));
            // A record whose length is over the limit is not one (as the framing reader says).
            long[] lengths = [.. first.Zip([.. first.Skip(1), length], (at, next) => next - at - TfRecordWriter.FramingOverhead)];
            int shortest = Array.IndexOf(lengths, lengths.Min());
            Assert.IsNull(RunSegments.FirstRecord(stream, 0, length, lengths.Min() - 1));
            Assert.AreEqual(first[shortest], RunSegments.FirstRecord(stream, 0, length, lengths.Min()));
        }
        // Stretches of the first file's fourth record's offset: boundaries at records 4 and 8 and inside the second file.
        long size = first[4];
        var stretches = RunSegments.Plan(run, size)!;
        SegmentPrePass prePass = SegmentPrePass.Run(run, stretches, TfRecordReaderOptions.Default, 2)!;
        // The second file (5 records, shorter than two stretches) has its first record and the first in [size, ...).
        int inSecond = second.FindIndex(o => o >= size);
        CollectionAssert.AreEqual(new[]
        {
            new RunSegment(0, 0, 0), new RunSegment(0, first[4], 4), new RunSegment(0, first[8], 8), new RunSegment(1, 0, 10), new RunSegment(1, second[inSecond], 10 + inSecond),
        }, prePass.Segments);
        Assert.AreEqual(15, new LogDirReader(dir.Path, Segmented(size)).ReadScalars().Count());
        // A segment ending exactly at a file's start does not open that file.
        using var cursor = new RunRecordCursor(run, TfRecordReaderOptions.Default, from: new RunSegment(0, first[8], 8), to: new RunSegment(1, 0, 10));
        var steps = new List<long>();
        while (cursor.MoveNext())
        {
            steps.Add(cursor.Header.Step);
        }
        CollectionAssert.AreEqual(new long[] { 8, 9 }, steps);
        Assert.IsNull(cursor.StoppedAt, "it stopped at its file's end, not at a record past its end");
    }

    [TestMethod]
    public void A_stretch_that_finds_a_false_first_record_inside_another_records_data_fails_the_split_and_the_read_is_exact()
    {
        // Record 100 is a text value whose bytes are 20 framed records of "loss" (valid framing, valid CRCs): a stretch
        // starting inside it finds one of them. The stretch before it stops hopping at the record after record 100, so
        // the two do not fit together: the split fails and the run is read on one thread, embedded records unread.
        using var dir = new TempDirectory();
        var embedded = new MemoryStream();
        using (var framing = new TfRecordWriter(embedded, leaveOpen: true))
        {
            for (int i = 0; i < 20; i++)
            {
                framing.Write(EventBytes(1_000_000 + i, Simple("loss", -1)));
            }
        }
        var text = new Summary.Types.Value
        {
            Tag = "notes",
            Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text" } },
            Tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto(), StringVal = { ByteString.CopyFrom(embedded.ToArray()) } },
        };
        var payloads = Enumerable.Range(0, 200).Select(i => i == 100 ? EventBytes(i, text) : EventBytes(i, Simple("loss", i))).ToList();
        List<long> offsets = WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.1.h"), payloads);
        RunInfo run = new LogDirReader(dir.Path).GetRuns().Single();
        var expected = new LogDirReader(dir.Path, OneThread).ReadScalars().ToList();
        CollectionAssert.AreEqual(Enumerable.Range(0, 200).Where(i => i != 100).Select(i => (long)i).ToList(), expected.Select(p => p.Step).ToList());
        // A stretch starting one byte into record 100's data finds an embedded record.
        using (var stream = File.OpenRead(run.Files[0]))
        {
            long found = RunSegments.FirstRecord(stream, offsets[100] + 1, offsets[101], TfRecordReaderOptions.Default.MaxRecordLength)!.Value;
            Assert.IsTrue(found > offsets[100] && found < offsets[101], $"{found} inside record 100 [{offsets[100]}, {offsets[101]})");
        }
        Assert.IsNull(SegmentPrePass.Run(run, [new ByteSegment(0, 0, offsets[100] + 1), new ByteSegment(0, offsets[100] + 1, null)], TfRecordReaderOptions.Default, 2));
        foreach (long size in SegmentSizes)
        {
            var reader = new LogDirReader(dir.Path, Segmented(size));
            CollectionAssert.AreEqual(expected, reader.ReadScalars().ToList(), $"{size} bytes");
            // Stretches longer than record 100 and all its neighbours may all start outside the embedded records.
            List<ByteSegment> stretches = RunSegments.Plan(run, size)!;
            bool startsInside = stretches.Any(s => s.Start > offsets[100] && s.Start < offsets[101] - 40);
            if (startsInside)
            {
                Assert.AreEqual(0, reader.SegmentedReads, $"{size} bytes: a stretch started inside the embedded records");
            }
        }
    }

    [TestMethod]
    public void Empty_files_and_a_file_of_one_large_record_are_split_exactly()
    {
        // Stretches of files without records (the first and a middle one), and of a file whose one record spans many
        // stretches: each holds no record but the first, and its last stretch none at all.
        using var dir = new TempDirectory();
        File.WriteAllBytes(Path.Combine(dir.Path, "events.out.tfevents.1.h"), []);
        WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.2.h"), Enumerable.Range(0, 300).Select(i => EventBytes(i, Simple("loss", i))));
        File.WriteAllBytes(Path.Combine(dir.Path, "events.out.tfevents.3.h"), []);
        var big = new Summary.Types.Value
        {
            Tag = "notes",
            Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text" } },
            Tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto(), StringVal = { ByteString.CopyFrom(new byte[5000]) } },
        };
        WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.4.h"), [EventBytes(300, big)]);
        WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.5.h"), Enumerable.Range(301, 300).Select(i => EventBytes(i, Simple("loss", i))));
        RunInfo run = new LogDirReader(dir.Path).GetRuns().Single();
        Assert.AreEqual(5, run.Files.Count);
        var expected = new LogDirReader(dir.Path, OneThread).ReadScalars().ToList();
        Assert.AreEqual(600, expected.Count);
        foreach (long size in SegmentSizes)
        {
            var reader = new LogDirReader(dir.Path, Segmented(size));
            CollectionAssert.AreEqual(expected, reader.ReadScalars().ToList(), $"{size} bytes");
            Assert.AreEqual(1, reader.SegmentedReads, $"{size} bytes");
            SegmentPrePass prePass = SegmentPrePass.Run(run, RunSegments.Plan(run, size)!, TfRecordReaderOptions.Default, 2)!;
            CollectionAssert.AreEqual(ExpectedSegments(Records(run), RunSegments.Plan(run, size)!), prePass.Segments, $"{size} bytes");
            Assert.AreEqual(new RunSegment(0, 0, 0), prePass.Segments[0], "the first segment starts at the run's start, in the empty file");
        }
    }

    [TestMethod]
    public void The_merge_takes_each_stretch_only_where_the_one_before_it_stopped()
    {
        // One file in stretches [0, 100), [100, 200), [200, end); observations made up to walk every rule.
        List<ByteSegment> stretches = [new(0, 0, 100), new(0, 100, 200), new(0, 200, null)];
        SegmentPrePass.Observation Found(long? start, long records, long? stoppedAt, long fileLength = 1000) => new([], null, start, records, stoppedAt, fileLength);
        bool Walk(params SegmentPrePass.Observation[] observations)
        {
            var merger = new SegmentPrePass.Merger(stretches);
            bool fits = true;
            for (int k = 0; k < observations.Length; k++)
            {
                fits &= merger.Add(k, observations[k]);
            }
            Assert.AreEqual(fits, merger.Result() is not null);
            return fits;
        }

        // Stretch 0 stops hopping at 110: stretch 1 must start there, not before (a false record) nor after (it missed one).
        Assert.IsTrue(Walk(Found(0, 3, 110), Found(110, 2, 230), Found(230, 1, null)));
        Assert.IsFalse(Walk(Found(0, 3, 110), Found(105, 2, 230), Found(230, 1, null)), "a false first record before the real one");
        Assert.IsFalse(Walk(Found(0, 3, 110), Found(130, 2, 230), Found(230, 1, null)), "a first record after the real one");
        Assert.IsFalse(Walk(Found(0, 3, 110), Found(110, 2, 230), Found(240, 1, null)), "the file's last stretch too");
        // Stretch 0 stops past stretch 1 (a long record): stretch 1 must find nothing, stretch 2 the record at 250.
        Assert.IsTrue(Walk(Found(0, 3, 250), Found(null, 0, null), Found(250, 4, null)));
        Assert.IsFalse(Walk(Found(0, 3, 250), Found(120, 1, 250), Found(250, 4, null)), "a record found inside the long one");
        // Nothing found where the next record should start: only when its 12 bytes are not all in the file (the
        // file ends there, or in a truncated record), not when they are there and failed their CRC.
        Assert.IsTrue(Walk(Found(0, 3, 110), Found(null, 0, null, fileLength: 121), Found(null, 0, null)));
        Assert.IsFalse(Walk(Found(0, 3, 110), Found(null, 0, null, fileLength: 122), Found(null, 0, null)), "12 bytes at 110 that are not a record");
        Assert.IsFalse(Walk(Found(0, 3, 110), Found(null, 0, null, fileLength: 121), Found(230, 1, null)), "a record after the file's records ended");
        // A stretch whose records ran out (a truncated record) ends its file's records too.
        Assert.IsTrue(Walk(Found(0, 3, 110), Found(110, 1, null), Found(null, 0, null)));
        Assert.IsFalse(Walk(Found(0, 3, 110), Found(110, 1, null), Found(230, 1, null)), "a record after a truncated one");

        // The segments: the run's start, then each stretch with records at its first one, ordinals counted on.
        var merger = new SegmentPrePass.Merger(stretches);
        Assert.IsTrue(merger.Add(2, Found(230, 5, null)));
        Assert.IsTrue(merger.Add(0, Found(0, 3, 110)));
        Assert.IsTrue(merger.Add(1, Found(110, 2, 230)));
        CollectionAssert.AreEqual(new[] { new RunSegment(0, 0, 0), new RunSegment(0, 110, 3), new RunSegment(0, 230, 5) }, merger.Result()!.Segments);
    }

    [TestMethod]
    public void Only_a_run_of_more_than_two_stretches_worth_of_bytes_is_split()
    {
        // Three small files are three stretches, but not worth a split; the bytes decide.
        using var dir = new TempDirectory();
        for (int f = 0; f < 3; f++)
        {
            WriteRecords(Path.Combine(dir.Path, $"events.out.tfevents.{f + 1}.h"), Enumerable.Range(f * 10, 10).Select(i => EventBytes(i, Simple("loss", i))));
        }
        long bytes = Directory.EnumerateFiles(dir.Path).Sum(f => new FileInfo(f).Length);
        var expected = new LogDirReader(dir.Path, OneThread).ReadScalars().ToList();
        Assert.HasCount(30, expected);
        foreach ((long size, int split) in new[] { (LogDirReaderOptions.Default.SegmentBytes, 0), (bytes / 2, 0), (bytes / 2 - 1, 1) })
        {
            var reader = new LogDirReader(dir.Path, Segmented(size));
            CollectionAssert.AreEqual(expected, reader.ReadScalars().ToList(), $"{size} bytes");
            Assert.AreEqual(split, reader.SegmentedReads, $"stretches of {size} bytes, {bytes} in all");
        }
    }

    [TestMethod]
    public void A_run_with_a_record_longer_than_the_pre_passs_limit_is_read_on_one_thread()
    {
        // The pre-pass reads records of up to 16 MiB (a stretch's first header may be a false one inside another
        // record's data, and hopping reads what it claims): a 17 MiB text value between scalars is read on one thread.
        using var dir = new TempDirectory();
        var big = new Summary.Types.Value
        {
            Tag = "notes",
            Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text" } },
            Tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto(), StringVal = { ByteString.CopyFrom(new byte[17 << 20]) } },
        };
        WriteRecords(Path.Combine(dir.Path, "events.out.tfevents.1.h"),
            Enumerable.Range(0, 400).Select(i => i == 200 ? EventBytes(i, big) : EventBytes(i, Simple("loss", i))));
        Assert.IsGreaterThan(SegmentPrePass.RecordLimit, new FileInfo(Directory.EnumerateFiles(dir.Path).Single()).Length);
        var expected = new LogDirReader(dir.Path, OneThread).ReadScalars().ToList();
        Assert.HasCount(399, expected);
        var reader = new LogDirReader(dir.Path, Segmented(4096));
        CollectionAssert.AreEqual(expected, reader.ReadScalars().ToList());
        Assert.AreEqual(0, reader.SegmentedReads);
        // Stretches of 5 MiB allow records of four stretches (20 MiB): then it is split.
        var larger = new LogDirReader(dir.Path, Segmented(5L << 20));
        CollectionAssert.AreEqual(expected, larger.ReadScalars().ToList());
        Assert.AreEqual(1, larger.SegmentedReads);
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
                CollectionAssert.AreEqual(expected, reader.ReadScalars(filter).ToList(), $"{size} bytes");
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
        // Each record (about 11 KB) starts in its own stretch of 4 KiB: 132 segments.
        var reader = new LogDirReader(dir.Path, Segmented(4096));
        var points = reader.ReadScalars().ToList();
        Assert.AreEqual(1, reader.SegmentedReads);
        Assert.AreEqual(132 * 1000, points.Count);
        CollectionAssert.AreEqual(new LogDirReader(dir.Path, OneThread).ReadScalars().ToList(), points);
    }

    [TestMethod]
    public void Segments_waiting_for_an_earlier_one_may_hold_only_so_many_tag_states()
    {
        TagState tag = new TagTable().Get("t"u8);
        // Each stretch a whole file of one record: they fit together whatever they hold.
        SegmentPrePass.Observation Holding(int states) => new([.. Enumerable.Repeat(tag, states)], null, Start: 0, Records: 1, StoppedAt: null, FileLength: 0);
        List<ByteSegment> Files(int count) => [.. Enumerable.Range(0, count).Select(f => new ByteSegment(f, 0, null))];

        var merger = new SegmentPrePass.Merger(Files(6));
        Assert.IsTrue(merger.Add(2, Holding(SegmentPrePass.MaxTagStates / 2)));
        Assert.IsTrue(merger.Add(1, Holding(SegmentPrePass.MaxTagStates / 2)));
        // Segment 0 arrives: all three merge, and nothing waits any more.
        Assert.IsTrue(merger.Add(0, Holding(SegmentPrePass.MaxTagStates)));
        Assert.IsTrue(merger.Add(4, Holding(SegmentPrePass.MaxTagStates)));
        Assert.IsNull(merger.Result(), "segments 3 and 5 are missing");
        // One more state waiting than allowed: the split fails for good, and the run is read on one thread.
        Assert.IsFalse(merger.Add(5, Holding(1)));
        Assert.IsTrue(merger.Failed);
        Assert.IsFalse(merger.Add(3, Holding(1)));
        Assert.IsNull(merger.Result());

        var complete = new SegmentPrePass.Merger(Files(2));
        Assert.IsTrue(complete.Add(1, Holding(3)));
        Assert.IsNull(complete.Result(), "segment 0 is missing");
        Assert.IsTrue(complete.Add(0, Holding(3)));
        Assert.AreEqual(2, complete.Result()!.Segments.Count);
        Assert.IsFalse(complete.Failed);
    }

    [TestMethod]
    public void A_segment_whose_damaged_bytes_skip_to_the_next_segment_stops_at_its_end()
    {
        // The pre-pass put a boundary at record 2; then record 1's length CRC got damaged (a file that changed).
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
        foreach (long size in new[] { 0, -1, long.MinValue })
        {
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => LogDirReaderOptions.Default with { SegmentBytes = size });
            Assert.AreEqual("SegmentBytes", error.ParamName);
            Assert.AreEqual(size, error.ActualValue);
        }
        Assert.AreEqual(1, (LogDirReaderOptions.Default with { SegmentBytes = 1 }).SegmentBytes);
        Assert.AreEqual(4L * 1024 * 1024, LogDirReaderOptions.Default.SegmentBytes);
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
        // Stretches of 16 bytes: two or three boundaries fall in each record (about 40 bytes), at its start for some.
        var cases = new List<(string Name, Func<int, byte[]>? Payload, Action<byte[], long>? Damage, bool Segmented)>
        {
            ("data CRC", null, (bytes, at) => bytes[at + TfRecordWriter.FramingOverhead + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)at)) - 1] ^= 0xFF, false),
            ("length CRC", null, (bytes, at) => bytes[at + 9] ^= 0x01, false),
            ("not an event", _ => [0xFF, 0xFF, 0xFF, 0xFF], null, false),
            // The parser rejects the whole event (its float is cut short), so the reads judge the record before taking
            // its value (RunRecords.IsSound): a record that does not decode, which sends the run to one thread.
            ("malformed value", MalformedValue, null, false),
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
            CollectionAssert.AreEqual(expected, reader.ReadScalars().ToList(), $"{size} bytes");
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
            var reader = new LogDirReader(dir.Path, options with { ReadProgress = new ProgressRecorder(values) });
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
}
