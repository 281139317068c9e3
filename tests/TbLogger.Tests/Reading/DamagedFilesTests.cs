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
    public async Task WatchSeesRecordsAppendedWhileFollowingAndNeverAHalfRecord()
    {
        using var temp = new TempDirectory();
        string file = Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1));
        var reader = new LogDirReader(temp.Path, LogDirReaderOptions.Default with { PollInterval = TimeSpan.FromMilliseconds(20) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<ScalarPoint>();
        var watching = Task.Run(async () =>
        {
            await foreach (var p in reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token))
            {
                lock (seen)
                {
                    seen.Add(p);
                }
                if (p.Step == 2)
                {
                    break;
                }
            }
        });
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
        var reader = new LogDirReader(temp.Path, LogDirReaderOptions.Default with { PollInterval = TimeSpan.FromMilliseconds(20) });
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
        // 400 runs of one file each, followed from their start: each is read, then closed (it held a descriptor and a
        // read buffer for the whole watch, which ran out of descriptors at 3,000 files). One of them grows later; its new
        // record is read from where the file had been left, exactly once, and nothing else is read twice.
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
        var reader = new LogDirReader(temp.Path, LogDirReaderOptions.Default with { PollInterval = TimeSpan.FromMilliseconds(20) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new List<ScalarPoint>();
        int descriptorsBefore = Directory.GetFiles("/proc/self/fd").Length;
        int descriptorsWhileIdle = -1;
        var watching = Task.Run(async () =>
        {
            await foreach (var p in reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token))
            {
                lock (seen)
                {
                    seen.Add(p);
                    if (seen.Count == runs)
                    {
                        // The last file's record was just read; every other file was read and closed before it.
                        descriptorsWhileIdle = Directory.GetFiles("/proc/self/fd").Length;
                    }
                }
                if (p.Step == 1)
                {
                    break;
                }
            }
        });
        await WaitFor(() => { lock (seen) { return seen.Count == runs; } });
        // Other tests run beside this one and open files too: the bound is far below one per followed file.
        Assert.IsTrue(descriptorsWhileIdle - descriptorsBefore < 100, $"{descriptorsWhileIdle - descriptorsBefore} more descriptors while following {runs} files");
        await Task.Delay(100); // a few polls over the closed files
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
    public async Task WatchDoesNotReadAFileReplacedUnderItsNameFromTheOldFilesOffset()
    {
        // Followed to its end and closed, the file is then replaced by another (same name, same first records, one
        // more): reading the new file from the old one's offset would take its third record for the old file's growth.
        // It is reported and no longer followed; a file of another run written afterwards is still read.
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("A file open elsewhere cannot be replaced on Windows.");
        }
        using var temp = new TempDirectory();
        string file = Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1));
        var reader = new LogDirReader(temp.Path, LogDirReaderOptions.Default with { PollInterval = TimeSpan.FromMilliseconds(20) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<ScalarPoint>();
        var watching = Task.Run(async () =>
        {
            await foreach (var p in reader.WatchScalarsAsync(fromStart: true, cancellationToken: cancel.Token))
            {
                lock (seen)
                {
                    seen.Add(p);
                }
                if (p.Run == "later")
                {
                    break;
                }
            }
        });
        await WaitFor(() => { lock (seen) { return seen.Count == 1; } });
        await Task.Delay(100);
        string replacement = Write(temp.Combine("staging"), "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1), Scalar("loss", 99, 9));
        File.Move(replacement, file, overwrite: true);
        Directory.Delete(temp.Combine("staging"));
        await Task.Delay(200); // polls that see the replaced file grown past the old offset
        Write(temp.Combine("later"), "events.out.tfevents.2.b", Version(), Scalar("loss", 5, 5));
        await watching.WaitAsync(cancel.Token);
        CollectionAssert.AreEqual(new[] { (".", 0L), ("later", 5L) }, seen.Select(p => (p.Run, p.Step)).ToArray());
    }

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
        var reader = new LogDirReader(temp.Path, LogDirReaderOptions.Default with { PollInterval = TimeSpan.FromMilliseconds(20) });
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
