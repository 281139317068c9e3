using TbLogger.Events;
using TbLogger.Records;

namespace TbLogger.Tests.Records;

/// <summary>The record writer's gathering buffer grows for busy writers (issue 19): same bytes, fewer and larger writes.</summary>
[TestClass]
public sealed class TfRecordWriterBufferTests
{
    /// <summary>A memory stream that records the size of every write and can hold the writing thread at its writes while armed.</summary>
    private sealed class GatedStream : MemoryStream
    {
        private readonly ManualResetEventSlim _open = new(initialState: true);

        public List<int> Writes { get; } = [];

        /// <summary>The next write waits until <see cref="Release"/>.</summary>
        public void Arm() => _open.Reset();

        public void Release() => _open.Set();

        // MemoryStream's span overload calls the array overload in a derived class: record in that one only.
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            _open.Wait();
            lock (Writes)
            {
                Writes.Add(count);
            }
            base.Write(buffer, offset, count);
        }
    }

    private static byte[] Payload(int i) => Enumerable.Range(0, 20).Select(b => (byte)(i + b)).ToArray();

    [TestMethod]
    public void AGrownBufferKeepsWhatItHeldAndGathersTheRestIntoOneWrite()
    {
        var reference = new MemoryStream();
        var grown = new GatedStream();
        using (var small = new TfRecordWriter(reference, leaveOpen: true, bufferSize: 64))
        using (var writer = new TfRecordWriter(grown, leaveOpen: true, bufferSize: 64))
        {
            for (int i = 0; i < 100; i++)
            {
                small.Write(Payload(i));
                writer.Write(Payload(i));
                if (i == 0)
                {
                    // One 36-byte record is buffered: it must survive the resize.
                    writer.GrowBuffer(4096);
                }
            }
            writer.Flush();
            small.Flush();
        }
        CollectionAssert.AreEqual(reference.ToArray(), grown.ToArray());
        CollectionAssert.AreEqual(new[] { 100 * 36 }, grown.Writes);
    }

    [TestMethod]
    public void AGrowBufferNotAboveTheCurrentSizeChangesNothing()
    {
        var stream = new GatedStream();
        using (var writer = new TfRecordWriter(stream, leaveOpen: true, bufferSize: 128))
        {
            writer.GrowBuffer(64);
            for (int i = 0; i < 4; i++)
            {
                writer.Write(Payload(i));
            }
            writer.Flush();
        }
        // 128-byte buffer: three 36-byte records fit, the fourth sends them first.
        CollectionAssert.AreEqual(new[] { 3 * 36, 36 }, stream.Writes);
    }

    [TestMethod]
    public void ABusyEventFileWriterWritesInChunksLargerThanItsFirstBuffer()
    {
        const int Scalars = 8000;
        var stream = new GatedStream();
        long[] expectedSteps = Enumerable.Range(0, Scalars).Select(i => (long)i).ToArray();
        using (var writer = new EventFileWriter(stream, "busy", new EventFileWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan }))
        {
            // The worker's first write (its 64 KiB buffer full) is held until every scalar is queued (the queue
            // holds 8192), so some batch of the worker's holds >= 4096 items: either one taken before that write,
            // or the rest taken after it. Unless the buffer grows, no write can exceed 64 KiB.
            stream.Arm();
            for (int i = 0; i < Scalars; i++)
            {
                writer.Enqueue(PendingEvent.Scalar("loss", i, i, 1.5, PendingKind.ScalarFloat32Tensor));
            }
            stream.Release();
        }
        List<int> writes = stream.Writes;
        Assert.IsTrue(writes.Max() > 64 * 1024, string.Join(",", writes));
        var steps = new List<long>();
        foreach (ReadOnlyMemory<byte> record in new TfRecordReader(new MemoryStream(stream.ToArray())).ReadRecords().Skip(1))
        {
            steps.Add(TbLogger.Protos.Event.Parser.ParseFrom(record.Span).Step);
        }
        CollectionAssert.AreEqual(expectedSteps, steps);
    }
}
