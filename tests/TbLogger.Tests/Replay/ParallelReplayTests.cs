using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Replay;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Replay;

/// <summary>
/// A replay of several runs on several threads (issue 19: reading several runs uses both cores) writes, counts,
/// reports and throws exactly what a one-thread replay does: a helper's run read with something to report is replayed
/// again by the caller, and what a helper wrote that is not kept is removed.
/// </summary>
[TestClass]
public sealed class ParallelReplayTests
{
    [TestMethod]
    public void Replay_on_several_threads_writes_the_runs_counts_and_progress_of_one_thread()
    {
        using var dir = new TempDirectory();
        string source = dir.Combine("logs");
        for (int r = 0; r < 7; r++)
        {
            // Runs of different sizes and kinds; "n/inner" nests inside "n" (a run of its own there).
            string name = r switch { 5 => "n", 6 => Path.Combine("n", "inner"), _ => $"r{r}" };
            using var writer = new SummaryWriter(Path.Combine(source, name), new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
            for (int step = 0; step < 2_000 * (r + 1); step++)
            {
                writer.AddScalar("loss", 1.0 / (step + 1), step);
                if (step % 500 == 0)
                {
                    writer.AddHistogram("weights", [step, step + 1f, r], step);
                    writer.AddText("notes", $"run {r} step {step}", step);
                }
            }
        }
        // A run with no event but file_version writes no output run.
        Write(Path.Combine(source, "r9_empty"), "events.out.tfevents.1.h", [Version()]);
        var variants = new (string Name, ReplayOptions Options, TensorBoardLoader Loader, int Runs)[]
        {
            ("all", new ReplayOptions(), TensorBoardLoader.DataServer, 7),
            ("keep every 3, loss renamed", new ReplayOptions { KeepEvery = 3, Renames = [TagRename.Parse("loss=train/loss")] }, TensorBoardLoader.DataServer, 7),
            ("reservoir of 100", new ReplayOptions { MaxPointsPerTag = 100, Seed = 7 }, TensorBoardLoader.DataServer, 7),
            ("steps 100-900, shifted", new ReplayOptions { Filter = new ReadFilter { Steps = StepRange.Parse("100:900") }, TimeShift = TimeSpan.FromHours(1) }, TensorBoardLoader.DataServer, 7),
            ("python loader, runs r*", new ReplayOptions { Filter = new ReadFilter { Runs = TagFilter.Glob(["r*"]) } }, TensorBoardLoader.Python, 5),
            ("merged", new ReplayOptions { MergeInto = "merged", PrefixTagsWithRun = true }, TensorBoardLoader.DataServer, 1),
        };
        foreach (var (name, options, loader, runCount) in variants)
        {
            var expectedProgress = new ProgressRecorder();
            var expected = LogReplayer.Replay(source, dir.Combine($"one {name}"), options with { Progress = expectedProgress }, new LogDirReaderOptions { MaxDegreeOfParallelism = 1, Loader = loader });
            var expectedRuns = ReplayOutput.Runs(dir.Combine($"one {name}"));
            Assert.HasCount(runCount, expectedRuns, name);
            foreach (int threads in new[] { 2, 3, 8 })
            {
                string output = dir.Combine($"{threads} {name}");
                var progress = new ProgressRecorder();
                var result = LogReplayer.Replay(source, output, options with { Progress = progress }, new LogDirReaderOptions { MaxDegreeOfParallelism = threads, Loader = loader }, out int takenAhead);
                Assert.AreEqual(expected, result, $"{name}, {threads} threads");
                // Every run with r mod threads != 0 is a helper's, and clean runs are taken as it replayed them (the
                // empty run too); a merged replay is one thread's.
                int sourceRuns = (int)expected.RunsRead;
                Assert.AreEqual(options.MergeInto is null ? Enumerable.Range(0, sourceRuns).Count(r => r % threads != 0) : 0, takenAhead, $"{name}, {threads} threads");
                CollectionAssert.AreEqual(expectedRuns.Keys.ToList(), ReplayOutput.Runs(output).Keys.ToList(), $"{name}, {threads} threads");
                foreach (var (run, records) in ReplayOutput.Runs(output))
                {
                    CollectionAssert.AreEqual(expectedRuns[run], records, $"{name}, {threads} threads, run {run}");
                }
                // Totals only increase and end at every event read; a helper's run is counted when the caller takes it.
                Assert.AreEqual(expected.EventsRead, progress.Values[^1], $"{name}, {threads} threads");
                Assert.AreEqual(expectedProgress.Values[^1], progress.Values[^1]);
                CollectionAssert.AreEqual(progress.Values.Order().ToList(), progress.Values, $"{name}, {threads} threads");
            }
        }
        // What the runs hold, independently of the one-thread replay: every scalar of run r, and no empty run.
        var replayed = new LogDirReader(dir.Combine("2 all")).ReadScalars().GroupBy(p => p.Run).ToDictionary(g => g.Key, g => g.Count());
        Assert.AreEqual(2_000 * 3, replayed["r2"]);
        Assert.AreEqual(2_000 * 7, replayed[Path.Combine("n", "inner")]);
        Assert.IsFalse(Directory.Exists(dir.Combine("2 all", "r9_empty")));
    }

    [TestMethod]
    public void Damaged_runs_read_ahead_are_replayed_and_reported_by_the_caller_in_read_order()
    {
        using var dir = new TempDirectory();
        string source = dir.Combine("logs");
        // With two threads runs b, d and f are a helper's: each has damage a one-thread replay reports.
        Write(Path.Combine(source, "a"), "events.out.tfevents.1.h", [Version(), .. Scalars("loss", 0, 3_000)]);
        string b = Write(Path.Combine(source, "b"), "events.out.tfevents.1.h", [Version(), .. Scalars("loss", 0, 3_000)]);
        long badCrc = SpoilDataCrc(b, 2_000);
        Write(Path.Combine(source, "c"), "events.out.tfevents.1.h", [Version(), .. Scalars("acc", 0, 500)]);
        string d = Path.Combine(source, "d", "events.out.tfevents.1.h");
        long notAnEvent = WriteWithGarbageRecord(d, 1_500, Scalars("loss", 0, 3_000));
        Write(Path.Combine(source, "e"), "events.out.tfevents.1.h", [Version(), .. Scalars("acc", 0, 500)]);
        // f's last record is damaged: its helper's read ends without stopping early, and only then finds it is not clean.
        string f = Write(Path.Combine(source, "f"), "events.out.tfevents.1.h", [Version(), .. Scalars("acc", 0, 50)]);
        long lastBad = SpoilDataCrc(f, 50);
        long sourceBytes = Directory.GetFiles(source, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        List<string>? expectedReports = null;
        Dictionary<string, List<string>>? expectedRuns = null;
        ReplayResult? expected = null;
        foreach (int threads in new[] { 1, 2, 4 })
        {
            string output = dir.Combine($"out{threads}");
            var reports = new List<(string Report, int Thread)>();
            var bytes = new ProgressRecorder();
            var result = LogReplayer.Replay(source, output, null, new LogDirReaderOptions
            {
                MaxDegreeOfParallelism = threads,
                ReadProgress = bytes,
                RecordOptions = new() { SkipCorruptRecords = true, OnCorruptRecord = e => reports.Add(($"{Path.GetFileName(Path.GetDirectoryName(e.SourceName))} {e.Offset} {e.Corruption}", Environment.CurrentManagedThreadId)) },
            });
            Assert.IsTrue(reports.All(r => r.Thread == Environment.CurrentManagedThreadId), $"{threads} threads: reported on the caller's thread");
            // Every source byte counted once: a run a helper gave back counts only the caller's read.
            Assert.AreEqual(sourceBytes, bytes.Values[^1], $"{threads} threads");
            var runs = ReplayOutput.Runs(output);
            // One file per run: the helpers' abandoned attempts at b, d and f are gone.
            Assert.AreEqual(6, Directory.GetFiles(output, "*", SearchOption.AllDirectories).Length, $"{threads} threads");
            if (expected is null)
            {
                // The one-thread replay, checked against the damage itself.
                CollectionAssert.AreEqual(new[] { $"b {badCrc} {TfRecordCorruption.DataCrcMismatch}", $"d {notAnEvent} {TfRecordCorruption.InvalidPayload}", $"f {lastBad} {TfRecordCorruption.DataCrcMismatch}" }, reports.Select(r => r.Report).ToList());
                Assert.AreEqual(new ReplayResult(6, 6, 2 * 3_001 + 3_000 + 2 * 501 + 50, 2 * 3_000 + 2_999 + 2 * 500 + 49, 0), result);
                (expected, expectedReports, expectedRuns) = (result, reports.Select(r => r.Report).ToList(), runs);
                continue;
            }
            Assert.AreEqual(expected, result, $"{threads} threads");
            CollectionAssert.AreEqual(expectedReports, reports.Select(r => r.Report).ToList(), $"{threads} threads");
            CollectionAssert.AreEqual(expectedRuns!.Keys.ToList(), runs.Keys.ToList(), $"{threads} threads");
            foreach (var (run, records) in runs)
            {
                CollectionAssert.AreEqual(expectedRuns[run], records, $"{threads} threads, run {run}");
            }
        }
    }

    [TestMethod]
    public void A_strict_replay_that_fails_leaves_no_run_written_ahead_of_the_failure()
    {
        using var dir = new TempDirectory();
        string source = dir.Combine("logs");
        Write(Path.Combine(source, "a"), "events.out.tfevents.1.h", [Version(), .. Scalars("loss", 0, 100)]);
        // b is long and damaged near its end: its helper gives it back, and while the caller reads it again the helper
        // replays x/y (run 3, its next) whole; the caller fails at b's bad record and never gets to c or x/y.
        string b = Write(Path.Combine(source, "b"), "events.out.tfevents.1.h", [Version(), .. Scalars("loss", 0, 60_000)]);
        long badCrc = SpoilDataCrc(b, 59_000);
        Write(Path.Combine(source, "c"), "events.out.tfevents.1.h", [Version(), .. Scalars("acc", 0, 100)]);
        Write(Path.Combine(source, "x", "y"), "events.out.tfevents.1.h", [Version(), .. Scalars("acc", 0, 100)]);
        // With purges (the default) b's pre-pass meets the bad record before b's first event, so b writes nothing;
        // without, b is written up to its bad record.
        foreach (bool purge in new[] { true, false })
        {
            List<string>? expectedB = null;
            foreach (int threads in new[] { 1, 2 })
            {
                string output = dir.Combine($"out{threads}{purge}");
                var error = Assert.ThrowsExactly<TfRecordCorruptException>(() => LogReplayer.Replay(source, output, null, new LogDirReaderOptions
                {
                    MaxDegreeOfParallelism = threads,
                    PurgeOrphanedData = purge,
                    RecordOptions = new() { SkipCorruptRecords = false },
                }));
                string what = $"{threads} threads, purge {purge}";
                Assert.AreEqual(badCrc, error.Offset, what);
                Assert.AreEqual(TfRecordCorruption.DataCrcMismatch, error.Corruption, what);
                var runs = ReplayOutput.Runs(output);
                // Run a whole, b up to its bad record or not at all; nothing of c or x/y, not even an empty directory.
                string[] written = purge ? ["a"] : ["a", "b"];
                CollectionAssert.AreEqual(written, runs.Keys.ToList(), what);
                CollectionAssert.AreEquivalent(written, Directory.GetFileSystemEntries(output).Select(Path.GetFileName).ToList(), what);
                Assert.HasCount(100, runs["a"], what);
                if (!purge)
                {
                    Assert.HasCount(59_000 - 1, runs["b"], what);
                    expectedB ??= runs["b"];
                    CollectionAssert.AreEqual(expectedB, runs["b"], what);
                }
            }
        }
    }

    [TestMethod]
    public void A_failed_replay_that_wrote_nothing_leaves_no_destination()
    {
        using var dir = new TempDirectory();
        string source = dir.Combine("logs");
        // The first run fails in its purge pre-pass, before it writes anything; its helper replays b meanwhile.
        string a = Write(Path.Combine(source, "a"), "events.out.tfevents.1.h", [Version(), .. Scalars("loss", 0, 50_000)]);
        SpoilDataCrc(a, 49_000);
        Write(Path.Combine(source, "b"), "events.out.tfevents.1.h", [Version(), .. Scalars("acc", 0, 100)]);
        foreach (int threads in new[] { 1, 2 })
        {
            string created = dir.Combine($"new{threads}");
            Assert.ThrowsExactly<TfRecordCorruptException>(() => LogReplayer.Replay(source, Path.Combine(created, "deeper", "out"), null, new LogDirReaderOptions
            {
                MaxDegreeOfParallelism = threads,
                RecordOptions = new() { SkipCorruptRecords = false },
            }));
            Assert.IsFalse(Directory.Exists(created), $"{threads} threads");
        }
        // A destination that was there already stays.
        Directory.CreateDirectory(dir.Combine("existing"));
        Assert.ThrowsExactly<TfRecordCorruptException>(() => LogReplayer.Replay(source, dir.Combine("existing"), null, new LogDirReaderOptions
        {
            MaxDegreeOfParallelism = 2,
            RecordOptions = new() { SkipCorruptRecords = false },
        }));
        Assert.IsEmpty(Directory.GetFileSystemEntries(dir.Combine("existing")));
    }

    [TestMethod]
    public void A_run_replayed_ahead_whose_progress_report_throws_is_removed()
    {
        using var dir = new TempDirectory();
        string source = dir.Combine("logs");
        Write(Path.Combine(source, "a"), "events.out.tfevents.1.h", [Version(), .. Scalars("loss", 0, 40_000)]);
        Write(Path.Combine(source, "b"), "events.out.tfevents.1.h", [Version(), .. Scalars("loss", 0, 40_000)]);
        // A progress sink that cancels at its first report (65,536 events: inside run b).
        var cancelling = new Progress(value => throw new OperationCanceledException($"cancelled at {value}"));
        // One thread: a whole, b as far as the replay got (its writer closed on the way out).
        Assert.ThrowsExactly<OperationCanceledException>(() => LogReplayer.Replay(source, dir.Combine("one"), new ReplayOptions { Progress = cancelling },
            new LogDirReaderOptions { MaxDegreeOfParallelism = 1 }));
        var one = ReplayOutput.Runs(dir.Combine("one"));
        Assert.HasCount(40_000, one["a"]);
        Assert.IsLessThan(40_000, one["b"].Count);
        // Two threads: b was replayed whole by its helper and fails as the caller takes it (its events counted at
        // once): it is removed, directory and all, rather than left complete after the failure.
        var error = Assert.ThrowsExactly<OperationCanceledException>(() => LogReplayer.Replay(source, dir.Combine("two"), new ReplayOptions { Progress = cancelling },
            new LogDirReaderOptions { MaxDegreeOfParallelism = 2 }));
        Assert.AreEqual("cancelled at 80002", error.Message);
        CollectionAssert.AreEqual(new[] { "a" }, ReplayOutput.Runs(dir.Combine("two")).Keys.ToList());
        CollectionAssert.AreEqual(new[] { "a" }, Directory.GetFileSystemEntries(dir.Combine("two")).Select(Path.GetFileName).ToList());
    }

    /// <summary>A progress sink that calls <paramref name="report"/> on the reporting thread.</summary>
    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    private static IEnumerable<Event> Scalars(string tag, int from, int to)
    {
        for (int step = from; step < to; step++)
        {
            yield return Scalar(tag, step, step * 0.5f);
        }
    }

    private static string Write(string directory, string name, IEnumerable<Event> events) => TbLogger.Tests.Reading.EventFiles.Write(directory, name, [.. events]);

    /// <summary>
    /// A file of file_version and <paramref name="events"/>, with a record that verifies but is not an Event before
    /// event <paramref name="at"/>; returns that record's offset.
    /// </summary>
    private static long WriteWithGarbageRecord(string file, int at, IEnumerable<Event> events)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var stream = File.Create(file);
        using var writer = new TfRecordWriter(stream);
        writer.Write(Version().ToByteArray());
        long offset = 0;
        int i = 0;
        foreach (Event e in events)
        {
            if (i++ == at)
            {
                writer.Flush();
                offset = stream.Position;
                writer.Write([0xFF, 0xFF, 0xFF, 0xFF]);
            }
            writer.Write(e.ToByteArray());
        }
        return offset;
    }
}
