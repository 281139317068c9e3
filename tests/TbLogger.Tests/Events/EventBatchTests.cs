using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Events;

/// <summary>
/// <see cref="EventFileReader.TryReadNext(out Event)"/> decodes records ahead in batches, on the caller's thread and
/// a helper's (<see cref="EventBatch"/>). What it returns, skips and throws, where it says it is, and what a view read
/// in between gets, must be what reading one record at a time gives: the protobuf parser's event for each record, in
/// file order. The helper may be late, descheduled or failing; the caller then builds its chunks itself.
/// </summary>
[TestClass]
public sealed class EventBatchTests
{
    /// <summary>Records that are not Events (CRCs fine), placed at the edges of chunks (32 records) and batches (8 to 512).</summary>
    private static readonly int[] NotEvents = [31, 32, 57, 64, 121, 500, 1_000, 1_017, 2_999];

    private const int RecordCount = 3_000;

    /// <summary>Records that are not Events are skipped (and counted), so a whole file reads in one loop.</summary>
    private static readonly TfRecordReaderOptions Skipping = TfRecordReaderOptions.Default with { SkipCorruptRecords = true };

    [TestMethod]
    public void Skipping_it_returns_the_parsers_events_in_order_with_the_position_and_the_reports_where_the_records_lie()
    {
        using var directory = new TempDirectory();
        var (path, records, offsets) = WriteMixedFile(directory);
        var read = new List<Event>();
        var reports = new List<(int EventsBefore, long Offset, TfRecordCorruption Corruption)>();
        var options = Skipping with { OnCorruptRecord = e => reports.Add((read.Count, e.Offset, e.Corruption)) };
        using (var reader = new EventFileReader(path, options))
        {
            int r = 0;
            while (reader.TryReadNext(out Event e))
            {
                while (NotEvents.Contains(r))
                {
                    r++;
                }
                Assert.AreEqual(Event.Parser.ParseFrom(records[r]), e, $"record {r}");
                // The next record starts here, even when it is one that will be skipped.
                Assert.AreEqual(offsets[r + 1], reader.Position, $"position after record {r}");
                read.Add(e);
                r++;
            }
            Assert.AreEqual(RecordCount - NotEvents.Length, read.Count);
            Assert.AreEqual(offsets[RecordCount], reader.Position);
            Assert.AreEqual(NotEvents.Length, reader.SkippedRecords);
            Assert.IsFalse(reader.IsTruncated);
        }
        var expected = NotEvents.Select((r, k) => (r - k, offsets[r], TfRecordCorruption.InvalidPayload)).ToList();
        CollectionAssert.AreEqual(expected, reports);
    }

    [TestMethod]
    public void Throwing_it_throws_at_each_record_that_is_not_an_event_after_every_event_before_it_and_then_goes_on()
    {
        using var directory = new TempDirectory();
        var (path, records, offsets) = WriteMixedFile(directory);
        using var reader = new EventFileReader(path);
        var read = new List<Event>();
        var thrown = new List<(int EventsBefore, long Offset, long PositionAfter)>();
        while (true)
        {
            try
            {
                if (!reader.TryReadNext(out Event e))
                {
                    break;
                }
                read.Add(e);
            }
            catch (TfRecordCorruptException error)
            {
                Assert.AreEqual(TfRecordCorruption.InvalidPayload, error.Corruption);
                Assert.AreEqual(path, error.SourceName);
                StringAssert.StartsWith(error.Message, $"Corrupt TFRecord in '{path}' at byte offset {error.Offset}: record does not decode (3 bytes are not an Event: ");
                thrown.Add((read.Count, error.Offset, reader.Position));
            }
        }
        var expected = NotEvents.Select((r, k) => (r - k, offsets[r], offsets[r + 1])).ToList();
        CollectionAssert.AreEqual(expected, thrown);
        CollectionAssert.AreEqual(ParsedEvents(records), read);
    }

