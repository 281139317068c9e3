using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Reading;

/// <summary>Truncated tails, corrupt records and files growing while they are followed.</summary>
[TestClass]
public sealed class DamagedFilesTests
{
    [TestMethod]
    public void TruncatedTailEndsTheFileQuietly()
    {
        using var temp = new TempDirectory();
        string file = Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1), Scalar("loss", 1, 2), Scalar("loss", 2, 3));
        long length = new FileInfo(file).Length;
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(length - 5);
        }
        var points = new LogDirReader(temp.Path).ReadScalars().ToList();
        CollectionAssert.AreEqual(new long[] { 0, 1 }, points.Select(p => p.Step).ToArray());
    }

    [TestMethod]
    public void CorruptRecordIsSkippedByDefaultAndThrowsWhenAskedTo()
    {
        using var temp = new TempDirectory();
        byte[] good0 = Framed(Version());
        byte[] bad = Framed(Scalar("loss", 1, 2));
        bad[^6] ^= 0xFF; // inside the data: the data CRC fails
        byte[] good2 = Framed(Scalar("loss", 2, 3));
        string file = Path.Combine(temp.Path, "events.out.tfevents.1.a");
        File.WriteAllBytes(file, [.. good0, .. Framed(Scalar("loss", 0, 1)), .. bad, .. good2]);

        var points = new LogDirReader(temp.Path).ReadScalars().ToList();
        CollectionAssert.AreEqual(new long[] { 0, 2 }, points.Select(p => p.Step).ToArray());

        var strict = LogDirReaderOptions.Default with { RecordOptions = new TfRecordReaderOptions() };
        var ex = Assert.ThrowsExactly<TfRecordCorruptException>(() => new LogDirReader(temp.Path, strict).ReadScalars().ToList());
        Assert.AreEqual(TfRecordCorruption.DataCrcMismatch, ex.Corruption);
        Assert.AreEqual(good0.Length + Framed(Scalar("loss", 0, 1)).Length, ex.Offset);
    }

    [TestMethod]
    public void EveryReadReportsADamagedRecordOnceUnderBothLoaders()
    {
        // The purge plan's pre-pass reads the records its read then reads again: it used to report the damaged record
        // too, so a handler heard it twice (everywhere but the data server's single-pass scalar scan).
        using var temp = new TempDirectory();
        byte[] bad = Framed(Scalar("loss", 1, 2));
        bad[^6] ^= 0xFF;
        string file = Path.Combine(temp.Path, "events.out.tfevents.1.a");
        byte[] before = [.. Framed(Version()), .. Framed(Scalar("loss", 0, 1))];
        File.WriteAllBytes(file, [.. before, .. bad, .. Framed(Scalar("loss", 2, 3))]);
        var reads = new (string Name, Func<LogDirReader, int> Read)[]
        {
            ("ReadScalars", r => r.ReadScalars().Count()),
            ("ReadEvents", r => r.GetRuns().Sum(run => r.ReadEvents(run).Count())),
            ("Summarize", r => r.Summarize().Count),
            ("ReadHistograms", r => r.ReadHistograms().Count()),
            ("ReadText", r => r.ReadText().Count()),
        };
        foreach (TensorBoardLoader loader in new[] { TensorBoardLoader.DataServer, TensorBoardLoader.Python })
        {
            foreach (var (name, read) in reads)
            {
                var heard = new List<(long Offset, TfRecordCorruption Kind)>();
                var reader = new LogDirReader(temp.Path, LogDirReaderOptions.Default with
                {
                    Loader = loader,
                    RecordOptions = new TfRecordReaderOptions { SkipCorruptRecords = true, OnCorruptRecord = e => heard.Add((e.Offset, e.Corruption)) },
                });
                read(reader);
                CollectionAssert.AreEqual(new[] { ((long)before.Length, TfRecordCorruption.DataCrcMismatch) }, heard, $"{name}, {loader}");
            }
        }
    }

    [TestMethod]
    public async Task WatchSeesRecordsAppendedWhileFollowingAndNeverAHalfRecord()
    {
        using var temp = new TempDirectory();
        string file = Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1));
        var reader = FastPolling(temp.Path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<ScalarPoint>();
        Task watching = Follow(reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token), seen, p => p.Step == 2);
        await WaitFor(() => { lock (seen) { return seen.Count == 1; } });
        byte[] next = Framed(Scalar("loss", 1, 2));
        using (var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            // Half a record first: the watcher must wait for the rest.
            stream.Write(next, 0, 7);
            stream.Flush();
            await Task.Delay(150);
            lock (seen)
            {
                Assert.AreEqual(1, seen.Count);
            }
            stream.Write(next, 7, next.Length - 7);
            stream.Flush();
        }
        // A new run appearing later is picked up too.
        Write(temp.Combine("late"), "events.out.tfevents.2.b", Version(), Scalar("loss", 2, 3));
        await watching.WaitAsync(cancel.Token);
        CollectionAssert.AreEqual(new[] { (".", 0L, 1d), (".", 1L, 2d), ("late", 2L, 3d) }, seen.Select(p => (p.Run, p.Step, p.Value)).ToArray());
    }

    [TestMethod]
    public async Task WatchStartsAtTheEndUnlessFromStartAndStopsOnCancel()
    {
        using var temp = new TempDirectory();
        Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1));
        var reader = FastPolling(temp.Path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
        var seen = new List<ScalarPoint>();
        await foreach (var p in reader.WatchScalarsAsync(cancellationToken: cancel.Token))
        {
            seen.Add(p);
        }
        Assert.AreEqual(0, seen.Count);
    }

    [TestMethod]
    public async Task WatchKeepsNoDescriptorForFilesReadToTheirEndAndReopensOneThatGrows()
    {
        // 400 runs of one file each, followed from their start: each is read, then closed once idle for two polls (it
        // held a descriptor and a read buffer for the whole watch, which ran out of descriptors at 3,000 files). One of
        // them grows later; its new record is read from where the file had been left, exactly once, and nothing else
        // is read twice.
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Counts this process's descriptors in /proc/self/fd (Linux).");
        }
        using var temp = new TempDirectory();
        const int runs = 400;
        string grown = "";
        for (int r = 0; r < runs; r++)
        {
            string file = Write(temp.Combine($"run{r:000}"), $"events.out.tfevents.1.{r}", Version(), Scalar("loss", 0, r));
            grown = r == 217 ? file : grown;
        }
        var reader = FastPolling(temp.Path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<ScalarPoint>();
        int descriptorsBefore = OpenDescriptors().Length;
        Task watching = Follow(reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token), seen, p => p.Step == 1);
        await WaitFor(() => { lock (seen) { return seen.Count == runs; } });
        await Task.Delay(300); // polls enough for every file to be idle and closed
        int descriptorsWhileIdle = OpenDescriptors().Length;
        // Other tests run beside this one and open files too: the bound is far below one per followed file.
        Assert.IsTrue(descriptorsWhileIdle - descriptorsBefore < 100, $"{descriptorsWhileIdle - descriptorsBefore} more descriptors while following {runs} files");
        using (var stream = new FileStream(grown, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Write(Framed(Scalar("loss", 1, 0.5f)));
        }
        await watching.WaitAsync(cancel.Token);
        Assert.AreEqual(runs + 1, seen.Count);
        Assert.AreEqual(runs, seen.Select(p => p.Run).Distinct().Count());
        ScalarPoint last = seen[^1];
        Assert.AreEqual(("run217", 1L, 0.5), (last.Run, last.Step, last.Value));
    }

    [TestMethod]
    public async Task WatchOfManyFilesEndingInARecordCutShortStaysWithinItsLimitAndReadsEachRecordWhenComplete()
    {
        // 300 runs whose file ends in the first 7 bytes of a record (a writer mid-flush, or one that crashed). Such a
        // file stays open while idle, but beyond 128 open files each is closed anyway, to be read again from the cut
        // record's start once it grows. Two of them, one either side of the limit, then get the rest of their record.
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Counts this process's descriptors in /proc/self/fd (Linux).");
        }
        using var temp = new TempDirectory();
        const int runs = 300;
        byte[] cut = Framed(Scalar("loss", 1, 7));
        var files = new string[runs];
        for (int r = 0; r < runs; r++)
        {
            files[r] = Write(temp.Combine($"run{r:000}"), $"events.out.tfevents.1.{r}", Version(), Scalar("loss", 0, r));
            using var stream = new FileStream(files[r], FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            stream.Write(cut, 0, 7);
        }
        var reader = FastPolling(temp.Path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<ScalarPoint>();
        int descriptorsBefore = OpenDescriptors().Length;
        Task watching = Follow(reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token), seen, _ => seen.Count == runs + 2);
        await WaitFor(() => { lock (seen) { return seen.Count == runs; } });
        await Task.Delay(300);
        int more = OpenDescriptors().Length - descriptorsBefore;
        Assert.IsTrue(more < 128 + 40, $"{more} more descriptors while following {runs} files that end in a cut record");
        foreach (int r in new[] { 5, 250 })
        {
            using var stream = new FileStream(files[r], FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            stream.Write(cut, 7, cut.Length - 7);
        }
        await watching.WaitAsync(cancel.Token);
        CollectionAssert.AreEquivalent(new[] { ("run005", 1L, 7d), ("run250", 1L, 7d) }, seen.Skip(runs).Select(p => (p.Run, p.Step, p.Value)).ToArray());
        Assert.AreEqual(runs, seen.Take(runs).Select(p => p.Run).Distinct().Count());
    }

    [TestMethod]
    public async Task WatchGivesBackTheDescriptorOfAFileDeletedWhileFollowed()
    {
        // The file ends in a record cut short, so it stays open while listed; deleted, it is no longer listed and its
        // descriptor (which kept the deleted file's space) is given back at the end of the next pass.
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Reads this process's descriptors in /proc/self/fd (Linux).");
        }
        using var temp = new TempDirectory();
        string file = Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1));
        using (var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Write(Framed(Scalar("loss", 1, 2)), 0, 7);
        }
        string later = Path.Combine(temp.Combine("later"), "events.out.tfevents.2.b");
        var reader = FastPolling(temp.Path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<ScalarPoint>();
        Task watching = Follow(reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token), seen, p => p.Run == "later");
        await WaitFor(() => { lock (seen) { return seen.Count == 1; } });
        await Task.Delay(100);
        // Matched by the temporary directory's unique name and the file's name: the link targets are real paths.
        string unique = Path.GetFileName(temp.Path);
        bool IsOurs(string target) => target.Contains(unique, StringComparison.Ordinal) && target.Contains("events.out.tfevents.1.a", StringComparison.Ordinal);
        Assert.IsTrue(OpenDescriptors().Any(IsOurs), "the file ending in a cut record is open while listed");
        File.Delete(file);
        await WaitFor(() => !OpenDescriptors().Any(IsOurs));
        Write(Path.GetDirectoryName(later)!, Path.GetFileName(later), Version(), Scalar("loss", 3, 3));
        await watching.WaitAsync(cancel.Token);
        CollectionAssert.AreEqual(new[] { (".", 0L), ("later", 3L) }, seen.Select(p => (p.Run, p.Step)).ToArray());
    }

    [TestMethod]
    public async Task WatchDoesNotReadAFileReplacedUnderItsNameFromTheOldFilesOffset()
    {
        // Followed to its end and closed, the file is then replaced by another (same name, same first records, one
        // more): reading the new file from the old one's offset would take its third record for the old file's growth.
        // It is reported and no longer followed; a file of another run written afterwards is still read.
        using var temp = new TempDirectory();
        using var staging = new TempDirectory(); // outside the log directory: a poll must not take it for a run
        string file = Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1));
        var reader = FastPolling(temp.Path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<ScalarPoint>();
        Task watching = Follow(reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token), seen, p => p.Run == "later");
        await WaitFor(() => { lock (seen) { return seen.Count == 1; } });
        await Task.Delay(200); // idle for a few polls: closed
        string replacement = Write(staging.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1), Scalar("loss", 99, 9));
        File.Move(replacement, file, overwrite: true);
        await Task.Delay(200); // polls that see the replaced file grown past the old offset
        Write(temp.Combine("later"), "events.out.tfevents.2.b", Version(), Scalar("loss", 5, 5));
        await watching.WaitAsync(cancel.Token);
        CollectionAssert.AreEqual(new[] { (".", 0L), ("later", 5L) }, seen.Select(p => (p.Run, p.Step)).ToArray());
    }

    [TestMethod]
    public async Task WatchReopensAFollowedLinkWhenItsTargetGrows()
    {
        // The event file is a link to a file elsewhere in the log directory: closed while idle, it is opened again
        // when the target grows (the link's own size never changes).
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Symbolic links need a privilege on Windows.");
        }
        using var temp = new TempDirectory();
        string target = Write(temp.Combine("data"), "target", Version(), Scalar("loss", 0, 1));
        File.CreateSymbolicLink(Path.Combine(temp.Path, "events.out.tfevents.1.a"), target);
        var reader = FastPolling(temp.Path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<ScalarPoint>();
        Task watching = Follow(reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token), seen, p => p.Step == 1);
        await WaitFor(() => { lock (seen) { return seen.Count == 1; } });
        await Task.Delay(200); // idle for a few polls: closed
        using (var stream = new FileStream(target, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Write(Framed(Scalar("loss", 1, 2)));
        }
        await watching.WaitAsync(cancel.Token);
        CollectionAssert.AreEqual(new[] { (".", 0L, 1d), (".", 1L, 2d) }, seen.Select(p => (p.Run, p.Step, p.Value)).ToArray());
    }

    [TestMethod]
    public async Task WatchReportsACorruptStretchStillGrowingAtTheEndOnce()
    {
        // 40 bytes of garbage end the file while it is followed; 40 more and a good record follow. A file closed while
        // idle would be opened again in the middle of the stretch and report it a second time: one that ends in an
        // unfinished stretch stays open, and the stretch is one report.
        using var temp = new TempDirectory();
        var garbage = new byte[40];
        new Random(3).NextBytes(garbage);
        string file = Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1));
        using (var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Write(garbage);
        }
        int reports = 0;
        var options = LogDirReaderOptions.Default with
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
            RecordOptions = new TfRecordReaderOptions { SkipCorruptRecords = true, OnCorruptRecord = _ => Interlocked.Increment(ref reports) },
        };
        var reader = new LogDirReader(temp.Path, options);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<ScalarPoint>();
        Task watching = Follow(reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token), seen, p => p.Step == 1);
        await WaitFor(() => { lock (seen) { return seen.Count == 1; } });
        await Task.Delay(200); // idle for a few polls
        using (var stream = new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            stream.Write(garbage);
            stream.Write(Framed(Scalar("loss", 1, 2)));
        }
        await watching.WaitAsync(cancel.Token);
        CollectionAssert.AreEqual(new[] { 0L, 1L }, seen.Select(p => p.Step).ToArray());
        Assert.AreEqual(1, Volatile.Read(ref reports));
    }

    /// <summary>Collects what <paramref name="points"/> yields into <paramref name="seen"/> (under its lock) until <paramref name="last"/> says a point was the last.</summary>
    private static Task Follow(IAsyncEnumerable<ScalarPoint> points, List<ScalarPoint> seen, Func<ScalarPoint, bool> last) => Task.Run(async () =>
    {
        await foreach (var p in points)
        {
            bool done;
            lock (seen)
            {
                seen.Add(p);
                done = last(p);
            }
            if (done)
            {
                break;
            }
        }
    });

    /// <summary>A reader of <paramref name="dir"/> whose watch polls every 20 ms.</summary>
    internal static LogDirReader FastPolling(string dir) =>
        new(dir, LogDirReaderOptions.Default with { PollInterval = TimeSpan.FromMilliseconds(20) });

    /// <summary>What this process's open descriptors point at (Linux: /proc/self/fd); one that closes meanwhile is an empty string.</summary>
    private static string[] OpenDescriptors() => Directory.GetFiles("/proc/self/fd")
        .Select(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget ?? "";
            }
            catch (IOException)
            {
                return "";
            }
        })
        .ToArray();

    private static async Task WaitFor(Func<bool> condition)
    {
        for (int i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(25);
        }
        Assert.IsTrue(condition(), "condition not reached in 10 s");
    }
}

/// <summary>WatchAsync returns whole events as they are written.</summary>
[TestClass]
public sealed class WatchEventsTests
{
    [TestMethod]
    public async Task WatchAsyncReturnsNewEventsFilteredByTag()
    {
        using var temp = new TempDirectory();
        var reader = DamagedFilesTests.FastPolling(temp.Path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watching = Task.Run(async () =>
        {
            var seen = new List<RunEvent>();
            await foreach (var e in reader.WatchAsync(new ReadFilter { Tags = TagFilter.Exact("keep") }, fromStart: true, cancellationToken: cancel.Token))
            {
                seen.Add(e);
                if (seen.Count == 2)
                {
                    break;
                }
            }
            return seen;
        });
        await Task.Delay(200);
        Write(temp.Combine("r"), "events.out.tfevents.1.a", Version(), Scalar("drop", 0, 1), Scalar("keep", 1, 2), Scalar("keep", 2, 3));
        var events = await watching.WaitAsync(cancel.Token);
        CollectionAssert.AreEqual(new[] { ("r", 1L, 2f), ("r", 2L, 3f) }, events.Select(e => (e.Run, e.Event.Step, e.Event.Summary.Value.Single().SimpleValue)).ToArray());
    }
}
