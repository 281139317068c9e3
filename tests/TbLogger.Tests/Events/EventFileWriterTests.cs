using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Records;
using TbLogger.Storage;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Events;

[TestClass]
public sealed class EventFileWriterTests
{
    private static List<Event> ReadAll(byte[] bytes)
    {
        using var reader = new TfRecordReader(new MemoryStream(bytes));
        return reader.ReadRecords().Select(r => Event.Parser.ParseFrom(r.Span)).ToList();
    }

    private static Event Scalar(long step) => new() { Step = step, WallTime = 1, Summary = TbLogger.Summaries.Scalar("s", step) };

    [TestMethod]
    public void FileIsNamedLikeTensorFlowsAndStartsWithFileVersionAndSourceMetadata()
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new EventFileWriter(dir.Combine("run"), new EventFileWriterOptions { FilenameSuffix = ".v2" }))
        {
            path = writer.FilePath;
            // The first record is on disk before anything else happens.
            var first = EventFileReader.Read(path).Single();
            Assert.AreEqual("brain.Event:2", first.FileVersion);
            Assert.AreEqual("tblogger", first.SourceMetadata.Writer);
            Assert.IsTrue(Math.Abs(first.WallTime - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0) < 60);
        }
        string name = Path.GetFileName(path);
        var match = System.Text.RegularExpressions.Regex.Match(name, @"^events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)\.v2$");
        Assert.IsTrue(match.Success, name);
        Assert.AreEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), match.Groups[3].Value);
        Assert.IsTrue(Math.Abs(long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow.ToUnixTimeSeconds()) < 60);
    }

    [TestMethod]
    public void CountersMakeEveryFileNameUnique()
    {
        var names = Enumerable.Range(0, 100).Select(_ => EventFileNames.Next(DateTimeOffset.UnixEpoch)).ToList();
        Assert.AreEqual(100, names.Distinct().Count());
        Assert.IsTrue(names.All(n => n.StartsWith("events.out.tfevents.0000000000.", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void NameDigitsAreWhatInvariantDFormattingWrites()
    {
        // Written by hand so a fresh process's first writer needs no culture data (issue 19); every value, including
        // times before 1970 and past the 10-digit range, must read as "D{n}" formatting writes it.
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        long[] values =
        [
            0, 1, 9, 10, 99, 100, 999_999_999, 1_000_000_000, 1_764_800_000, 9_999_999_999, 10_000_000_000,
            253_402_300_799, int.MaxValue, long.MaxValue, -1, -10, -62_135_596_800, int.MinValue, long.MinValue,
        ];
        foreach (long value in values)
        {
            for (int minimum = 1; minimum <= 20; minimum++)
            {
                Assert.AreEqual(value.ToString("D" + minimum.ToString(invariant), invariant), EventFileNames.Digits(value, minimum), $"{value} D{minimum}");
            }
        }
        StringAssert.StartsWith(EventFileNames.Next(DateTimeOffset.MinValue), "events.out.tfevents.-62135596800.");
        StringAssert.StartsWith(EventFileNames.Next(DateTimeOffset.MaxValue), "events.out.tfevents.253402300799.");
        // The whole name: time, host, pid, a counter that goes up by one per name, suffix.
        string prefix = $"events.out.tfevents.0000000042.{System.Net.Dns.GetHostName()}.{Environment.ProcessId}.";
        string first = EventFileNames.Next(DateTimeOffset.FromUnixTimeSeconds(42), ".v2");
        string second = EventFileNames.Next(DateTimeOffset.FromUnixTimeSeconds(42), ".v2");
        StringAssert.StartsWith(first, prefix);
        StringAssert.EndsWith(first, ".v2");
        int counter = int.Parse(first[prefix.Length..^3], invariant);
        Assert.AreEqual($"{prefix}{(counter + 1).ToString(invariant)}.v2", second);
    }

    [TestMethod]
    public void FileNamesCarryTheHostNameGethostnameReports()
    {
        // On Linux the name is read from /proc/sys/kernel/hostname (no resolver to load); it must be what
        // gethostname() says, as Dns.GetHostName and Python's socket.gethostname() report it.
        string name = EventFileNames.Next(DateTimeOffset.UnixEpoch);
        StringAssert.StartsWith(name, $"events.out.tfevents.0000000000.{System.Net.Dns.GetHostName()}.{Environment.ProcessId}.");
    }

    [TestMethod]
    public void DropModeCountsEventsThatFindTheQueueFull()
    {
        var stream = new GateStream();
        var writer = new EventFileWriter(stream, "gate", new EventFileWriterOptions { MaxQueueEvents = 10, QueueFullMode = QueueFullMode.Drop });
        stream.Close_();
        writer.WriteEvent(Scalar(-1));
        var flushing = Task.Run(writer.Flush); // the worker takes event -1 and blocks writing it
        Assert.IsTrue(stream.Blocked.Wait(TimeSpan.FromSeconds(30)));
        int accepted = 0;
        for (int i = 0; i < 15; i++)
        {
            accepted += writer.WriteEvent(Scalar(i)) ? 1 : 0;
        }
        Assert.AreEqual(10, accepted);
        Assert.AreEqual(5L, writer.DroppedEvents);
        stream.Open();
        flushing.Wait();
        writer.Dispose();
        var steps = ReadAll(stream.Captured).Skip(1).Select(e => e.Step).ToArray();
        CollectionAssert.AreEqual(new long[] { -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, steps);
    }

    [TestMethod]
    public void BlockModeWaitsForRoomAndLosesNothing()
    {
        var stream = new GateStream();
        var writer = new EventFileWriter(stream, "gate", new EventFileWriterOptions { MaxQueueEvents = 4, QueueFullMode = QueueFullMode.Block });
        stream.Close_();
        writer.WriteEvent(Scalar(-1));
        var flushing = Task.Run(writer.Flush);
        Assert.IsTrue(stream.Blocked.Wait(TimeSpan.FromSeconds(30)));
        var producer = Task.Run(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                writer.WriteEvent(Scalar(i));
            }
        });
        // The producer fills the 4 slots and must then wait for the frozen worker.
        Assert.IsFalse(producer.Wait(TimeSpan.FromMilliseconds(300)));
        stream.Open();
        Assert.IsTrue(producer.Wait(TimeSpan.FromSeconds(30)));
        flushing.Wait();
        writer.Dispose();
        Assert.AreEqual(0L, writer.DroppedEvents);
        CollectionAssert.AreEqual(Enumerable.Range(-1, 101).Select(i => (long)i).ToArray(), ReadAll(stream.Captured).Skip(1).Select(e => e.Step).ToArray());
    }

    [TestMethod]
    public void AWorkerIOErrorSurfacesOnFlushWrappedAndIsNotSwallowed()
    {
        var writer = new EventFileWriter(new FailingStream(allowedWrites: 1), "failing.tfevents");
        writer.WriteEvent(Scalar(1));
        var ex = Assert.ThrowsExactly<EventFileWriteException>(writer.Flush);
        Assert.IsInstanceOfType<IOException>(ex.InnerException);
        Assert.AreEqual("No space left on device (simulated)", ex.InnerException!.Message);
        Assert.AreEqual("failing.tfevents", ex.Path);
        StringAssert.StartsWith(ex.Message, "Writing event file 'failing.tfevents' failed: No space left on device (simulated)");
        // The writer stays failed: later calls throw too, and Dispose does not throw a second time.
        Assert.ThrowsExactly<EventFileWriteException>(() => writer.WriteEvent(Scalar(2)));
        writer.Dispose();
    }

    [TestMethod]
    public void AnUnreportedWorkerErrorSurfacesOnDispose()
    {
        var writer = new EventFileWriter(new FailingStream(allowedWrites: 1), "failing.tfevents");
        writer.WriteEvent(Scalar(1));
        var ex = Assert.ThrowsExactly<EventFileWriteException>(writer.Dispose);
        Assert.IsInstanceOfType<IOException>(ex.InnerException);
    }

    [TestMethod]
    public void AWriteThatFailsPartWayLeavesATruncatedTailNotATornRecord()
    {
        var stream = new TearingStream(failAfterBytes: 150);
        var writer = new EventFileWriter(stream, "tearing");
        for (int i = 0; i < 20; i++)
        {
            writer.WriteEvent(Scalar(i));
        }
        Assert.ThrowsExactly<EventFileWriteException>(writer.Flush);
        writer.Dispose();
        Assert.AreEqual(150, stream.Captured.Length);
        using var reader = new TfRecordReader(new MemoryStream(stream.Captured));
        var records = reader.ReadRecords().ToList();  // no TfRecordCorruptException: nothing was written twice
        Assert.IsTrue(reader.IsTruncated);
        Assert.AreEqual("brain.Event:2", Event.Parser.ParseFrom(records[0].Span).FileVersion);
        CollectionAssert.AreEqual(Enumerable.Range(0, records.Count - 1).Select(i => (long)i).ToArray(),
            records.Skip(1).Select(r => Event.Parser.ParseFrom(r.Span).Step).ToArray());
    }

    [TestMethod]
    public void ThrowDisciplineHoldsForProducersThatWaitedForRoom()
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var stream = new GateStream();
            // The step discipline is the summary writer's policy, run as the queue's gate: one file as SummaryWriter writes it.
            var options = new SummaryWriterOptions { MaxQueueEvents = 1, StepDiscipline = StepDiscipline.Throw };
            var writer = new RunFile(new EventFileWriter(stream, "gate", options.EventFile), "gate", options, StepPolicy.For(options));
            stream.Close_();
            writer.WriteEvent(Scalar(-1));
            var flushing = Task.Run(writer.Flush);
            Assert.IsTrue(stream.Blocked.Wait(TimeSpan.FromSeconds(30)));
            writer.WriteEvent(Scalar(5));                                   // fills the queue
            var rejected = new System.Collections.Concurrent.ConcurrentBag<long>();
            var producers = new[] { 20L, 10L }.Select(step => Task.Run(() =>
            {
                try
                {
                    writer.WriteEvent(Scalar(step));
                }
                catch (ArgumentException)
                {
                    rejected.Add(step);
                }
            })).ToArray();
            Thread.Sleep(100);                                              // both wait for room
            stream.Open();
            Task.WaitAll(producers);
            flushing.Wait();
            writer.Dispose();
            var steps = ReadAll(stream.Captured).Skip(1).Select(e => e.Step).ToArray();
            // Whichever got in first, the file's steps only go forward, and exactly the others were rejected.
            for (int i = 1; i < steps.Length; i++)
            {
                Assert.IsTrue(steps[i] > steps[i - 1], $"steps {string.Join(",", steps)}");
            }
            CollectionAssert.AreEquivalent(new long[] { -1, 5, 10, 20 }, steps.Concat(rejected).ToArray());
        }
    }

    [TestMethod]
    public void WritingToAFullDeviceFailsWithTheOperatingSystemsError()
    {
        if (!File.Exists("/dev/full"))
        {
            Assert.Inconclusive("/dev/full exists only on Linux.");
        }
        var stream = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        var ex = Assert.ThrowsExactly<IOException>(() => new EventFileWriter(stream, "/dev/full"));
        StringAssert.Contains(ex.Message, "No space left on device");
    }

    [TestMethod]
    public void CallsAfterDisposeThrowObjectDisposed()
    {
        var writer = new EventFileWriter(new MemoryStream(), "mem");
        writer.Dispose();
        writer.Dispose(); // idempotent
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.WriteEvent(Scalar(1)));
        Assert.ThrowsExactly<ObjectDisposedException>(writer.Flush);
    }

    [TestMethod]
    public void DisposeDrainsEverythingAcceptedBeforeIt()
    {
        var stream = new GateStream();
        var writer = new EventFileWriter(stream, "mem", new EventFileWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
        for (int i = 0; i < 5000; i++)
        {
            writer.Enqueue(PendingEvent.Scalar("x", i, i, 1, PendingKind.ScalarFloat32Tensor));
        }
        writer.Dispose();
        var events = ReadAll(stream.Captured);
        Assert.AreEqual(5001, events.Count);
        CollectionAssert.AreEqual(Enumerable.Range(0, 5000).Select(i => (float)i).ToArray(), events.Skip(1).Select(e => e.Summary.Value[0].Tensor.FloatVal[0]).ToArray());
    }

    [TestMethod]
    public async Task DisposeAsyncDrainsToo()
    {
        var stream = new GateStream();
        var writer = new EventFileWriter(stream, "mem");
        writer.WriteEvent(Scalar(7));
        await writer.DisposeAsync();
        Assert.AreEqual(7L, ReadAll(stream.Captured)[1].Step);
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.WriteEvent(Scalar(1)));
    }

    [TestMethod]
    public void ThePeriodicFlushPutsEventsOnDiskWithoutAFlushCall()
    {
        using var dir = new TempDirectory();
        using var writer = new EventFileWriter(dir.Path, new EventFileWriterOptions { FlushInterval = TimeSpan.FromMilliseconds(50) });
        writer.WriteEvent(Scalar(3));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int count;
        while ((count = EventFileReader.Read(writer.FilePath).Count()) < 2 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
        Assert.AreEqual(2, count);
    }

    [TestMethod]
    public void InvalidOptionsAreRejectedWithTheirNames()
    {
        Assert.AreEqual("MaxQueueEvents", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new EventFileWriter(new MemoryStream(), "m", new EventFileWriterOptions { MaxQueueEvents = 0 })).ParamName);
        Assert.AreEqual("FlushInterval", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new EventFileWriter(new MemoryStream(), "m", new EventFileWriterOptions { FlushInterval = TimeSpan.Zero })).ParamName);
        var suffix = Assert.ThrowsExactly<ArgumentException>(() => new EventFileWriter(new MemoryStream(), "m", new EventFileWriterOptions { FilenameSuffix = "/../x" }));
        Assert.AreEqual("FilenameSuffix", suffix.ParamName);
    }
}