    [TestMethod]
    public void Views_read_between_events_get_the_records_decoded_ahead_in_file_order()
    {
        using var directory = new TempDirectory();
        var (path, records, offsets) = WriteMixedFile(directory);
        using var reader = new EventFileReader(path, Skipping);
        var random = new Random(7);
        var valid = Enumerable.Range(0, RecordCount).Where(r => !NotEvents.Contains(r)).ToList();
        int views = 0;
        for (int k = 0; k < valid.Count; k++)
        {
            int r = valid[k];
            // Runs of each kind, long and short, so views start inside batches, inside chunks and at their edges.
            bool asView = random.Next(0, 10) < (k / 300 % 2 == 0 ? 2 : 8);
            if (asView)
            {
                Assert.IsTrue(reader.TryReadView(out EventView view), $"record {r}");
                Assert.AreEqual(offsets[r], view.Offset, $"record {r}");
                Assert.AreEqual(Event.Parser.ParseFrom(records[r]), view.ToEvent(), $"record {r}");
                views++;
            }
            else
            {
                Assert.IsTrue(reader.TryReadNext(out Event e), $"record {r}");
                Assert.AreEqual(Event.Parser.ParseFrom(records[r]), e, $"record {r}");
            }
        }
        Assert.IsFalse(reader.TryReadNext(out _));
        Assert.IsFalse(reader.TryReadView(out _));
        Assert.AreEqual(offsets[RecordCount], reader.Position);
        Assert.IsTrue(views > 500 && views < valid.Count - 500, $"{views} views");
    }

    [TestMethod]
    public void A_helper_that_holds_a_chunk_too_long_loses_it_and_the_caller_reads_on_alone()
    {
        RequireTwoCores();
        using var directory = new TempDirectory();
        var (path, records, _) = WriteMixedFile(directory);
        using var reader = new EventFileReader(path, Skipping);
        List<Event> read;
        using (var hold = new FirstClaimHold(reader))
        {
            // A helper descheduled with a chunk claimed: it resumes only after the caller has read the whole file.
            read = ReadHoldingFirstHelpedBatch(reader, hold.Held, views: false);
            // The file is 3 framing buffers long: had the reader refilled the held buffer in place, the helper would
            // now decode other bytes than it claimed (and cache a tag from bytes changing under it).
            CollectionAssert.AreEqual(hold.BytesAtClaim, hold.Buffer, "the buffer the helper decodes from changed under it");
            Assert.IsTrue(hold.Chunk >= 0, "the helper never claimed a chunk");
        }
        // At least that one: a helper descheduled (or compiling its first chunk) as long loses its chunk too.
        Assert.IsTrue(reader.Batch.TakenFromHelper >= 1, $"{reader.Batch.TakenFromHelper} chunks taken from the helper");
        CollectionAssert.AreEqual(ParsedEvents(records), read);
    }

    [TestMethod]
    public void Views_read_past_a_chunk_a_helper_holds_leave_its_buffer_as_it_was()
    {
        RequireTwoCores();
        using var directory = new TempDirectory();
        var (path, records, offsets) = WriteMixedFile(directory);
        using var reader = new EventFileReader(path, Skipping);
        using var hold = new FirstClaimHold(reader);
        // Events up to the first batch that asks for the helper, then views: the rest of that batch's records
        // (one of whose chunks the helper holds), then the framing reader's own reads.
        var viewed = ReadHoldingFirstHelpedBatch(reader, hold.Held, views: true);
        CollectionAssert.AreEqual(hold.BytesAtClaim, hold.Buffer, "the buffer the helper decodes from changed under it");
        CollectionAssert.AreEqual(ParsedEvents(records), viewed);
        Assert.AreEqual(offsets[RecordCount], reader.Position);
    }

    [TestMethod]
    public void Events_the_helper_builds_are_the_parsers_and_are_delivered_in_order()
    {
        RequireTwoCores();
        using var directory = new TempDirectory();
        var (path, records, _) = WriteMixedFile(directory);
        using var built = new ManualResetEventSlim();
        using var reader = new EventFileReader(path, Skipping);
        reader.Batch.HelperBuilt = _ => built.Set();
        // At the first batch that asks for the helper, the caller waits until the helper has built a chunk: the
        // caller builds only the chunk it delivers first, so the helper builds the others of that batch.
        var read = ReadHoldingFirstHelpedBatch(reader, built, views: false);
        Assert.IsTrue(reader.Batch.ChunksFromHelper >= 1, "no event came from the helper");
        CollectionAssert.AreEqual(ParsedEvents(records), read);
    }

