using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Deferred;

/// <summary>
/// The queue's contract for deferred work (issue 19): built on the worker in call order, released exactly once on
/// every path, and a build that fails costs only its own value.
/// </summary>
[TestClass]
public sealed class DeferredWorkQueueTests
{
    /// <summary>Work that counts its builds and releases; builds a one-scalar summary or throws, after <paramref name="wait"/> is set.</summary>
    private sealed class CountingWork(string tag, float value, bool fail = false, ManualResetEventSlim? wait = null) : DeferredWork
    {
        public int Builds;
        public int Releases;
        public int ReleasesBeforeBuild = -1;

        public override Summary Build()
        {
            Assert.IsTrue(wait?.Wait(TimeSpan.FromSeconds(30)) ?? true);
            Builds++;
            if (fail)
            {
                throw new InvalidOperationException($"build of {tag} failed (test)");
            }
            return TbLogger.Summaries.Scalar(tag, value);
        }

        protected override void ReturnBuffers()
        {
            ReleasesBeforeBuild = Builds;
            Interlocked.Increment(ref Releases);
        }
    }

    private static List<Event> ReadAll(byte[] bytes)
    {
        using var reader = new TfRecordReader(new MemoryStream(bytes));
        return reader.ReadRecords().Select(r => Event.Parser.ParseFrom(r.Span)).Skip(1).ToList();
    }

    private static Event Scalar(string tag, long step) => new() { Step = step, WallTime = 1, Summary = TbLogger.Summaries.Scalar(tag, step) };

    [TestMethod]
    public void WorkIsBuiltOnTheWorkerInCallOrderAndReleasedOnceAfterItsBuild()
    {
        var stream = new MemoryStream();
        var works = Enumerable.Range(0, 5).Select(i => new CountingWork($"w{i}", i)).ToArray();
        var writer = new EventFileWriter(stream, "mem");
        int caller = Environment.CurrentManagedThreadId;
        for (int i = 0; i < works.Length; i++)
        {
            writer.WriteEvent(Scalar($"s{i}", i));
            Assert.IsTrue(writer.EnqueueWork(works[i], step: 100 + i, wallTime: 2));
        }
        writer.Dispose();
        var events = ReadAll(stream.ToArray());
        CollectionAssert.AreEqual(
            new[] { "s0", "w0", "s1", "w1", "s2", "w2", "s3", "w3", "s4", "w4" },
            events.Select(e => e.Summary.Value[0].Tag).ToArray());
        CollectionAssert.AreEqual(new long[] { 100, 101, 102, 103, 104 }, events.Where(e => e.Summary.Value[0].Tag[0] == 'w').Select(e => e.Step).ToArray());
        Assert.IsTrue(events.Where(e => e.Summary.Value[0].Tag[0] == 'w').All(e => e.WallTime == 2));
        foreach (var work in works)
        {
            Assert.AreEqual((1, 1, 1), (work.Builds, work.Releases, work.ReleasesBeforeBuild));
        }
    }

    [TestMethod]
    public void AFailedBuildSkipsOnlyItsValueAndSurfacesOnceOnTheNextCall()
    {
        var stream = new MemoryStream();
        var writer = new EventFileWriter(stream, "mem");
        using var open = new ManualResetEventSlim(false);
        var good = new CountingWork("good", 1);
        var bad = new CountingWork("bad", 2, fail: true);
        writer.WriteEvent(Scalar("before", 1));
        writer.EnqueueWork(new CountingWork("blocker", 0, wait: open), 1, 1); // holds the worker until all is queued
        writer.EnqueueWork(bad, 2, 1);
        writer.EnqueueWork(good, 3, 1);
        writer.WriteEvent(Scalar("queued", 4));
        open.Set();
        var error = Assert.ThrowsExactly<EventFileWriteException>(writer.Flush); // the flush itself completed
        Assert.IsInstanceOfType<InvalidOperationException>(error.InnerException);
        StringAssert.Contains(error.Message, "build of bad failed (test)");
        StringAssert.Contains(error.Message, "That value was not written; every other event is");
        // Reported once: the writer goes on.
        Assert.IsTrue(writer.WriteEvent(Scalar("after", 5)));
        writer.Flush();
        writer.Dispose();
        CollectionAssert.AreEqual(new[] { "before", "blocker", "good", "queued", "after" }, ReadAll(stream.ToArray()).Select(e => e.Summary.Value[0].Tag).ToArray());
        Assert.AreEqual((1, 1), (bad.Builds, bad.Releases));
        Assert.AreEqual((1, 1), (good.Builds, good.Releases));
    }

