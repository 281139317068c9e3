using TbLogger.Reading;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Reading;

/// <summary>TensorBoard's run discovery, multi-file runs and orphaned-data purges.</summary>
[TestClass]
public sealed class PurgeAndFilesTests
{
    private static readonly LogDirReaderOptions Python = LogDirReaderOptions.Default with { Loader = TensorBoardLoader.Python };

    private static List<(long Step, double Value)> Loss(string dir, LogDirReaderOptions? options = null) =>
        new LogDirReader(dir, options).ReadScalars().Where(p => p.Tag == "loss").Select(p => (p.Step, p.Value)).ToList();

    [TestMethod]
    public void PythonLoaderIgnoresTheRunsFirstSessionStartAndPurgesOnTheNext()
    {
        using var temp = new TempDirectory();
        Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1), Scalar("loss", 1, 2), Scalar("acc", 2, 3), Scalar("acc", 3, 4),
            Start(2), Scalar("loss", 2, 30));
        // The first START of a run is a session's start (TensorBoard >= 2.5): nothing is purged.
        Assert.AreEqual(5, new LogDirReader(temp.Path, Python).ReadScalars().Count());
        Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1), Scalar("loss", 1, 2), Scalar("acc", 2, 3), Scalar("acc", 3, 4),
            Start(2), Start(2), Scalar("loss", 2, 30));
        // The second purges every tag's points at steps >= 2, acc's included.
        var points = new LogDirReader(temp.Path, Python).ReadScalars().Select(p => (p.Tag, p.Step, p.Value)).ToList();
        CollectionAssert.AreEqual(new List<(string, long, double)> { ("loss", 0, 1), ("loss", 1, 2), ("loss", 2, 30) }, points);
    }

    [TestMethod]
    public void DataServerIgnoresSessionStartAndEvictsEachTagByStep()
    {
        using var temp = new TempDirectory();
        Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1), Scalar("loss", 1, 2), Scalar("loss", 2, 3), Scalar("loss", 3, 4),
            Scalar("acc", 2, 5), Scalar("acc", 3, 6), Start(2), Start(2), Scalar("loss", 2, 30));
        CollectionAssert.AreEqual(new List<(long, double)> { (0, 1), (1, 2), (2, 30) }, Loss(temp.Path));
        CollectionAssert.AreEqual(new long[] { 2, 3 }, new LogDirReader(temp.Path).ReadScalars(new ReadFilter { Tags = TagFilter.Exact("acc") }).Select(p => p.Step).ToArray());
    }

    [TestMethod]
    public void PurgeCrossesFilesOfOneRunInFileNameOrder()
    {
        using var temp = new TempDirectory();
        // The second file (later name) restarts at step 5: the first file's steps 5..9 go.
        Write(temp.Path, "events.out.tfevents.0000000001.h.1.0", [Version(), .. Enumerable.Range(0, 10).Select(s => Scalar("loss", s, s))]);
        Write(temp.Path, "events.out.tfevents.0000000002.h.2.0", [Version(), Start(5), .. Enumerable.Range(5, 3).Select(s => Scalar("loss", s, 100 + s))]);
        var loss = Loss(temp.Path);
        CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3, 4, 5, 6, 7 }, loss.Select(p => p.Step).ToArray());
        CollectionAssert.AreEqual(new double[] { 0, 1, 2, 3, 4, 105, 106, 107 }, loss.Select(p => p.Value).ToArray());
        // One START (PyTorch's purge_step) is the run's first, which the Python loader ignores: all 13 points stay.
        Assert.AreEqual(13, Loss(temp.Path, Python).Count);
    }

    [TestMethod]
    public void TheDataServersPurgePassStopsAtACancelledTokenBeforeItsFirstBatch()
    {
        // The pass takes 4,096 records per call and checks the token before each, the first included: a run shorter
        // than one batch stops too. An uncancelled token reads to the end (the repeated step is the mark).
        using var temp = new TempDirectory();
        Write(temp.Path, "events.out.tfevents.1.a", [Version(), .. Enumerable.Range(0, 100).Select(s => Scalar("loss", s, s)), Scalar("loss", 99, -1)]);
        RunInfo run = new LogDirReader(temp.Path).GetRuns().Single();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => PurgePlan.For(run, LogDirReaderOptions.Default, cancellation: cancelled.Token));
        // Record 0 is the file version: the repeated step 99 is record 101.
        CollectionAssert.AreEqual(new long[] { 101 }, PurgePlan.For(run, LogDirReaderOptions.Default).MarksFor("loss")!.Ordinals);
    }

    [TestMethod]
    public void PurgeOffKeepsEverything()
    {
        using var temp = new TempDirectory();
        Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1), Scalar("loss", 1, 2), Start(1), Scalar("loss", 1, 20));
        Assert.AreEqual(3, Loss(temp.Path, LogDirReaderOptions.Default with { PurgeOrphanedData = false }).Count);
    }

    [TestMethod]
    public void WithFileVersion2AnOutOfOrderStepDoesNotPurge()
    {
        using var temp = new TempDirectory();
        Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 5, 1), Scalar("loss", 6, 2), Scalar("loss", 3, 3), Scalar("loss", 3, 4));
        // The Python loader keeps every point; the data server's step 3 evicts 5 and 6, and the repeat keeps the last.
        CollectionAssert.AreEqual(new long[] { 5, 6, 3, 3 }, Loss(temp.Path, Python).Select(p => p.Step).ToArray());
        CollectionAssert.AreEqual(new List<(long, double)> { (3, 4) }, Loss(temp.Path));
    }

    [TestMethod]
    public void WithoutFileVersionAnOutOfOrderStepPurgesItsOwnTagOnly()
    {
        using var temp = new TempDirectory();
        Write(temp.Path, "events.out.tfevents.1.a",
            Scalar("loss", 1, 1), Scalar("acc", 1, 0.1f), Scalar("loss", 2, 2), Scalar("acc", 2, 0.2f), Scalar("loss", 3, 3), Scalar("acc", 3, 0.3f),
            Scalar("loss", 2, 20));
        foreach (var options in new[] { Python, LogDirReaderOptions.Default })
        {
            var reader = new LogDirReader(temp.Path, options);
            CollectionAssert.AreEqual(new long[] { 1, 2 }, Loss(temp.Path, options).Select(p => p.Step).ToArray());
            Assert.AreEqual(20d, Loss(temp.Path, options)[1].Value);
            Assert.AreEqual(3, reader.ReadScalars(new ReadFilter { Tags = TagFilter.Exact("acc") }).Count());
        }
    }

    [TestMethod]
    public void ReadEventsDropsPurgedEventsAndKeepsTheRest()
    {
        using var temp = new TempDirectory();
        Write(temp.Path, "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1), Scalar("loss", 1, 2), Start(1), Start(1), Scalar("loss", 1, 20));
        var reader = new LogDirReader(temp.Path, Python);
        var events = reader.ReadEvents(reader.GetRuns().Single()).Select(e => e.Event).ToList();
        Assert.AreEqual(5, events.Count);
        Assert.AreEqual("brain.Event:2", events[0].FileVersion);
        Assert.AreEqual(1f, events[1].Summary.Value[0].SimpleValue);
        Assert.AreEqual(Protos.SessionLog.Types.SessionStatus.Start, events[2].SessionLog.Status);
        Assert.AreEqual(Protos.SessionLog.Types.SessionStatus.Start, events[3].SessionLog.Status);
        Assert.AreEqual(20f, events[4].Summary.Value[0].SimpleValue);
        // The data server evicts the value, not the event: the event at step 1 stays with an empty summary.
        var served = new LogDirReader(temp.Path).ReadEvents(reader.GetRuns().Single()).Select(e => e.Event).ToList();
        Assert.AreEqual(6, served.Count);
        Assert.AreEqual(0, served[2].Summary.Value.Count);
        Assert.AreEqual(20f, served[5].Summary.Value[0].SimpleValue);
    }

    [TestMethod]
    public void RunsAreDirectoriesWithEventFilesNamedRelativeToTheLogDirectory()
    {
        using var temp = new TempDirectory();
        Write(temp.Path, "events.out.tfevents.1.root", Version(), Scalar("loss", 0, 1));
        Write(temp.Combine("a", "b"), "events.out.tfevents.1.x", Version(), Scalar("loss", 0, 2));
        Write(temp.Combine("c"), "events.out.tfevents.1.y", Version());
        Directory.CreateDirectory(temp.Combine("empty"));
        File.WriteAllText(temp.Combine("c", "notes.txt"), "not an event file");
        var runs = new LogDirReader(temp.Path).GetRuns();
        CollectionAssert.AreEqual(new[] { ".", "a/b", "c" }, runs.Select(r => r.Name).ToArray());
        Assert.AreEqual(1, runs[2].Files.Count);
        var summary = new LogDirReader(temp.Path).Summarize();
        Assert.AreEqual(0, summary.Single(r => r.Run == "c").Tags.Count);
    }

    [TestMethod]
    public void MissingDirectoryThrowsWithItsName()
    {
        var ex = Assert.ThrowsExactly<DirectoryNotFoundException>(() => new LogDirReader("/no/such/logdir"));
        Assert.AreEqual("Log directory '/no/such/logdir' does not exist.", ex.Message);
    }
}
