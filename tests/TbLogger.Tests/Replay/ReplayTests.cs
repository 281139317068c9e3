using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading.Verify;
using TbLogger.Reading;
using TbLogger.Replay;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Replay;

[TestClass]
public sealed class ReplayTests
{
    private static readonly string s_golden = Path.GetDirectoryName(Fixtures.TorchRun1)!;

    [TestMethod]
    public void FullReplayOfTheGoldenDirectoryReadsBackIdentically()
    {
        using var temp = new TempDirectory();
        var result = LogReplayer.Replay(s_golden, temp.Combine("out"));
        Assert.AreEqual(4, result.RunsRead);
        Assert.AreEqual(4, result.RunsWritten);
        var before = new LogDirReader(s_golden);
        var after = new LogDirReader(temp.Combine("out"));
        CollectionAssert.AreEqual(before.ReadScalars().ToList(), after.ReadScalars().ToList());
        CollectionAssert.AreEqual(before.ReadHistograms().Select(h => (h.Run, h.Tag, h.Step, h.Buckets.Count)).ToList(), after.ReadHistograms().Select(h => (h.Run, h.Tag, h.Step, h.Buckets.Count)).ToList());
        CollectionAssert.AreEqual(before.ReadImages().Select(i => i.Encoded.ToArray().Length).ToList(), after.ReadImages().Select(i => i.Encoded.ToArray().Length).ToList());
        Assert.AreEqual(before.ReadPrCurves().Count(), after.ReadPrCurves().Count());
        Assert.AreEqual("adam", after.ReadHParamsSessions().Single().HParams["optimizer"]);
        Assert.AreEqual(2, after.ReadCustomScalarLayouts().Single().Categories.Count);
        // Valid by construction: every output file starts with file_version and verifies clean.
        Assert.IsTrue(LogVerifier.Verify(temp.Combine("out")).IsClean);
        foreach (var file in Directory.GetFiles(temp.Combine("out"), "*tfevents*", SearchOption.AllDirectories))
        {
            Assert.AreEqual(EventFileWriter.FileVersion, EventFileReader.Read(file).First().FileVersion);
        }
    }

    [TestMethod]
    public void FiltersRenamesAndTimeShiftApply()
    {
        using var temp = new TempDirectory();
        LogReplayer.Replay(s_golden, temp.Combine("out"), new ReplayOptions
        {
            Filter = new ReadFilter { Runs = TagFilter.Exact("run1"), Tags = TagFilter.Glob("train/*"), Steps = StepRange.Parse("10:19") },
            Renames = [TagRename.Parse("train/loss=loss"), TagRename.Parse("train/*=old/*")],
            TimeShift = TimeSpan.FromHours(1),
        });
        var points = new LogDirReader(temp.Combine("out")).ReadScalars().ToList();
        CollectionAssert.AreEquivalent(new[] { "loss", "old/accuracy", "old/lr_newstyle", "old/x_double" }, points.Select(p => p.Tag).Distinct().ToArray());
        Assert.IsTrue(points.All(p => p.Step is >= 10 and <= 19));
        var loss10 = points.First(p => p.Tag == "loss");
        Assert.AreEqual((10L, 1700000010.0 + 3600, 22.5), (loss10.Step, loss10.WallTime, loss10.Value));
        Assert.AreEqual(1, new LogDirReader(temp.Combine("out")).GetRuns().Count);
    }

    [TestMethod]
    public void ReservoirKeepsAtMostNPerTagInOrderWithTheLast()
    {
        using var temp = new TempDirectory();
        var result = LogReplayer.Replay(s_golden, temp.Combine("out"), new ReplayOptions { Filter = new ReadFilter { Tags = TagFilter.Exact("train/loss") }, MaxPointsPerTag = 10 });
        var steps = new LogDirReader(temp.Combine("out")).ReadScalars().Select(p => p.Step).ToList();
        Assert.AreEqual(10, steps.Count);
        Assert.AreEqual(99L, steps[^1]);
        CollectionAssert.AreEqual(steps.Order().ToList(), steps);
        Assert.AreEqual(90L, result.ValuesDropped - (new LogDirReader(s_golden).Summarize().Sum(r => r.Tags.Sum(t => t.Count)) - 100));
        // Seeded: the same replay keeps the same points.
        LogReplayer.Replay(s_golden, temp.Combine("again"), new ReplayOptions { Filter = new ReadFilter { Tags = TagFilter.Exact("train/loss") }, MaxPointsPerTag = 10 });
        CollectionAssert.AreEqual(steps, new LogDirReader(temp.Combine("again")).ReadScalars().Select(p => p.Step).ToList());
    }