    [TestMethod]
    public void AFailedBuildIsReportedByTheNextEnqueueWhichQueuesNothingOrByDispose()
    {
        var stream = new MemoryStream();
        var writer = new EventFileWriter(stream, "mem");
        var bad = new CountingWork("bad", 1, fail: true);
        writer.EnqueueWork(bad, 1, 1);
        SpinWait.SpinUntil(() => bad.Releases == 1, TimeSpan.FromSeconds(30));
        var next = new CountingWork("next", 2);
        var reported = Assert.ThrowsExactly<EventFileWriteException>(() => writer.EnqueueWork(next, 2, 1));
        StringAssert.Contains(reported.Message, "build of bad failed (test) That value was not written, and the event this call was queuing was not queued; every other event is written");
        Assert.AreEqual((0, 1), (next.Builds, next.Releases), "refused work is released by the queue");
        using var open = new ManualResetEventSlim(false);
        writer.EnqueueWork(new CountingWork("blocker", 0, wait: open), 3, 1);
        writer.EnqueueWork(new CountingWork("bad2", 3, fail: true), 3, 1);
        writer.EnqueueWork(new CountingWork("bad3", 4, fail: true), 4, 1);
        open.Set();
        var atDispose = Assert.ThrowsExactly<EventFileWriteException>(writer.Dispose);
        StringAssert.Contains(atDispose.Message, "2 values were not written");
        Assert.AreEqual("blocker", ReadAll(stream.ToArray()).Single().Summary.Value[0].Tag);
    }

    /// <summary>A step gate that admits everything with a notice, and whose handler throws (a user's StepViolationHandler that throws).</summary>
    private sealed class ThrowingNoticeGate : EnqueueGate
    {
        public override object? Admit(string key, long step) => $"{key}@{step}";

        public override void Notify(object notice) => throw new InvalidOperationException($"handler failed on {notice}");
    }

    [TestMethod]
    public void QueuedWorkWhoseNoticeHandlerThrowsIsStillBuiltAndReleasedOnlyAfterItsBuild()
    {
        // The work is queued before the gate's notice is handed on; a handler that throws used to make the queue
        // release the work's buffers as if it had not been queued, while the worker was about to build from them.
        var stream = new MemoryStream();
        var writer = new EventFileWriter(stream, "mem");
        using var open = new ManualResetEventSlim(false);
        writer.EnqueueWork(new CountingWork("blocker", 0, wait: open), 1, 1); // holds the worker until the handler threw
        var work = new CountingWork("noticed", 2);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => writer.EnqueueWork(work, 5, 1, new ThrowingNoticeGate(), "noticed"));
        Assert.AreEqual("handler failed on noticed@5", error.Message);
        Assert.AreEqual((0, 0), (work.Builds, work.Releases), "queued: neither built nor released yet");
        open.Set();
        writer.Flush(); // nothing failed to build
        writer.Dispose();
        Assert.AreEqual((1, 1, 1), (work.Builds, work.Releases, work.ReleasesBeforeBuild));
        CollectionAssert.AreEqual(new[] { ("blocker", 1L), ("noticed", 5L) }, ReadAll(stream.ToArray()).Select(e => (e.Summary.Value[0].Tag, e.Step)).ToArray());
    }

    [TestMethod]
    public void WorkThatIsNeverQueuedIsReleasedOnce()
    {
        // Dropped from a full queue.
        var gate = new GateStream();
        var writer = new EventFileWriter(gate, "gate", new EventFileWriterOptions { MaxQueueEvents = 2, QueueFullMode = QueueFullMode.Drop });
        gate.Close_();
        writer.WriteEvent(Scalar("first", 0));
        var flushing = Task.Run(writer.Flush);
        Assert.IsTrue(gate.Blocked.Wait(TimeSpan.FromSeconds(30)));
        var kept = new[] { new CountingWork("k0", 0), new CountingWork("k1", 1) };
        var dropped = new CountingWork("dropped", 2);
        Assert.IsTrue(writer.EnqueueWork(kept[0], 1, 1));
        Assert.IsTrue(writer.EnqueueWork(kept[1], 2, 1));
        Assert.IsFalse(writer.EnqueueWork(dropped, 3, 1));
        Assert.AreEqual((0, 1), (dropped.Builds, dropped.Releases));
        gate.Open();
        flushing.Wait();
        writer.Dispose();
        Assert.IsTrue(kept.All(k => k.Builds == 1 && k.Releases == 1));

        // Queued on a disposed writer.
        var late = new CountingWork("late", 1);
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.EnqueueWork(late, 1, 1));
        Assert.AreEqual((0, 1), (late.Builds, late.Releases));
    }

    [TestMethod]
    public void AfterAnIoFaultQueuedWorkIsReleasedUnbuiltAndNewWorkIsRefused()
    {
        var failing = new FailingStream(allowedWrites: 1); // the header only
        var writer = new EventFileWriter(failing, "failing", new EventFileWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
        var works = Enumerable.Range(0, 50).Select(i => new CountingWork($"w{i}", i)).ToArray();
        foreach (var work in works)
        {
            writer.EnqueueWork(work, 1, 1);
        }
        Assert.ThrowsExactly<EventFileWriteException>(writer.Flush);
        Assert.IsTrue(works.All(w => w.Releases == 1), "every queued work is released once, built or not");
        var refused = new CountingWork("refused", 1);
        Assert.ThrowsExactly<EventFileWriteException>(() => writer.EnqueueWork(refused, 1, 1));
        Assert.AreEqual(1, refused.Releases);
        writer.Dispose(); // the fault was reported already
    }
}
