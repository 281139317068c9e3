using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Hostile;

/// <summary>
/// A record whose framing verifies but whose event header does not decode is skipped AND counted and reported with
/// file and offset, by the batch reads and by the live follower alike (issue 18, item 4); strict mode throws it.
/// </summary>
[TestClass]
public sealed class UndecodableEventTests
{
    // Field 2 (step), varint, with no varint after it: no event header decodes from this.
    private static readonly byte[] NotAnEvent = [0x10];

    internal const string Truncated = "While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could mean either that the input has been truncated or that an embedded message misreported its own length.";

    private static Event Scalar(long step, float value) =>
        new() { Step = step, WallTime = 1_700_000_000 + step, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "loss", SimpleValue = value } } } };

    /// <summary>Writes good step 1, the undecodable record, good step 3; returns the undecodable record's offset.</summary>
    private static long WriteRun(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var stream = File.Create(file);
        using var writer = new TfRecordWriter(stream);
        byte[] first = Scalar(1, 0.5f).ToByteArray();
        writer.Write(first);
        writer.Write(NotAnEvent);
        writer.Write(Scalar(3, 0.25f).ToByteArray());
        return first.Length + TfRecordWriter.FramingOverhead;
    }

    private static LogDirReader Reader(string dir, List<TfRecordCorruptException> reported, bool skip = true) =>
        new(dir, new LogDirReaderOptions { PollInterval = TimeSpan.FromMilliseconds(10), RecordOptions = new() { SkipCorruptRecords = skip, OnCorruptRecord = reported.Add } });

    private static void AssertReported(TfRecordCorruptException ex, string file, long offset)
    {
        Assert.AreEqual(file, ex.SourceName);
        Assert.AreEqual(offset, ex.Offset);
        Assert.AreEqual(TfRecordCorruption.InvalidPayload, ex.Corruption);
        // The protobuf parser's own words, as EventFileReader and tblog verify report the record.
        Assert.AreEqual($"Corrupt TFRecord in '{file}' at byte offset {offset}: record does not decode (1 bytes are not an Event: {Truncated}).", ex.Message);
    }

    [TestMethod]
    public void Batch_reads_count_and_report_an_event_whose_header_does_not_decode()
    {
        using var dir = new TempDirectory();
        string file = dir.Combine("run", "events.out.tfevents.1.host");
        long offset = WriteRun(file);
        var reported = new List<TfRecordCorruptException>();
        var reader = Reader(dir.Path, reported);

        CollectionAssert.AreEqual(new long[] { 1, 3 }, reader.ReadScalars().Select(p => p.Step).ToList());
        Assert.AreEqual(1L, reader.MalformedValues);
        Assert.HasCount(1, reported);
        AssertReported(reported[0], file, offset);

        // ReadEvents (its purge pre-pass reads the same records, silently) counts it once more: once per read.
        Assert.HasCount(2, reader.ReadEvents(reader.GetRuns().Single()).ToList());
        Assert.AreEqual(2L, reader.MalformedValues);
        Assert.HasCount(2, reported);

        var strict = Reader(dir.Path, [], skip: false);
        var thrown = Assert.ThrowsExactly<TfRecordCorruptException>(() => strict.ReadScalars().ToList());
        AssertReported(thrown, file, offset);
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task The_scalar_follower_counts_and_reports_what_it_skips()
    {
        using var dir = new TempDirectory();
        string file = dir.Combine("run", "events.out.tfevents.1.host");
        long offset = WriteRun(file);
        var reported = new List<TfRecordCorruptException>();
        var reader = Reader(dir.Path, reported);

        var steps = new List<long>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var point in reader.WatchScalarsAsync(fromStart: true, cancellationToken: stop.Token))
        {
            steps.Add(point.Step);
            if (steps.Count == 2)
            {
                break;
            }
        }

        CollectionAssert.AreEqual(new long[] { 1, 3 }, steps);
        Assert.AreEqual(1L, reader.MalformedValues);
        Assert.HasCount(1, reported);
        AssertReported(reported[0], file, offset);

        var strict = Reader(dir.Path, [], skip: false);
        var thrown = await Assert.ThrowsExactlyAsync<TfRecordCorruptException>(async () =>
        {
            await foreach (var _ in strict.WatchScalarsAsync(fromStart: true, cancellationToken: stop.Token))
            {
            }
        });
        AssertReported(thrown, file, offset);
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task What_was_there_before_watching_started_is_passed_over_silently()
    {
        using var dir = new TempDirectory();
        string file = dir.Combine("run", "events.out.tfevents.1.host");
        WriteRun(file);
        var reported = new List<TfRecordCorruptException>();
        var reader = Reader(dir.Path, reported);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var points = new List<ScalarPoint>();
        await foreach (var point in reader.WatchScalarsAsync(cancellationToken: stop.Token))
        {
            points.Add(point);
        }

        Assert.IsEmpty(points);
        Assert.AreEqual(0L, reader.MalformedValues);
        Assert.IsEmpty(reported);
    }
}