    [TestMethod]
    public void KeepEveryKeepsTheFirstOfEachGroupAndMetadataSurvives()
    {
        using var temp = new TempDirectory();
        // TF writes plugin metadata only with a tag's first value: replay must carry it to the first kept value.
        var first = new Event { Step = 0, WallTime = 1, Summary = TbLogger.Summaries.Scalar("t", 0.5) };
        var later = Enumerable.Range(1, 9).Select(s => new Event { Step = s, WallTime = 1 + s, Summary = new Summary { Value = { new Summary.Types.Value { Tag = "t", Tensor = TbLogger.Summaries.Scalar("t", s).Value[0].Tensor } } } });
        Write(temp.Combine("src"), "events.out.tfevents.1.a", [Version(), first, .. later]);
        LogReplayer.Replay(temp.Combine("src"), temp.Combine("out"), new ReplayOptions { KeepEvery = 3, Filter = new ReadFilter { Steps = StepRange.Parse("1:") } });
        var points = new LogDirReader(temp.Combine("out")).ReadScalars().ToList();
        CollectionAssert.AreEqual(new long[] { 1, 4, 7 }, points.Select(p => p.Step).ToArray());
        CollectionAssert.AreEqual(new double[] { 1, 4, 7 }, points.Select(p => p.Value).ToArray());
    }

    [TestMethod]
    public void EachOutputTagCarriesItsMetadataOnceUnlessItChanges()
    {
        using var temp = new TempDirectory();
        // PyTorch writes a scalar's plugin metadata with every value; two source tags renamed into one share it; a value
        // whose metadata says something else (a description) keeps its own, as the writer keeps it.
        Summary Loss(string tag, double value, string? description = null)
        {
            var summary = TbLogger.Summaries.Scalar(tag, value);
            if (description is not null)
            {
                summary.Value[0].Metadata.SummaryDescription = description;
            }
            return summary;
        }
        var events = new List<Event> { Version() };
        for (int step = 0; step < 6; step++)
        {
            events.Add(new Event { Step = step, WallTime = 10 + step, Summary = Loss("a", step, step == 4 ? "changed" : null) });
            events.Add(new Event { Step = step, WallTime = 10 + step, Summary = Loss("b", -step) });
        }
        Write(temp.Combine("src", "r1"), "events.out.tfevents.1.a", [.. events]);
        Write(temp.Combine("src", "r2"), "events.out.tfevents.1.a", [.. events]);

        LogReplayer.Replay(temp.Combine("src"), temp.Combine("out"), new ReplayOptions { Renames = [TagRename.Parse("b=a")] });

        foreach (string run in new[] { "r1", "r2" })
        {
            var written = EventFileReader.Read(Directory.GetFiles(temp.Combine("out", run)).Single()).Skip(1).ToList();
            Assert.HasCount(12, written, run);
            Assert.IsTrue(written.All(e => e.Summary.Value.Single().Tag == "a"), run);
            CollectionAssert.AreEqual(
                Enumerable.Range(0, 6).SelectMany(s => new[] { (double)s, -s }).ToArray(),
                written.Select(e => (double)e.Summary.Value[0].Tensor.FloatVal[0]).ToArray(), run);
            // With metadata: the first value of the run's file, and the one whose metadata differs from it.
            CollectionAssert.AreEqual(
                new[] { "0:", "8:changed" },
                written.Select((e, i) => (i, e.Summary.Value[0].Metadata)).Where(p => p.Metadata is not null).Select(p => $"{p.i}:{p.Metadata.SummaryDescription}").ToArray(), run);
        }
    }

