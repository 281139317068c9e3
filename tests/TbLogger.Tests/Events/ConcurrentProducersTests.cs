using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Events;

/// <summary>
/// Several threads logging to one writer through the event file queue's spin lock: nothing is lost or reordered
/// within a thread, a producer that finds the queue full sleeps and wakes, and Flush from another thread still
/// covers what was accepted before it.
/// </summary>
[TestClass]
public sealed class ConcurrentProducersTests
{
    [TestMethod]
    public void EveryThreadsScalarsArriveOnceInOrderWithExactValuesWhileTheQueueIsFull()
    {
        const int threads = 6;
        const int perThread = 20_000;
        using var dir = new TempDirectory();
        string path;
        // A queue of 64 makes producers wait for room again and again; a seventh thread flushes meanwhile.
        using (var writer = new SummaryWriter(dir.Combine("run"), new SummaryWriterOptions { MaxQueueEvents = 64, FlushInterval = TimeSpan.FromMilliseconds(5) }))
        {
            path = writer.FilePath;
            using var go = new ManualResetEventSlim();
            var producers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                go.Wait();
                for (int i = 0; i < perThread; i++)
                {
                    writer.AddScalar($"thread{t}", t * 1_000_000 + i + 0.5, step: i, wallTime: DateTimeOffset.FromUnixTimeSeconds(1_000 + t));
                }
            })).ToList();
            producers.ForEach(p => p.Start());
            bool done = false;
            var flusher = new Thread(() =>
            {
                while (!Volatile.Read(ref done))
                {
                    writer.Flush();
                }
            });
            flusher.Start();
            go.Set();
            producers.ForEach(p => p.Join());
            Volatile.Write(ref done, true);
            flusher.Join();
            Assert.AreEqual(0, writer.StepViolations);
            Assert.AreEqual(0, writer.DroppedEvents);
        }

        var byTag = new Dictionary<string, List<Event>>();
        foreach (var e in EventFileReader.Read(path).Where(e => e.Summary is not null))
        {
            var value = e.Summary.Value.Single();
            (byTag.TryGetValue(value.Tag, out var list) ? list : byTag[value.Tag] = []).Add(e);
        }
        Assert.AreEqual(threads, byTag.Count);
        for (int t = 0; t < threads; t++)
        {
            var events = byTag[$"thread{t}"];
            Assert.AreEqual(perThread, events.Count, $"thread{t}");
            for (int i = 0; i < perThread; i++)
            {
                var value = events[i].Summary.Value[0];
                Assert.AreEqual(i, events[i].Step, $"thread{t} #{i}");
                Assert.AreEqual(1_000.0 + t, events[i].WallTime);
                Assert.AreEqual((float)(t * 1_000_000 + i + 0.5), value.Tensor.FloatVal.Single(), $"thread{t} #{i}");
                // The tag's metadata rides on its first value only, whichever thread's value came first in the file.
                Assert.AreEqual(i == 0, value.Metadata is not null, $"thread{t} #{i}");
            }
        }
    }

    [TestMethod]
    public void DropModeFromManyThreadsCountsExactlyWhatItDidNotWrite()
    {
        const int threads = 4;
        const int perThread = 5_000;
        using var dir = new TempDirectory();
        string path;
        long accepted = 0;
        long dropped;
        using (var writer = new SummaryWriter(dir.Combine("run"), new SummaryWriterOptions { MaxQueueEvents = 16, QueueFullMode = QueueFullMode.Drop }))
        {
            path = writer.FilePath;
            var producers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                for (int i = 0; i < perThread; i++)
                {
                    if (writer.AddScalar($"t{t}", i, step: i))
                    {
                        Interlocked.Increment(ref accepted);
                    }
                }
            })).ToList();
            producers.ForEach(p => p.Start());
            producers.ForEach(p => p.Join());
            dropped = writer.DroppedEvents;
        }
        int written = EventFileReader.Read(path).Count(e => e.Summary is not null);
        Assert.AreEqual(accepted, written);
        Assert.AreEqual(threads * perThread, accepted + dropped);
    }

    [TestMethod]
    public void DisposeWakesAProducerWaitingForRoomWithObjectDisposed()
    {
        var stream = new GateStream();
        var writer = new EventFileWriter(stream, "blocked", new EventFileWriterOptions { MaxQueueEvents = 2 });
        stream.Close_();
        var item = new Event { Step = 1, WallTime = 1, Summary = TbLogger.Summaries.Scalar("s", 1) };
        writer.WriteEvent(item);
        var flushing = Task.Run(writer.Flush); // the worker takes the event and blocks writing it
        Assert.IsTrue(stream.Blocked.Wait(TimeSpan.FromSeconds(10)));
        writer.WriteEvent(item);
        writer.WriteEvent(item); // the queue is full now
        Exception? seen = null;
        var producer = new Thread(() =>
        {
            try
            {
                writer.WriteEvent(item);
            }
            catch (Exception ex)
            {
                seen = ex;
            }
        });
        producer.Start();
        Thread.Sleep(100); // asleep, waiting for room
        Assert.IsTrue(producer.IsAlive);
        var disposing = Task.Run(writer.Dispose);
        Assert.IsTrue(producer.Join(TimeSpan.FromSeconds(10)), "the waiting producer was not woken");
        Assert.IsInstanceOfType<ObjectDisposedException>(seen);
        stream.Open();
        Assert.IsTrue(disposing.Wait(TimeSpan.FromSeconds(10)));
        Assert.IsTrue(flushing.Wait(TimeSpan.FromSeconds(10)));
        // Everything accepted before Dispose was written: the header and three events.
        using var reader = new TbLogger.Records.TfRecordReader(new MemoryStream(stream.Captured));
        Assert.AreEqual(4, reader.ReadRecords().Count());
    }
}
