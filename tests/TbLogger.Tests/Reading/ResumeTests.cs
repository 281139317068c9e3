using TbLogger.Events;
using TbLogger.Reading;
using TbLogger.Storage;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Reading;

/// <summary>
/// Resume with <see cref="SummaryWriterOptions.PurgeStep"/> as TensorBoard 2.20 shows it under both of its loaders:
/// the served view of a crash at step 99 resumed at 50 (recorded from the real TensorBoard, Python loader), the writer's
/// two START events and the file name that sorts last.
/// </summary>
[TestClass]
public sealed class ResumeTests
{
    private static readonly LogDirReaderOptions Python = LogDirReaderOptions.Default with { Loader = TensorBoardLoader.Python };

    private static string Fixture => Path.Combine(AppContext.BaseDirectory, "Fixtures", "resume");

    /// <summary>What the fixture's program wrote: "loss" = step and "old_only" = -step at 0..99, then resumed at 50 with "loss" = 1000 + step at 50..79.</summary>
    private static void WriteCrashAndResume(string run)
    {
        using (var crashed = new SummaryWriter(run))
        {
            for (int s = 0; s < 100; s++)
            {
                crashed.AddScalar("loss", s, s);
                crashed.AddScalar("old_only", -s, s);
            }
        }
        using var resumed = new SummaryWriter(run, new SummaryWriterOptions { PurgeStep = 50 });
        for (int s = 50; s < 80; s++)
        {
            resumed.AddScalar("loss", 1000 + s, s);
        }
    }

    [TestMethod]
    public void TheServedResumeIsOldStepsBelowThePurgeStepAndNewOnesFromIt()
    {
        var served = TensorBoardView.Load(Path.Combine(Fixture, "tb_query.json"));
        var loss = served.GetProperty("plugins").GetProperty("scalars").GetProperty("runs").GetProperty("resumed").GetProperty("loss").GetProperty("points");
        Assert.AreEqual(80, loss.GetArrayLength());
        Assert.AreEqual(49d, loss[49][1].GetDouble());
        Assert.AreEqual(1050d, loss[50][1].GetDouble());
        // Our reader emulating the Python loader (what the harness serves) shows exactly that, old_only's purge included.
        Assert.AreEqual(80 + 50, TensorBoardView.AssertReaderShows(Fixture, served, Python));
    }

    [TestMethod]
    public void TheDataServerShowsTheSameResumedTagAndKeepsATagNotLoggedAgain()
    {
        var reader = new LogDirReader(Fixture);
        var loss = reader.ReadScalars(new ReadFilter { Tags = TagFilter.Exact("loss") }).ToList();
        CollectionAssert.AreEqual(Enumerable.Range(0, 80).Select(s => (long)s).ToArray(), loss.Select(p => p.Step).ToArray());
        CollectionAssert.AreEqual(Enumerable.Range(0, 80).Select(s => s < 50 ? (double)s : 1000 + s).ToArray(), loss.Select(p => p.Value).ToArray());
        // The one corner where the loaders differ: nothing evicts old_only's steps 50..99 in the data server.
        Assert.AreEqual(100, reader.ReadScalars(new ReadFilter { Tags = TagFilter.Exact("old_only") }).Count());
        Assert.AreEqual(50, new LogDirReader(Fixture, Python).ReadScalars(new ReadFilter { Tags = TagFilter.Exact("old_only") }).Count());
    }

    [TestMethod]
    public void TodaysWriterStillProducesTheServedResume()
    {
        using var dir = new TempDirectory();
        WriteCrashAndResume(Path.Combine(dir.Path, "resumed"));
        var served = TensorBoardView.Load(Path.Combine(Fixture, "tb_query.json"));
        Assert.AreEqual(130, TensorBoardView.AssertReaderShows(dir.Path, served, Python));
        Assert.AreEqual(80, new LogDirReader(dir.Path).ReadScalars(new ReadFilter { Tags = TagFilter.Exact("loss") }).Count());
    }

