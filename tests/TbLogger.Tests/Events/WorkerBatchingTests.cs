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

    /// <summary>
    /// Queues a deferred item at step 0 whose build waits; once the worker is building it (busy with a batch), queues
    /// scalars at steps 1 to <paramref name="scalars"/> behind it and lets the build finish. The events are left to the
    /// collector: the worker may still be leaving Wait when the test ends.
    /// </summary>
    private static void QueueScalarsBehindABusyWorker(EventFileWriter writer, int scalars)
    {
        var building = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        writer.Enqueue(PendingEvent.Deferred(() =>
        {
            building.Set();
            release.Wait();
            return TbLogger.Summaries.Scalar("d", 0);
        }, step: 0, wallTime: 1));
        Assert.IsTrue(building.Wait(TimeSpan.FromSeconds(10)), "the deferred item was not taken at once");
        for (int step = 1; step <= scalars; step++)
        {
            writer.Enqueue(ScalarAt(step));
        }
        release.Set();
    }

    [TestMethod]
    public void EncodedRecordsAreTakenInBulkAndWrittenAsGiven()
    {
        var stream = new GateStream();
        var writer = NewWriter(stream);
        // Each carries the same plugin metadata: the worker leaves repeats out of events it encodes, not of these.
        var encoded = Enumerable.Range(0, Threshold).Select(step => new Event { Step = step, WallTime = 1, Summary = TbLogger.Summaries.Scalar("e", step) }).ToList();
        for (int step = 0; step < Threshold - 1; step++)
        {
            Assert.IsTrue(writer.WriteEncoded(Google.Protobuf.MessageExtensions.ToByteArray(encoded[step]), step, 1));
        }
        Thread.Sleep(Quiet);
        Assert.AreEqual(0L, writer.BatchesTaken, "31 encoded records woke the worker");

        writer.Enqueue(ScalarAt(Threshold - 1));
        Assert.IsTrue(WaitUntil(() => writer.BatchesTaken == 1), "the 32nd item did not wake the worker");
        Assert.IsTrue(writer.WriteEncoded(Google.Protobuf.MessageExtensions.ToByteArray(encoded[^1]), Threshold, 1));
        writer.Dispose();
        var written = Events(stream.Captured);
        CollectionAssert.AreEqual(encoded.Take(Threshold - 1).ToList(), written.Take(Threshold - 1).ToList());
        Assert.IsTrue(written.Take(Threshold - 1).All(e => e.Summary.Value[0].Metadata?.PluginData?.PluginName == "scalars"));
        Assert.AreEqual(Threshold - 1L, written[Threshold - 1].Step);
        Assert.AreEqual(encoded[^1], written[^1]);
        Assert.HasCount(Threshold + 1, written);
        Assert.AreEqual("record", Assert.ThrowsExactly<ArgumentNullException>(() => new EventFileWriter(new MemoryStream(), "m").WriteEncoded(null!, 0, 0)).ParamName);
    }

    // The threshold rule itself, on a worker that has just started (it may not have reached its first wait yet);
    // the test after it is the one where the worker is awake with scalars queued behind its batch.
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
        // Queued while the worker is busy with its batch: when it comes back for more, five scalars are waiting.
        QueueScalarsBehindABusyWorker(writer, scalars: 5);
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
    public async Task DisposeWritesTheScalarsAnAwakeWorkerHeld()
    {
        foreach (bool async in new[] { false, true })
        {
            var stream = new GateStream();
            var writer = NewWriter(stream);
            QueueScalarsBehindABusyWorker(writer, scalars: 3);
            if (async)
            {
                await writer.DisposeAsync();
            }
            else
            {
                writer.Dispose();
            }
            CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3 }, Events(stream.Captured).Select(e => e.Step).ToArray(), async ? "DisposeAsync" : "Dispose");
        }
    }

    /// <summary>
    /// Three producers queue scalars (each its own tag, rising steps) with an occasional finished event and Flush, on
    /// queues from one slot (threshold 1) to 10,000, blocking or dropping, with and without a flush tick; then a scalar,
    /// a Flush, a scalar and a dispose. Nothing hangs, every accepted event is in the file in each producer's order, and
    /// a blocking queue drops nothing.
    /// </summary>
    [TestMethod]
    [DataRow(1, QueueFullMode.Block, 0)]
    [DataRow(2, QueueFullMode.Block, 5)]
    [DataRow(5, QueueFullMode.Block, 0)]
    [DataRow(64, QueueFullMode.Block, 5)]
    [DataRow(10_000, QueueFullMode.Block, 0)]
    [DataRow(1, QueueFullMode.Drop, 5)]
    [DataRow(64, QueueFullMode.Drop, 0)]
    [DataRow(10_000, QueueFullMode.Drop, 5)]
    public void ProducersWithFlushesLoseNothingAndNeverWaitForever(int capacity, QueueFullMode mode, int tickMs)
    {
        const int Producers = 3;
        const int PerProducer = 2_000;
        for (int round = 0; round < 4; round++)
        {
            var stream = new GateStream();
            var writer = new EventFileWriter(stream, "mem", new EventFileWriterOptions
            {
                MaxQueueEvents = capacity,
                QueueFullMode = mode,
                FlushInterval = tickMs == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(tickMs),
            });
            long accepted = 0;
            var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
            {
                var random = new Random((round * Producers) + p);
                for (int i = 0; i < PerProducer; i++)
                {
                    bool ok = random.Next(400) == 0
                        ? writer.WriteEvent(new Event { Step = i, WallTime = 1, Summary = TbLogger.Summaries.Scalar($"e{p}", i) })
                        : writer.Enqueue(PendingEvent.Scalar($"p{p}", i, i, 1, PendingKind.ScalarFloat32Tensor));
                    if (ok)
                    {
                        Interlocked.Increment(ref accepted);
                    }
                    if (random.Next(1_500) == 0)
                    {
                        writer.Flush();
                    }
                }
            })).ToArray();
            Assert.IsTrue(Task.WaitAll(producers, TimeSpan.FromSeconds(30)), $"the producers hung ({capacity}, {mode}, round {round})");
            accepted += writer.Enqueue(ScalarAt(PerProducer)) ? 1 : 0;
            Assert.IsTrue(Task.Run(writer.Flush).Wait(TimeSpan.FromSeconds(30)), "Flush hung");
            accepted += writer.Enqueue(ScalarAt(PerProducer + 1)) ? 1 : 0;
            Assert.IsTrue(Task.Run(writer.Dispose).Wait(TimeSpan.FromSeconds(30)), "Dispose hung");

            var events = Events(stream.Captured);
            Assert.AreEqual(accepted, events.Count, "events accepted but not written");
            Assert.AreEqual((Producers * PerProducer) + 2, events.Count + writer.DroppedEvents);
            if (mode == QueueFullMode.Block)
            {
                Assert.AreEqual(0L, writer.DroppedEvents);
            }
            foreach (var tag in events.GroupBy(e => e.Summary.Value[0].Tag))
            {
                long[] steps = tag.Select(e => e.Step).ToArray();
                CollectionAssert.AreEqual(steps.Order().ToArray(), steps, $"tag {tag.Key} out of order");
            }
        }
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
