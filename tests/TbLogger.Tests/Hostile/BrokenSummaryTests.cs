using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Hostile;

/// <summary>
/// A record whose event header decodes but whose summary does not (a value with a field of wire type 7, the summary's
/// bytes after a good value cut off): the protobuf parser rejects the event, and TensorBoard's loaders skip it whole,
/// so the typed reads skip it whole too and count and report it as a record whose event does not decode (strict mode
/// throws it). They used to pass over the damaged value silently and read the values before it. A value the parser
/// accepts but the wire walks do not read (one holding an unknown group) is read as the parser reads it.
/// </summary>
[TestClass]
public sealed class BrokenSummaryTests
{
    private static byte[] Scalar(long step, string tag, float value) =>
        new Event { Step = step, WallTime = 1_700_000_000 + step, Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, SimpleValue = value } } } }.ToByteArray();

    /// <summary>An event at <paramref name="step"/> whose summary (field 5) holds exactly <paramref name="summary"/>.</summary>
    private static byte[] EventWithSummary(long step, byte[] summary)
    {
        var head = new Event { Step = step, WallTime = 1_700_000_000 + step }.ToByteArray();
        return [.. head, 0x2A, (byte)summary.Length, .. summary];
    }

    /// <summary>A Summary.Value (as the summary's field 1) of tag <paramref name="tag"/> and simple_value 1, then <paramref name="extra"/> inside the value.</summary>
    private static byte[] ValueField(string tag, params byte[] extra)
    {
        byte[] value = [.. new Summary.Types.Value { Tag = tag, SimpleValue = 1 }.ToByteArray(), .. extra];
        return [0x0A, (byte)value.Length, .. value];
    }

    private sealed record Layout(string File, long BadValueAt, long BadFramingAt);

    /// <summary>Writes <paramref name="records"/> as the event file run/events.out.tfevents.1.host of <paramref name="dir"/>; returns the file and each record's offset.</summary>
    private static (string File, long[] Offsets) WriteRecords(string dir, params byte[][] records)
    {
        string file = Path.Combine(dir, "run", "events.out.tfevents.1.host");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var offsets = new long[records.Length];
        using var stream = File.Create(file);
        using var writer = new TfRecordWriter(stream);
        for (int i = 0; i < records.Length; i++)
        {
            offsets[i] = writer.BytesWritten;
            writer.Write(records[i]);
        }
        return (file, offsets);
    }

    /// <summary>
    /// Steps 1 (good), 2 (a value holding a field of wire type 7), 3 (good), 4 (a good value, then summary bytes that
    /// are not a field), 5 (a value holding an unknown group: the parser accepts it), 6 (good).
    /// </summary>
    private static Layout WriteRun(string dir)
    {
        byte[][] records =
        [
            Scalar(1, "loss", 1),
            EventWithSummary(2, ValueField("bad", 0x0F)),
            Scalar(3, "loss", 3),
            EventWithSummary(4, [.. ValueField("cut"), 0x0F]),
            EventWithSummary(5, ValueField("group", 0x7B, 0x08, 0x01, 0x7C)),
            Scalar(6, "loss", 6),
        ];
        Assert.IsNotNull(Event.Parser.ParseFrom(records[4]), "the group value is an Event to the parser");
        Assert.ThrowsExactly<InvalidProtocolBufferException>(() => Event.Parser.ParseFrom(records[1]));
        Assert.ThrowsExactly<InvalidProtocolBufferException>(() => Event.Parser.ParseFrom(records[3]));
        var (file, offsets) = WriteRecords(dir, records);
        return new Layout(file, offsets[1], offsets[3]);
    }

    /// <summary>A reader; with several threads one run is read in stretches of 64 bytes (the segmented read), at once.</summary>
    private static LogDirReader Reader(string dir, List<TfRecordCorruptException> reported, bool skip = true, int threads = 1) =>
        new(dir, new LogDirReaderOptions
        {
            MaxDegreeOfParallelism = threads,
            SegmentBytes = threads > 1 ? 64 : LogDirReaderOptions.Default.SegmentBytes,
            SplitAfterScalars = threads > 1 ? 0 : LogDirReaderOptions.Default.SplitAfterScalars,
            PollInterval = TimeSpan.FromMilliseconds(10),
            RecordOptions = new() { SkipCorruptRecords = skip, OnCorruptRecord = reported.Add },
        });

    private static void AssertReported(IReadOnlyList<TfRecordCorruptException> reported, Layout layout)
    {
        Assert.HasCount(2, reported, string.Join("\n", reported.Select(r => r.Message)));
        CollectionAssert.AreEqual(new[] { layout.BadValueAt, layout.BadFramingAt }, reported.Select(r => r.Offset).ToArray());
        foreach (var report in reported)
        {
            Assert.AreEqual(layout.File, report.SourceName);
            Assert.AreEqual(TfRecordCorruption.InvalidPayload, report.Corruption);
            StringAssert.StartsWith(report.Message, $"Corrupt TFRecord in '{layout.File}' at byte offset {report.Offset}: record does not decode (");
            StringAssert.Contains(report.Message, " bytes are not an Event: ");
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void ReadScalars_counts_and_reports_a_summary_that_does_not_decode(int threads)
    {
        using var dir = new TempDirectory();
        var layout = WriteRun(dir.Path);
        var reported = new List<TfRecordCorruptException>();
        var reader = Reader(dir.Path, reported, threads: threads);
        // None of step 4's values, though the first is whole: TensorBoard drops the whole event too.
        CollectionAssert.AreEqual(new[] { "loss@1", "loss@3", "group@5", "loss@6" }, reader.ReadScalars().Select(p => $"{p.Tag}@{p.Step}").ToArray());
        Assert.AreEqual(0, reader.SegmentedReads, "a run with an event that does not decode is read on one thread (ScalarRuns.OneRun)");
        Assert.AreEqual(2L, reader.MalformedValues);
        AssertReported(reported, layout);

        var strict = Reader(dir.Path, [], skip: false, threads: threads);
        var thrown = Assert.ThrowsExactly<TfRecordCorruptException>(() => strict.ReadScalars().ToList());
        Assert.AreEqual(layout.BadValueAt, thrown.Offset);
    }

    [TestMethod]
    public void The_value_reads_count_and_report_it_too()
    {
        using var dir = new TempDirectory();
        var layout = WriteRun(dir.Path);
        var reported = new List<TfRecordCorruptException>();
        var reader = Reader(dir.Path, reported);
        var values = reader.Values(ReadFilter.All, kind: null).Select(v => $"{v.Tag}@{v.Step}").ToArray();
        CollectionAssert.AreEqual(new[] { "loss@1", "loss@3", "group@5", "loss@6" }, values);
        Assert.AreEqual(2L, reader.MalformedValues);
        AssertReported(reported, layout);

        var strict = Reader(dir.Path, [], skip: false);
        Assert.AreEqual(layout.BadValueAt, Assert.ThrowsExactly<TfRecordCorruptException>(() => strict.Values(ReadFilter.All, kind: null).ToList()).Offset);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void Damage_nested_in_a_value_rejects_the_whole_event_which_then_evicts_nothing(int threads)
    {
        // x@10; then one event of x@5 and a value whose metadata holds bytes that are not fields (the parser rejects
        // the event: TensorBoard skips it whole, so x@5 does not evict x@10); then y@11.
        using var dir = new TempDirectory();
        byte[] metadataValue = new Summary.Types.Value { Tag = "m", SimpleValue = 1 }.ToByteArray();
        metadataValue = [.. metadataValue, 0x4A, 0x02, 0xFF, 0xFF];
        byte[] summary = [.. new Summary { Value = { new Summary.Types.Value { Tag = "x", SimpleValue = 5 } } }.ToByteArray(), 0x0A, (byte)metadataValue.Length, .. metadataValue];
        byte[] rejected = EventWithSummary(5, summary);
        Assert.ThrowsExactly<InvalidProtocolBufferException>(() => Event.Parser.ParseFrom(rejected));
        long rejectedAt = WriteRecords(dir.Path, Scalar(10, "x", 10), rejected, Scalar(11, "y", 11)).Offsets[1];
        var reported = new List<TfRecordCorruptException>();
        var reader = Reader(dir.Path, reported, threads: threads);
        CollectionAssert.AreEqual(new[] { "x@10=10", "y@11=11" }, reader.ReadScalars().Select(p => $"{p.Tag}@{p.Step}={p.Value}").ToArray());
        Assert.AreEqual(rejectedAt, reported.Single().Offset);
        reported.Clear();
        CollectionAssert.AreEqual(new[] { "x@10", "y@11" }, reader.Values(ReadFilter.All, kind: null).Select(v => $"{v.Tag}@{v.Step}").ToArray());
        Assert.AreEqual(rejectedAt, reported.Single().Offset);
        Assert.AreEqual(rejectedAt, Assert.ThrowsExactly<TfRecordCorruptException>(() => Reader(dir.Path, [], skip: false, threads: threads).ReadScalars().ToList()).Offset);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void Damage_outside_the_summary_or_inside_a_scalar_tensor_rejects_the_whole_event_too(int threads)
    {
        // Two events at step 2 the parser rejects though their summary is one plain-looking scalar value: one with a
        // source_metadata whose writer is the byte FF (not UTF-8), one whose tensor's shape names a dimension FF.
        // Neither may evict the real points at steps 2 and 3.
        using var dir = new TempDirectory();
        byte[] badSource = [.. Scalar(2, "loss", 99), 0x52, 0x03, 0x0A, 0x01, 0xFF];
        byte[] tensor = [0x08, 0x01, 0x12, 0x05, 0x12, 0x03, 0x12, 0x01, 0xFF, 0x2A, 0x04, .. BitConverter.GetBytes(99f)];
        byte[] badTensor = EventWithSummary(2, [0x0A, (byte)(8 + tensor.Length), .. Field(1, "loss"u8.ToArray()), 0x42, (byte)tensor.Length, .. tensor]);
        Assert.ThrowsExactly<InvalidProtocolBufferException>(() => Event.Parser.ParseFrom(badSource));
        Assert.ThrowsExactly<InvalidProtocolBufferException>(() => Event.Parser.ParseFrom(badTensor));
        long[] offsets = WriteRecords(dir.Path, Scalar(1, "loss", 1), Scalar(2, "loss", 2), Scalar(3, "loss", 3), badSource, badTensor, Scalar(4, "loss", 4)).Offsets;
        var reported = new List<TfRecordCorruptException>();
        var reader = Reader(dir.Path, reported, threads: threads);
        var expected = new[] { "loss@1=1", "loss@2=2", "loss@3=3", "loss@4=4" };
        CollectionAssert.AreEqual(expected, reader.ReadScalars().Select(p => $"{p.Tag}@{p.Step}={p.Value}").ToArray());
        CollectionAssert.AreEqual(new[] { offsets[3], offsets[4] }, reported.Select(r => r.Offset).ToArray());
        reported.Clear();
        CollectionAssert.AreEqual(expected, reader.Values(ReadFilter.All, kind: null).Select(v => reader.Scalar(v, out double value) ? $"{v.Tag}@{v.Step}={value}" : "?").ToArray());
        CollectionAssert.AreEqual(new[] { offsets[3], offsets[4] }, reported.Select(r => r.Offset).ToArray());
        Assert.AreEqual(offsets[3], Assert.ThrowsExactly<TfRecordCorruptException>(() => Reader(dir.Path, [], skip: false, threads: threads).ReadScalars().ToList()).Offset);
    }

    /// <summary>A length-delimited field: key, one-byte length, bytes.</summary>
    private static byte[] Field(int number, byte[] bytes) => [(byte)((number << 3) | 2), (byte)bytes.Length, .. bytes];

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void Two_summaries_in_one_event_are_read_as_the_parser_merges_them(int threads)
    {
        // Event.summary given twice: protobuf (and so TensorBoard) merges them, one summary of both's values. The
        // reads kept only the last one's.
        using var dir = new TempDirectory();
        byte[] first = new Summary { Value = { new Summary.Types.Value { Tag = "x", SimpleValue = 1 } } }.ToByteArray();
        byte[] second = new Summary { Value = { new Summary.Types.Value { Tag = "z", SimpleValue = 2 } } }.ToByteArray();
        byte[] twice = [.. EventWithSummary(5, first), 0x2A, (byte)second.Length, .. second];
        var parsed = Event.Parser.ParseFrom(twice);
        CollectionAssert.AreEqual(new[] { "x", "z" }, parsed.Summary.Value.Select(v => v.Tag).ToArray());
        string file = WriteRecords(dir.Path, Scalar(4, "x", 0), twice, Scalar(6, "z", 3)).File;
        var reported = new List<TfRecordCorruptException>();
        var reader = Reader(dir.Path, reported, threads: threads);
        var expected = new[] { "x@4=0", "x@5=1", "z@5=2", "z@6=3" };
        CollectionAssert.AreEqual(expected, reader.ReadScalars().Select(p => $"{p.Tag}@{p.Step}={p.Value}").ToArray());
        Assert.AreEqual(threads > 1 ? 1 : 0, reader.SegmentedReads, "two threads read the run in stretches");
        CollectionAssert.AreEqual(expected, reader.Values(ReadFilter.All, kind: null).Select(v => reader.Scalar(v, out double value) ? $"{v.Tag}@{v.Step}={value}" : "?").ToArray());
        CollectionAssert.AreEqual(expected, TbLogger.Events.EventFileReader.Read(file).Where(e => e.Summary is not null)
            .SelectMany(e => e.Summary.Value.Select(v => $"{v.Tag}@{e.Step}={v.SimpleValue}")).ToArray());
        Assert.IsEmpty(reported);
        Assert.AreEqual(0L, reader.MalformedValues);
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task The_scalar_follower_counts_and_reports_it_too()
    {
        using var dir = new TempDirectory();
        var layout = WriteRun(dir.Path);
        var reported = new List<TfRecordCorruptException>();
        var reader = Reader(dir.Path, reported);
        var points = new List<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var point in reader.WatchScalarsAsync(fromStart: true, cancellationToken: stop.Token))
        {
            points.Add($"{point.Tag}@{point.Step}");
            if (point.Step == 6)
            {
                break;
            }
        }
        CollectionAssert.AreEqual(new[] { "loss@1", "loss@3", "group@5", "loss@6" }, points);
        Assert.AreEqual(2L, reader.MalformedValues);
        AssertReported(reported, layout);
    }
}