    [TestMethod]
    public void AResumedWriterWritesTwoStartsAtThePurgeStepAndAFreshWriterNone()
    {
        using var dir = new TempDirectory();
        WriteCrashAndResume(dir.Path);
        var files = Directory.GetFiles(dir.Path).Order(StringComparer.Ordinal).ToArray();
        Assert.AreEqual(2, files.Length);
        var fresh = EventFileReader.Read(files[0]).ToList();
        Assert.IsFalse(fresh.Any(e => e.WhatCase == Protos.Event.WhatOneofCase.SessionLog));
        var resumed = EventFileReader.Read(files[1]).ToList();
        Assert.AreEqual("brain.Event:2", resumed[0].FileVersion);
        for (int i = 1; i <= 2; i++)
        {
            Assert.AreEqual(Protos.SessionLog.Types.SessionStatus.Start, resumed[i].SessionLog.Status);
            Assert.AreEqual(50L, resumed[i].Step);
        }
        Assert.AreEqual(Protos.Event.WhatOneofCase.Summary, resumed[3].WhatCase);
    }

    [TestMethod]
    public void AResumeAfterARunThatAlreadyHadAStartStillPurges()
    {
        // A run first written by PyTorch with purge_step (one START) and then resumed by us: the Python loader takes
        // PyTorch's START as the session start and our first as a restart; the second purges again, harmlessly.
        using var dir = new TempDirectory();
        EventFiles.Write(dir.Path, "events.out.tfevents.0000000001.h.1.0",
            [EventFiles.Version(), EventFiles.Start(0), .. Enumerable.Range(0, 10).Select(s => EventFiles.Scalar("loss", s, s))]);
        using (var resumed = new SummaryWriter(dir.Path, new SummaryWriterOptions { PurgeStep = 4 }))
        {
            resumed.AddScalar("loss", 40, 4);
        }
        foreach (var options in new[] { Python, LogDirReaderOptions.Default })
        {
            CollectionAssert.AreEqual(new double[] { 0, 1, 2, 3, 40 }, new LogDirReader(dir.Path, options).ReadScalars().Select(p => p.Value).ToArray());
        }
    }

    [TestMethod]
    public void ANewEventFileSortsAfterEveryEventFileInItsDirectory()
    {
        using var dir = new TempDirectory();
        // A file from a clock far ahead (or another host named later) would otherwise be read after ours.
        EventFiles.Write(dir.Path, "events.out.tfevents.4000000000.zzzz.1.0", EventFiles.Version(), EventFiles.Scalar("loss", 0, 1));
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { PurgeStep = 0 }))
        {
            writer.AddScalar("loss", 2, 0);
        }
        var names = Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        StringAssert.StartsWith(names[1], "events.out.tfevents.4000000001.");
        CollectionAssert.AreEqual(new double[] { 2 }, new LogDirReader(dir.Path).ReadScalars().Select(p => p.Value).ToArray());
    }

    [TestMethod]
    public void NamesThatNoTimeCanBeatAreLeftToSortFirst()
    {
        // A hostile name chooses only how our file's time is picked, never where it goes or that it is created.
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        StringAssert.StartsWith(EventFileNames.NextAfter(now, null, ["/x/events.out.tfevents.9999999999.h.1.0"]), "events.out.tfevents.1700000000.");
        StringAssert.StartsWith(EventFileNames.NextAfter(now, null, ["events.out.tfevents.zzz"]), "events.out.tfevents.1700000000.");
        StringAssert.StartsWith(EventFileNames.NextAfter(now, null, ["notes.txt", "zz.tfevents"]), "events.out.tfevents.1700000000.");
        StringAssert.StartsWith(EventFileNames.NextAfter(now, ".x", ["events.out.tfevents.1800000000.a.1.0"]), "events.out.tfevents.1800000001.");
        Assert.ThrowsExactly<ArgumentNullException>(() => EventFileNames.NextAfter(now, null, null!));
    }
}
