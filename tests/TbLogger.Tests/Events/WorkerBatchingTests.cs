using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Events;

/// <summary>
/// When the event file's worker takes queued items (issue 19): an item that is not a scalar at once; scalars in bulk,
/// when the wake threshold (half the queue here, at most 4,096) is reached, on a flush or at the flush tick, whether
/// the worker was asleep or had just finished a batch.
/// </summary>
[TestClass]
public sealed class WorkerBatchingTests
{
    // Threshold 32: half of the queue's 64 slots.
    private const int Capacity = 64;
    private const int Threshold = Capacity / 2;

    // Long enough for a worker that would take the items to have taken them many times over (it takes them within
    // microseconds of being able to); a correct worker has nothing that could wake it, so this only bounds the check.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static EventFileWriter NewWriter(GateStream stream) =>
        new(stream, "mem", new EventFileWriterOptions { MaxQueueEvents = Capacity, FlushInterval = Timeout.InfiniteTimeSpan });

    private static PendingEvent ScalarAt(long step) => PendingEvent.Scalar("s", step, step, 1, PendingKind.ScalarFloat32Tensor);

    private static bool WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            Thread.Sleep(1);
        }
        return true;
    }

    // The header record skipped; bytes captured when the writer disposed the stream, or copied while its worker is idle.
    private static List<Event> Events(byte[] bytes)
    {
        using var reader = new TfRecordReader(new MemoryStream(bytes));
        return reader.ReadRecords().Skip(1).Select(r => Event.Parser.ParseFrom(r.Span)).ToList();
    }

    [TestMethod]
    public void ScalarsBelowTheThresholdWaitUntilItIsReached()
    {
        var stream = new GateStream();
        var writer = NewWriter(stream);
        for (int step = 0; step < Threshold - 1; step++)
        {
            writer.Enqueue(ScalarAt(step));
        }
        Thread.Sleep(Quiet);
        Assert.AreEqual(0L, writer.BatchesTaken, "31 scalars woke the worker");

        writer.Enqueue(ScalarAt(Threshold - 1));
        Assert.IsTrue(WaitUntil(() => writer.BatchesTaken == 1), "the 32nd scalar did not wake the worker");
        writer.Dispose();
        CollectionAssert.AreEqual(Enumerable.Range(0, Threshold).Select(i => (long)i).ToArray(), Events(stream.Captured).Select(e => e.Step).ToArray());
    }

    [TestMethod]
    public void AWorkerThatJustFinishedABatchDoesNotTakeScalarsAsTheyArrive()
    {
        var stream = new GateStream();
        var writer = NewWriter(stream);
        using var building = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        writer.Enqueue(PendingEvent.Deferred(() =>
        {
            building.Set();
            release.Wait();
            return TbLogger.Summaries.Scalar("d", 0);
        }, step: 0, wallTime: 1));
        Assert.IsTrue(building.Wait(TimeSpan.FromSeconds(10)), "the deferred item was not taken at once");

        // Queued while the worker is busy with its batch: when it comes back for more, five scalars are waiting.
        for (int step = 1; step <= 5; step++)
        {
            writer.Enqueue(ScalarAt(step));
        }
        release.Set();
        Thread.Sleep(Quiet);
        Assert.AreEqual(1L, writer.BatchesTaken, "the worker took the five scalars without a flush, the threshold or an urgent item");

        // An item that is not a scalar takes them with it, without a flush.
        using var built = new ManualResetEventSlim();
        writer.Enqueue(PendingEvent.Deferred(() =>
        {
            built.Set();
            return TbLogger.Summaries.Scalar("d", 6);
        }, step: 6, wallTime: 1));
        Assert.IsTrue(built.Wait(TimeSpan.FromSeconds(10)), "the second deferred item waited");
        Assert.AreEqual(2L, writer.BatchesTaken);

        writer.Dispose();
        var events = Events(stream.Captured);
        CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3, 4, 5, 6 }, events.Select(e => e.Step).ToArray());
        CollectionAssert.AreEqual(new[] { "d", "s", "s", "s", "s", "s", "d" }, events.Select(e => e.Summary.Value[0].Tag).ToArray());
    }

    [TestMethod]
    public void AFlushTakesScalarsBelowTheThreshold()
    {
        var stream = new GateStream();
        var writer = NewWriter(stream);
        for (int step = 0; step < 3; step++)
        {
            writer.Enqueue(ScalarAt(step));
        }
        writer.Flush();
        Assert.AreEqual(1L, writer.BatchesTaken);
        // Nothing is queued after the flush, so the worker is idle and the stream still.
        CollectionAssert.AreEqual(new long[] { 0, 1, 2 }, Events(stream.ToArray()).Select(e => e.Step).ToArray(), "flushed before Dispose");
        writer.Dispose();
    }

    [TestMethod]
    public void TheFlushTickTakesScalarsBelowTheThreshold()
    {
        var stream = new GateStream();
        var writer = new EventFileWriter(stream, "mem", new EventFileWriterOptions { MaxQueueEvents = Capacity, FlushInterval = TimeSpan.FromMilliseconds(50) });
        writer.Enqueue(ScalarAt(0));
        Assert.IsTrue(WaitUntil(() => writer.BatchesTaken == 1), "the flush tick did not take the scalar");
        writer.Dispose();
        Assert.AreEqual(0L, Events(stream.Captured).Single().Step);
    }
}