    [TestMethod]
    public void A_helper_that_fails_leaves_its_chunk_to_the_caller_and_the_reader_goes_on()
    {
        RequireTwoCores();
        using var directory = new TempDirectory();
        var (path, records, _) = WriteMixedFile(directory);
        using var held = new ManualResetEventSlim();
        int failures = 0;
        using var reader = new EventFileReader(path, Skipping);
        reader.Batch.HelperClaimed = (c, _) =>
        {
            if (Interlocked.Increment(ref failures) == 1)
            {
                held.Set();
                throw new InvalidOperationException("a fault of the helper");
            }
        };
        var read = ReadHoldingFirstHelpedBatch(reader, held, views: false);
        // At least that one: a helper descheduled (or compiling its first chunk) as long loses its chunk too.
        Assert.IsTrue(reader.Batch.TakenFromHelper >= 1, $"{reader.Batch.TakenFromHelper} chunks taken from the helper");
        CollectionAssert.AreEqual(ParsedEvents(records), read);
    }

    [TestMethod]
    public void With_the_single_thread_switch_no_helper_is_asked_and_the_events_are_the_same()
    {
        RequireTwoCores();
        using var directory = new TempDirectory();
        var (path, records, _) = WriteMixedFile(directory);
        using var reader = new EventFileReader(path, Skipping);
        AppContext.SetSwitch(EventBatch.SingleThreadSwitch, true);
        try
        {
            // Read when the reader's batch is made; a reader made meanwhile by another test just reads on one thread.
            _ = reader.Batch;
        }
        finally
        {
            AppContext.SetSwitch(EventBatch.SingleThreadSwitch, false);
        }
        int claims = 0;
        reader.Batch.HelperClaimed = (_, _) => Interlocked.Increment(ref claims);
        var read = new List<Event>();
        bool asked = false;
        while (reader.TryReadNext(out Event e))
        {
            read.Add(e);
            asked |= reader.Batch.HelperAsked;
        }
        Assert.IsFalse(asked, "a batch asked for a helper");
        Assert.AreEqual(0, claims);
        CollectionAssert.AreEqual(ParsedEvents(records), read);
        Assert.AreEqual("TbLogger.EventFileReader.SingleThreaded", EventBatch.SingleThreadSwitch);
    }

    /// <summary>
    /// Reads every event; at the first batch that asked for a helper, waits (up to a minute) for
    /// <paramref name="signal"/> (the helper claimed or built a chunk) before reading on, and with
    /// <paramref name="views"/> reads the rest as views (each turned into its event).
    /// </summary>
    private static List<Event> ReadHoldingFirstHelpedBatch(EventFileReader reader, ManualResetEventSlim signal, bool views)
    {
        var read = new List<Event>();
        while (reader.TryReadNext(out Event e))
        {
            read.Add(e);
            if (reader.Batch.HelperAsked)
            {
                Assert.IsTrue(signal.Wait(TimeSpan.FromSeconds(60)), "the thread pool never ran the helper");
                break;
            }
        }
        if (views)
        {
            while (reader.TryReadView(out EventView view))
            {
                read.Add(view.ToEvent());
            }
        }
        while (reader.TryReadNext(out Event e))
        {
            read.Add(e);
        }
        return read;
    }

    /// <summary>
    /// Holds the helper's first claimed chunk until disposed, as a helper descheduled with a chunk claimed would be
    /// (up to a minute), and keeps a copy of the buffer it decodes from as it was at the claim.
    /// </summary>
    private sealed class FirstClaimHold : IDisposable
    {
        private readonly ManualResetEventSlim _released = new();
        private int _chunk = -1;

        public FirstClaimHold(EventFileReader reader) => reader.Batch.HelperClaimed = Claimed;

        /// <summary>Set once the helper holds its first claimed chunk.</summary>
        public ManualResetEventSlim Held { get; } = new();