    [TestMethod]
    public void MergeWritesSelectedRunsIntoOneWithPrefixedTags()
    {
        using var temp = new TempDirectory();
        LogReplayer.Replay(s_golden, temp.Combine("out"), new ReplayOptions { Filter = new ReadFilter { Runs = TagFilter.Glob("run1/group_*") }, MergeInto = "groups", PrefixTagsWithRun = true });
        var reader = new LogDirReader(temp.Combine("out"));
        Assert.AreEqual("groups", reader.GetRuns().Single().Name);
        var byTag = reader.ReadScalars().GroupBy(p => p.Tag).ToDictionary(g => g.Key, g => g.Select(p => p.Value).ToList());
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(s => (double)s).ToList(), byTag["run1/group_a/group"]);
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(s => 2.0 * s).ToList(), byTag["run1/group_b/group"]);
    }

    [TestMethod]
    public void MergeWithPrefixesKeepsTheTagsTensorBoardLooksForByName()
    {
        using var temp = new TempDirectory();
        var result = LogReplayer.Replay(s_golden, temp.Combine("out"), new ReplayOptions { MergeInto = "all", PrefixTagsWithRun = true });
        var reader = new LogDirReader(temp.Combine("out"));
        Assert.AreEqual("all", reader.GetRuns().Single().Name);
        // The hparams session and the custom scalars layout keep their tags, so their dashboards still find them.
        var session = reader.ReadHParamsSessions().Single();
        Assert.AreEqual("adam", session.HParams["optimizer"]);
        Assert.AreEqual(2, reader.ReadCustomScalarLayouts().Single().Categories.Count);
        var source = new LogDirReader(s_golden);
        var hparamsTags = source.Values(ReadFilter.All, PluginKind.HParams).Select(v => v.Tag).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.IsNotEmpty(hparamsTags);
        CollectionAssert.AreEqual(hparamsTags, reader.Values(ReadFilter.All, PluginKind.HParams).Select(v => v.Tag).Distinct().Order(StringComparer.Ordinal).ToArray());
        // Every other tag is prefixed with its run, so no tag goes back in step.
        CollectionAssert.AreEquivalent(
            source.ReadScalars().Select(p => $"{p.Run}/{p.Tag}@{p.Step}={p.Value}").ToArray(),
            reader.ReadScalars().Select(p => $"{p.Tag}@{p.Step}={p.Value}").ToArray());
        Assert.AreEqual(0L, result.StepViolations);
    }

    [TestMethod]
    public void MergeWithoutPrefixesCountsThePointsThatMakeTensorBoardDropEarlierOnes()
    {
        using var temp = new TempDirectory();
        // Run a logs steps 0-4, run b steps 3-5 of the same tag (a resumed run, say), run c another tag.
        Write(temp.Combine("src", "a"), "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 10), Scalar("loss", 1, 11), Scalar("loss", 2, 12), Scalar("loss", 3, 13), Scalar("loss", 4, 14));
        Write(temp.Combine("src", "b"), "events.out.tfevents.1.b", Version(), Scalar("loss", 3, 23), Scalar("loss", 4, 24), Scalar("loss", 5, 25));
        Write(temp.Combine("src", "c"), "events.out.tfevents.1.c", Version(), Scalar("acc", 0, 1), Scalar("acc", 0, 2));
        var result = LogReplayer.Replay(temp.Combine("src"), temp.Combine("out"), new ReplayOptions { MergeInto = "merged" });
        // c's repeated step was resolved as TensorBoard's loader resolves it when the source was read (its later point).
        Assert.AreEqual((9L, 0L), (result.ValuesWritten, result.ValuesDropped));
        // b's step 3 goes back from a's 4; b's step 4 then follows its 3.
        Assert.AreEqual(1L, result.StepViolations);
        // What TensorBoard shows: a's points before b took over, then b's.
        var shown = new LogDirReader(temp.Combine("out")).ReadScalars().Select(p => $"{p.Tag}@{p.Step}={p.Value}").ToArray();
        CollectionAssert.AreEqual(new[] { "acc@0=2", "loss@0=10", "loss@1=11", "loss@2=12", "loss@3=23", "loss@4=24", "loss@5=25" }, shown.Order(StringComparer.Ordinal).ToArray());
        var prefixed = LogReplayer.Replay(temp.Combine("src"), temp.Combine("out2"), new ReplayOptions { MergeInto = "merged", PrefixTagsWithRun = true });
        Assert.AreEqual(0L, prefixed.StepViolations);
        Assert.AreEqual(9, new LogDirReader(temp.Combine("out2")).ReadScalars().Count(), "every point written is shown");
    }

    [TestMethod]
    public void PurgedDataIsNotReplayedAndNoSessionStartIsCopied()
    {
        using var temp = new TempDirectory();
        Write(temp.Combine("src"), "events.out.tfevents.1.a", Version(), Scalar("loss", 0, 1), Scalar("loss", 1, 2), Start(1), Scalar("loss", 1, 20));
        LogReplayer.Replay(temp.Combine("src"), temp.Combine("out"));
        string file = Directory.GetFiles(temp.Combine("out"), "*tfevents*").Single();
        var events = EventFileReader.Read(file).ToList();
        Assert.IsFalse(events.Any(e => e.WhatCase == Event.WhatOneofCase.SessionLog));
        CollectionAssert.AreEqual(new[] { 1f, 20f }, events.Skip(1).Select(e => e.Summary.Value[0].SimpleValue).ToArray());
    }

    [TestMethod]
    public void DestinationMustBeEmptyAndOutsideTheSource()
    {
        using var temp = new TempDirectory();
        Write(temp.Combine("src"), "events.out.tfevents.1.a", Version());
        var inside = Assert.ThrowsExactly<IOException>(() => LogReplayer.Replay(temp.Combine("src"), temp.Combine("src", "out")));
        Assert.AreEqual($"The destination '{temp.Combine("src", "out")}' must not be the source log directory or inside it.", inside.Message);
        File.WriteAllText(temp.Combine("full.txt"), "x");
        Directory.CreateDirectory(temp.Combine("full"));
        File.WriteAllText(temp.Combine("full", "x"), "x");
        var full = Assert.ThrowsExactly<IOException>(() => LogReplayer.Replay(temp.Combine("src"), temp.Combine("full")));
        Assert.AreEqual($"The destination '{temp.Combine("full")}' already exists and is not empty.", full.Message);
        Assert.AreEqual("Rename 'abc' is not of the form old=new.", Assert.ThrowsExactly<FormatException>(() => TagRename.Parse("abc")).Message);
    }
}