        /// <summary>The chunk held; -1 before the first claim.</summary>
        public int Chunk => Volatile.Read(ref _chunk);

        /// <summary>The buffer the held chunk is decoded from, and its bytes at the claim.</summary>
        public byte[] Buffer { get; private set; } = [];

        public byte[] BytesAtClaim { get; private set; } = [];

        private void Claimed(int chunk, byte[] buffer)
        {
            if (Interlocked.CompareExchange(ref _chunk, chunk, -1) == -1)
            {
                (Buffer, BytesAtClaim) = (buffer, (byte[])buffer.Clone());
                Held.Set();
                _released.Wait(TimeSpan.FromSeconds(60));
            }
        }

        /// <summary>Lets the held helper go on.</summary>
        /// <remarks>
        /// The events are not disposed: the helper may still be returning from its wait, and an event that never gave
        /// out a wait handle holds nothing to release.
        /// </remarks>
        public void Dispose() => _released.Set();
    }

    private static void RequireTwoCores()
    {
        if (Environment.ProcessorCount < 2)
        {
            Assert.Inconclusive("Needs two cores: with one, EventFileReader asks no helper.");
        }
    }

    private static List<Event> ParsedEvents(byte[][] records) =>
        [.. Enumerable.Range(0, RecordCount).Where(r => !NotEvents.Contains(r)).Select(r => Event.Parser.ParseFrom(records[r]))];

    /// <summary>
    /// <see cref="RecordCount"/> records: the file version, scalars of each layout the reader builds directly (simple
    /// value, float and double tensors, with and without a shape), histogram-like tensors and text the parser builds,
    /// and, at <see cref="NotEvents"/>, records whose bytes are not an Event. Returns each record's offset, and the
    /// file's length after the last.
    /// </summary>
    private static (string Path, byte[][] Records, long[] Offsets) WriteMixedFile(TempDirectory directory)
    {
        var records = new byte[RecordCount][];
        for (int i = 0; i < RecordCount; i++)
        {
            if (NotEvents.Contains(i))
            {
                // Field 1 (wall_time) as length-delimited, claiming 5 bytes where 1 follows.
                records[i] = [0x0A, 0x05, (byte)i];
                continue;
            }
            var value = new Summary.Types.Value { Tag = $"tag/{i % 5}" };
            switch (i % 7)
            {
                case 0:
                    value.SimpleValue = i * 0.5f;
                    break;
                case 1:
                    value.Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { i * 0.25f } };
                    break;
                case 2:
                    value.Tensor = new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { i * 0.125 }, TensorShape = new TensorShapeProto() };
                    break;
                case 3:
                    value.Tensor = new TensorProto
                    {
                        Dtype = DataType.DtDouble,
                        TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 2 }, new TensorShapeProto.Types.Dim { Size = 3 } } },
                        DoubleVal = { 0, 1, i, 1, 2, i * 2 },
                    };
                    break;
                case 4:
                    value.Tensor = new TensorProto { Dtype = DataType.DtString, StringVal = { ByteString.CopyFromUtf8($"note {i}") } };
                    value.Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text" } };
                    break;
                default:
                    value.Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { -i }, TensorShape = new TensorShapeProto() };
                    break;
            }
            var e = i == 0 ? new Event { WallTime = 1, FileVersion = "brain.Event:2" }
                : new Event { WallTime = 1_700_000_000 + i * 0.001, Step = i, Summary = new Summary { Value = { value } } };
            records[i] = e.ToByteArray();
        }
        var offsets = new long[RecordCount + 1];
        var stream = new MemoryStream();
        using (var writer = new TfRecordWriter(stream, leaveOpen: true))
        {
            for (int i = 0; i < RecordCount; i++)
            {
                offsets[i] = stream.Length;
                writer.Write(records[i]);
                writer.Flush();
            }
        }
        offsets[RecordCount] = stream.Length;
        string path = directory.Combine("events.out.tfevents.1.host");
        File.WriteAllBytes(path, stream.ToArray());
        return (path, records, offsets);
    }
}
