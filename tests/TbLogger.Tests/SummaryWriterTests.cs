using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Tests.Support;

namespace TbLogger.Tests;

[TestClass]
public sealed class SummaryWriterTests
{
    private static readonly DateTimeOffset s_t0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_250);

    [TestMethod]
    public void RoundTripsScalarsTextAndSummariesFieldByField()
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new SummaryWriter(dir.Path))
        {
            path = writer.FilePath;
            writer.AddScalar("train/loss", 0.25, step: 10, s_t0);
            writer.AddScalar("train/acc", 0.5f, step: 11, s_t0.AddSeconds(1));
            writer.AddScalar("weird", double.NaN, step: -3, s_t0);
            writer.AddScalar("weird", double.NegativeInfinity, step: long.MaxValue, s_t0);
            writer.AddText("notes", "**markdown** text", step: 0, s_t0);
            writer.AddSummary(TbLogger.Summaries.Scalar("custom", 2, ScalarEncoding.SimpleValue), step: 5, s_t0);
        }

        var events = EventFileReader.Read(path).ToList();
        Assert.AreEqual(7, events.Count);
        Assert.AreEqual("brain.Event:2", events[0].FileVersion);
        var e = events.Skip(1).ToList();

        Assert.AreEqual((1_700_000_000.25, 10L), (e[0].WallTime, e[0].Step));
        var loss = e[0].Summary.Value.Single();
        Assert.AreEqual("train/loss", loss.Tag);
        Assert.AreEqual(DataType.DtFloat, loss.Tensor.Dtype);
        Assert.IsNull(loss.Tensor.TensorShape, "rank 0 written as an absent shape");
        Assert.AreEqual(0.25f, loss.Tensor.FloatVal.Single());
        Assert.AreEqual("scalars", loss.Metadata.PluginData.PluginName);
        Assert.AreEqual(DataClass.Scalar, loss.Metadata.DataClass);
        Assert.AreEqual(TbLogger.Summaries.Scalar("train/loss", 0.25), e[0].Summary);

        Assert.AreEqual((1_700_000_001.25, 11L, 0.5f), (e[1].WallTime, e[1].Step, e[1].Summary.Value[0].Tensor.FloatVal[0]));
        Assert.IsTrue(float.IsNaN(e[2].Summary.Value[0].Tensor.FloatVal[0]));
        Assert.AreEqual(-3L, e[2].Step);
        Assert.AreEqual((long.MaxValue, float.NegativeInfinity), (e[3].Step, e[3].Summary.Value[0].Tensor.FloatVal[0]));

        Assert.AreEqual(TbLogger.Summaries.Text("notes", "**markdown** text"), e[4].Summary);
        Assert.AreEqual("notes", e[4].Summary.Value[0].Tag);
        Assert.AreEqual((5L, 2f), (e[5].Step, e[5].Summary.Value[0].SimpleValue));
    }

    [TestMethod]
    [DataRow(ScalarEncoding.SimpleValue)]
    [DataRow(ScalarEncoding.Float64Tensor)]
    public void ScalarEncodingOptionIsHonoured(ScalarEncoding encoding)
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { ScalarEncoding = encoding }))
        {
            path = writer.FilePath;
            writer.AddScalar("x", 0.1, 1, s_t0);
        }
        var value = EventFileReader.Read(path).Last();
        Assert.AreEqual(new Event { WallTime = 1_700_000_000.25, Step = 1, Summary = TbLogger.Summaries.Scalar("x", 0.1, encoding) }, value);
        if (encoding == ScalarEncoding.Float64Tensor)
        {
            Assert.AreEqual(0.1, value.Summary.Value[0].Tensor.DoubleVal[0]);
        }
    }

    [TestMethod]
    public void WholeNumbersKeepFullPrecisionInDoubleMode()
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { ScalarEncoding = ScalarEncoding.Float64Tensor }))
        {
            path = writer.FilePath;
            writer.AddScalar("int", 16_777_217, 1);            // not representable as float
            writer.AddScalar("long", 123_456_789_012L, 1);
        }
        var values = EventFileReader.Read(path).Skip(1).Select(e => e.Summary.Value[0].Tensor.DoubleVal[0]).ToArray();
        CollectionAssert.AreEqual(new[] { 16_777_217d, 123_456_789_012d }, values);
    }

    [TestMethod]
    public async Task DisposeAsyncDrainsEveryRun()
    {
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path);
        writer.AddScalar("x", 1, 1);
        writer.AddScalars("m", new Dictionary<string, double> { ["a"] = 2 }, 1);
        await writer.DisposeAsync();
        await writer.DisposeAsync();
        Assert.AreEqual(2, EventFileReader.Read(writer.FilePath).Count());
        Assert.AreEqual(2, EventFileReader.Read(Fixtures.EventFileIn(dir.Combine("m_a"))).Count());
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddScalar("x", 1, 2));
    }

    [TestMethod]
    public void AddScalarsWritesEachKeyToItsOwnSubRunUnderTheMainTag()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            for (int s = 0; s < 3; s++)
            {
                writer.AddScalars("loss", new Dictionary<string, double> { ["train"] = s, ["val"] = 2 * s }, s, s_t0);
            }
        }
        CollectionAssert.AreEquivalent(new[] { "loss_train", "loss_val" }, Directory.GetDirectories(dir.Path).Select(Path.GetFileName).ToArray());
        foreach (var (run, factor) in new[] { ("loss_train", 1), ("loss_val", 2) })
        {
            var events = EventFileReader.Read(Fixtures.EventFileIn(dir.Combine(run))).Skip(1).ToList();
            CollectionAssert.AreEqual(new[] { "loss", "loss", "loss" }, events.Select(e => e.Summary.Value[0].Tag).ToArray());
            CollectionAssert.AreEqual(new[] { 0f, factor, 2f * factor }, events.Select(e => e.Summary.Value[0].Tensor.FloatVal[0]).ToArray());
        }
        // Nothing goes to the main run.
        Assert.AreEqual(1, EventFileReader.Read(Fixtures.EventFileIn(dir.Path)).Count());
    }

    [TestMethod]
    [DataRow("loss", "train", "loss_train")]
    [DataRow("train/loss", "a/b", "train_loss_a/b")]
    [DataRow("metrics/acc", "top/5", "metrics_acc_top/5")]
    [DataRow("..", "..", ".._..")]
    [DataRow("x", "../../etc", "x_../_../etc")]
    [DataRow("x", "a//b/", "x_a/_/b/_")]
    [DataRow("x", "/", "x_/_")]
    [DataRow("a\\b", "c:d", "a_b_c_d")]
    [DataRow("a", "b\\..\\c", "a_b_.._c")]
    [DataRow("tab\tnew", "line\n", "tab_new_line_")]
    public void SubRunNamesNestOnSlashLikePyTorchAndStayInsideTheLogDirectory(string mainTag, string key, string expected)
    {
        string name = SummaryWriter.SubRunName(mainTag, key);
        Assert.AreEqual(expected, name);
        Assert.IsNull(PathPolicy.Problem(name));
        StringAssert.StartsWith(PathPolicy.Resolve("/logs", name, "test"), "/logs/");
    }

    [TestMethod]
    public void AddScalarsKeysWithASlashBecomeNestedRunsAsInPyTorch()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalars("metrics/acc", new Dictionary<string, double> { ["top/1"] = 0.5, ["top/5"] = 0.75, ["../x"] = 1 }, 3);
        }
        var points = new TbLogger.Reading.LogDirReader(dir.Path).ReadScalars().Select(p => (p.Run, p.Tag, p.Step, p.Value)).OrderBy(p => p.Run, StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(new List<(string, string, long, double)>
        {
            ("metrics_acc_../x", "metrics/acc", 3, 1), ("metrics_acc_top/1", "metrics/acc", 3, 0.5), ("metrics_acc_top/5", "metrics/acc", 3, 0.75),
        }, points);
        Assert.IsTrue(Directory.Exists(dir.Combine("metrics_acc_top", "5")));
        Assert.IsTrue(Directory.Exists(dir.Combine("metrics_acc_..", "x")));
    }

    [TestMethod]
    public void PurgeStepWritesTwoSessionLogStartsAfterFileVersion()
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { PurgeStep = 42 }))
        {
            path = writer.FilePath;
            writer.AddScalar("x", 1, 42);
            writer.AddScalars("m", new Dictionary<string, double> { ["k"] = 1 }, 42);
        }
        foreach (var file in new[] { path, Fixtures.EventFileIn(dir.Combine("m_k")) })
        {
            var events = EventFileReader.Read(file).ToList();
            Assert.AreEqual("brain.Event:2", events[0].FileVersion);
            // Two STARTs: TensorBoard's Python loader ignores the first START of a run.
            for (int i = 1; i <= 2; i++)
            {
                Assert.AreEqual(Event.WhatOneofCase.SessionLog, events[i].WhatCase);
                Assert.AreEqual(SessionLog.Types.SessionStatus.Start, events[i].SessionLog.Status);
                Assert.AreEqual(42L, events[i].Step);
            }
            Assert.AreEqual(Event.WhatOneofCase.Summary, events[3].WhatCase);
        }
    }

    [TestMethod]
    public void BadTagsAndClosedWritersGetSpecificErrorsAndAcceptedEventsStillReachDisk()
    {
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path);
        writer.AddScalar("kept", 1, 1);
        Assert.AreEqual("tag", Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalar(" ", 1, 1)).ParamName);
        Assert.AreEqual("tag", Assert.ThrowsExactly<ArgumentException>(() => writer.AddText("", "x", 1)).ParamName);
        Assert.AreEqual("mainTag", Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("", new Dictionary<string, double>(), 1)).ParamName);
        Assert.AreEqual("values", Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("m", new Dictionary<string, double> { [""] = 1 }, 1)).ParamName);
        writer.AddScalar("kept", 2, 2);
        writer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddScalar("late", 1, 1));
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddText("late", "x", 1));
        Assert.ThrowsExactly<ObjectDisposedException>(writer.Flush);

        var steps = EventFileReader.Read(writer.FilePath).Skip(1).Select(e => (e.Summary.Value[0].Tag, e.Step)).ToArray();
        CollectionAssert.AreEqual(new[] { ("kept", 1L), ("kept", 2L) }, steps);
    }

    [TestMethod]
    public void A_call_that_meets_a_run_file_disposed_under_it_names_the_SummaryWriter()
    {
        // A call racing with Dispose passes the writer's own check and then meets its run file (or that file's queue)
        // disposed: the error names the type the caller used, not an internal one.
        using var dir = new TempDirectory();
        var options = new SummaryWriterOptions();
        var written = RunFile.Open(TbLogger.Storage.LocalLogStorage.Instance, dir.Path, options);
        var discarded = RunFile.Discarding("rank 1 of 2", options);
        written.Dispose();
        discarded.Dispose();
        foreach (RunFile run in new[] { written, discarded })
        {
            Assert.AreEqual("TbLogger.SummaryWriter", Assert.ThrowsExactly<ObjectDisposedException>(() => run.EnqueueScalar("x", 1, 0, 0)).ObjectName);
            Assert.AreEqual("TbLogger.SummaryWriter", Assert.ThrowsExactly<ObjectDisposedException>(run.Flush).ObjectName);
        }
        using var writer = new SummaryWriter(dir.Combine("w"));
        writer.Dispose();
        Assert.AreEqual("TbLogger.SummaryWriter", Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddScalar("late", 1, 1)).ObjectName);
        // An EventFileWriter of the user's own still names itself.
        var events = new EventFileWriter(dir.Combine("e"));
        events.Dispose();
        Assert.AreEqual("TbLogger.Events.EventFileWriter", Assert.ThrowsExactly<ObjectDisposedException>(() => events.WriteEvent(new TbLogger.Protos.Event())).ObjectName);
    }

    [TestMethod]
    public void FlushMakesEverythingReadableWhileTheWriterStaysOpen()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
        for (int i = 0; i < 1000; i++)
        {
            writer.AddScalar("x", i, i);
        }
        writer.AddScalars("m", new Dictionary<string, double> { ["a"] = 1 }, 0);
        writer.Flush();
        Assert.AreEqual(1001, EventFileReader.Read(writer.FilePath).Count());
        Assert.AreEqual(2, EventFileReader.Read(Fixtures.EventFileIn(dir.Combine("m_a"))).Count());
    }

    // A queue starts small and doubles when a caller outruns its worker, which depends on scheduling: a warm-up cannot
    // be sure to grow it to a large capacity, and a growth during the measured calls allocated 540,720 bytes on a loaded
    // CI machine. At the starting size the queue never grows, so the measured calls allocate only what they allocate.
    private static readonly SummaryWriterOptions QueueThatNeverGrows = new() { MaxQueueEvents = EventFileWriter.InitialQueueSlots };

    [TestMethod]
    public void AddScalarAllocatesNothingPerCall()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path, QueueThatNeverGrows);
        for (int i = -70_000; i < 0; i++)
        {
            writer.AddScalar("train/loss", i, i); // meets the tag once and waits for room as the measured calls will
        }
        writer.Flush();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            writer.AddScalar("train/loss", i * 0.5, i);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.AreEqual(0L, allocated);
    }

    [TestMethod]
    public void AddScalarsOfLinesLoggedBeforeAllocatesNothingPerCall()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path, QueueThatNeverGrows))
        {
            var lines = new Dictionary<string, double> { ["train"] = 0, ["val"] = 0 };
            for (int i = 0; i < 70_000; i++)
            {
                writer.AddScalars("loss", lines, i); // opens both sub-runs and waits for room as the measured calls will
            }
            writer.Flush();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 70_000; i < 80_000; i++)
            {
                lines["train"] = i;
                lines["val"] = 2.0 * i;
                writer.AddScalars("loss", lines, i);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.AreEqual(0L, allocated);
        }
        foreach (var (run, factor) in new[] { ("loss_train", 1.0), ("loss_val", 2.0) })
        {
            var points = new TbLogger.Reading.LogDirReader(dir.Path).ReadScalars().Where(p => p.Run == run && p.Step >= 70_000).ToList();
            Assert.AreEqual(10_000, points.Count, run);
            Assert.IsTrue(points.All(p => p.Tag == "loss" && p.Value == (float)(factor * p.Step)), run);
        }
    }

    [TestMethod]
    public void AddScalarsWithANewBadKeyAmongLinesLoggedBeforeWritesNothing()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalars("m", new Dictionary<string, double> { ["a"] = 0, ["b"] = 0 }, 0);
            var empty = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("m", new Dictionary<string, double> { ["a"] = 1, [""] = 1 }, 1));
            Assert.AreEqual("values", empty.ParamName);
            Assert.AreEqual("AddScalars('m'): a key is empty. (Parameter 'values')", empty.Message);
            var tooLong = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("m", new Dictionary<string, double> { ["b"] = 1, [new string('k', 300)] = 1 }, 1));
            Assert.AreEqual("values", tooLong.ParamName);
            // Known lines through another dictionary type (its enumerator is the interface's), then a new line beside them.
            writer.AddScalars("m", new SortedDictionary<string, double> { ["a"] = 2, ["b"] = 2 }, 2);
            writer.AddScalars("m", new SortedDictionary<string, double> { ["a"] = 3, ["c"] = 3 }, 3);
        }
        var steps = new TbLogger.Reading.LogDirReader(dir.Path).ReadScalars()
            .GroupBy(p => p.Run).ToDictionary(g => g.Key, g => string.Join(",", g.Select(p => $"{p.Step}:{p.Value}")));
        CollectionAssert.AreEquivalent(new[] { "m_a", "m_b", "m_c" }, steps.Keys.ToArray());
        Assert.AreEqual("0:0,2:2,3:3", steps["m_a"]);
        Assert.AreEqual("0:0,2:2", steps["m_b"]);
        Assert.AreEqual("3:3", steps["m_c"]);
    }

    [TestMethod]
    public void AddScalarsUnderStepDisciplineThrowWritesNoLineWhenOneRefusesItsStep()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepDiscipline = StepDiscipline.Throw }))
        {
            writer.AddScalars("loss", new Dictionary<string, double> { ["val"] = 1 }, 10);
            // A new line (train) beside one whose step goes back: the naming path checks both before opening train.
            var back = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("loss", new Dictionary<string, double> { ["train"] = 2, ["val"] = 2 }, 5));
            Assert.AreEqual("Tag 'loss' went back from step 10 to 5; TensorBoard would drop the points at steps >= 5 (StepDiscipline.Throw). (Parameter 'step')", back.Message);
            writer.AddScalars("loss", new Dictionary<string, double> { ["train"] = 3, ["val"] = 3 }, 20);
            writer.AddScalars("loss", new Dictionary<string, double> { ["train"] = 4 }, 30);
            // Both lines known: val (first) would be written at 25 before train refused it without the check.
            var repeat = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("loss", new Dictionary<string, double> { ["val"] = 5, ["train"] = 5 }, 25));
            Assert.AreEqual("step", repeat.ParamName);
            StringAssert.StartsWith(repeat.Message, "Tag 'loss' went back from step 30 to 25;");
            // Two keys of one sub-run (sanitised alike): the second would repeat the first's step in the same file.
            const string Shared = "AddScalars('acc'): keys 'a:b' and 'a_b' both name the sub-run 'acc_a_b' (see SubRunName), so step {0} would repeat there; TensorBoard keeps one point per step. (Parameter 'values')";
            var named = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("acc", new Dictionary<string, double> { ["a:b"] = 1, ["a_b"] = 1 }, 0));
            Assert.AreEqual(string.Format(System.Globalization.CultureInfo.InvariantCulture, Shared, 0), named.Message);
            writer.AddScalars("acc", new Dictionary<string, double> { ["a:b"] = 2 }, 1);
            writer.AddScalars("acc", new Dictionary<string, double> { ["a_b"] = 3 }, 2);
            var known = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("acc", new Dictionary<string, double> { ["a:b"] = 4, ["a_b"] = 4 }, 3));
            Assert.AreEqual(string.Format(System.Globalization.CultureInfo.InvariantCulture, Shared, 3), known.Message);
            Assert.AreEqual(0L, writer.StepViolations);
        }
        var lines = new TbLogger.Reading.LogDirReader(dir.Path).ReadScalars()
            .GroupBy(p => p.Run).ToDictionary(g => g.Key, g => string.Join(",", g.Select(p => $"{p.Step}:{p.Value}")));
        Assert.AreEqual("10:1,20:3", lines["loss_val"]);
        Assert.AreEqual("20:3,30:4", lines["loss_train"]);
        Assert.AreEqual("1:2,2:3", lines["acc_a_b"]);
        Assert.HasCount(3, lines);
    }

    [TestMethod]
    [DataRow(StepDiscipline.Warn)]
    [DataRow(StepDiscipline.Silent)]
    public void AddScalarsKeysSanitizedAlikeInOneCallAreRefusedWhateverTheStepDiscipline(StepDiscipline discipline)
    {
        using var dir = new TempDirectory();
        var reports = new List<StepViolation>();
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepDiscipline = discipline, StepViolationHandler = reports.Add }))
        {
            // New lines: the naming path.
            var fresh = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("m", new Dictionary<string, double> { ["a:b"] = 1, ["a_b"] = 2, ["a\\b"] = 3 }, 0));
            Assert.AreEqual("AddScalars('m'): keys 'a:b' and 'a_b' both name the sub-run 'm_a_b' (see SubRunName), so step 0 would repeat there; TensorBoard keeps one point per step. (Parameter 'values')", fresh.Message);
            Assert.IsFalse(Directory.Exists(Path.Combine(dir.Path, "m_a_b")), "nothing was opened for a refused call");
            // One key per call is one line under either spelling, as before.
            writer.AddScalars("m", new Dictionary<string, double> { ["a:b"] = 10 }, 1);
            writer.AddScalars("m", new Dictionary<string, double> { ["a_b"] = 20 }, 2);
            // Both keys known from earlier calls: the path that allocates nothing refuses them too.
            var known = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("m", new Dictionary<string, double> { ["a_b"] = 30, ["a:b"] = 40 }, 3));
            Assert.AreEqual("AddScalars('m'): keys 'a_b' and 'a:b' both name the sub-run 'm_a_b' (see SubRunName), so step 3 would repeat there; TensorBoard keeps one point per step. (Parameter 'values')", known.Message);
            Assert.AreEqual(0L, writer.StepViolations);
        }
        Assert.IsEmpty(reports);
        var points = new TbLogger.Reading.LogDirReader(dir.Path).ReadScalars().Select(p => $"{p.Run}/{p.Tag}@{p.Step}={p.Value}").ToArray();
        CollectionAssert.AreEqual(new[] { "m_a_b/m@1=10", "m_a_b/m@2=20" }, points);
    }

    [TestMethod]
    public void AddScalarsLinesWithTheSameKeyUnderTwoChartsStayApart()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            for (int s = 0; s < 3; s++)
            {
                writer.AddScalars("loss", new Dictionary<string, double> { ["train"] = s }, s);
                writer.AddScalars("acc", new Dictionary<string, double> { ["train"] = 10 + s }, s);
            }
        }
        var points = new TbLogger.Reading.LogDirReader(dir.Path).ReadScalars().Select(p => $"{p.Run}/{p.Tag}@{p.Step}={p.Value}").Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "acc_train/acc@0=10", "acc_train/acc@1=11", "acc_train/acc@2=12",
            "loss_train/loss@0=0", "loss_train/loss@1=1", "loss_train/loss@2=2",
        }, points);
    }

    [TestMethod]
    [DataRow(32)] // the most lines written without allocating
    [DataRow(33)]
    [DataRow(40)]
    public void AddScalarsOfAWideChartWritesEveryLine(int width)
    {
        using var dir = new TempDirectory();
        var lines = Enumerable.Range(0, width).ToDictionary(i => $"k{i:00}", i => (double)i);
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalars("wide", lines, 0);
            writer.AddScalars("wide", lines.ToDictionary(p => p.Key, p => p.Value + 100), 1);
        }
        var points = new TbLogger.Reading.LogDirReader(dir.Path).ReadScalars().GroupBy(p => p.Run).ToDictionary(g => g.Key, g => g.Select(p => (p.Step, p.Value)).ToArray());
        Assert.AreEqual(width, points.Count);
        for (int i = 0; i < width; i++)
        {
            CollectionAssert.AreEqual(new[] { (0L, (double)i), (1L, i + 100.0) }, points[$"wide_k{i:00}"]);
        }
    }

    [TestMethod]
    public void AddScalarsOfLinesLoggedBeforeBesideANullKeyWritesNothing()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalars("m", new Dictionary<string, double> { ["a"] = 0 }, 0);
            var error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalars("m", new PairDictionary(("a", 1), (null!, 1)), 1));
            Assert.AreEqual("values", error.ParamName);
            writer.AddScalars("m", new PairDictionary(("a", 2)), 2);
        }
        var steps = new TbLogger.Reading.LogDirReader(dir.Path).ReadScalars().Select(p => $"{p.Run}@{p.Step}={p.Value}").ToArray();
        CollectionAssert.AreEqual(new[] { "m_a@0=0", "m_a@2=2" }, steps);
    }

    /// <summary>A read-only dictionary that is not a Dictionary and keeps any key, null too (as a custom one may).</summary>
    private sealed class PairDictionary(params (string Key, double Value)[] pairs) : IReadOnlyDictionary<string, double>
    {
        public double this[string key] => pairs.First(p => p.Key == key).Value;

        public IEnumerable<string> Keys => pairs.Select(p => p.Key);

        public IEnumerable<double> Values => pairs.Select(p => p.Value);

        public int Count => pairs.Length;

        public bool ContainsKey(string key) => pairs.Any(p => p.Key == key);

        public bool TryGetValue(string key, out double value)
        {
            value = ContainsKey(key) ? this[key] : 0;
            return ContainsKey(key);
        }

        public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => pairs.Select(p => KeyValuePair.Create(p.Key, p.Value)).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    [TestMethod]
    public void AddScalarsFromFourThreadsOpensEachLineOnceAndKeepsEveryPoint()
    {
        using var dir = new TempDirectory();
        const int threads = 4;
        const int perThread = 2_000;
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepDiscipline = StepDiscipline.Silent }))
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var lines = new Dictionary<string, double> { ["a"] = t, ["b"] = -t };
                for (int i = 0; i < perThread; i++)
                {
                    writer.AddScalars("m", lines, t * perThread + i);
                }
            });
        }
        CollectionAssert.AreEquivalent(new[] { "m_a", "m_b" }, Directory.GetDirectories(dir.Path).Select(Path.GetFileName).ToArray());
        foreach (var (run, sign) in new[] { ("m_a", 1), ("m_b", -1) })
        {
            Assert.AreEqual(1, Directory.GetFiles(dir.Combine(run)).Length, run);
            // Read as written (the threads' steps interleave, which a loader's view would partly drop).
            var points = EventFileReader.Read(Fixtures.EventFileIn(dir.Combine(run))).Skip(1).ToList();
            CollectionAssert.AreEquivalent(Enumerable.Range(0, threads * perThread).Select(i => (long)i).ToArray(), points.Select(e => e.Step).ToArray(), run);
            Assert.IsTrue(points.All(e => e.Summary.Value[0].Tag == "m" && e.Summary.Value[0].Tensor.FloatVal[0] == sign * (e.Step / perThread)), run);
        }
    }

    [TestMethod]
    public void EightThreadsTimesHundredThousandScalarsKeepEveryEventAndPerThreadOrder()
    {
        using var dir = new TempDirectory();
        const int threads = 8;
        const int perThread = 100_000;
        string path;
        using (var writer = new SummaryWriter(dir.Path))
        {
            path = writer.FilePath;
            var tags = Enumerable.Range(0, threads).Select(t => $"thread/{t}").ToArray();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (int i = 0; i < perThread; i++)
                {
                    writer.AddScalar(tags[t], i, i);
                }
            });
        }
        var next = new long[threads];
        long total = 0;
        foreach (var e in EventFileReader.Read(path).Skip(1))
        {
            var value = e.Summary.Value[0];
            int t = value.Tag[^1] - '0';
            Assert.AreEqual(next[t], e.Step, $"thread {t} out of order");
            Assert.AreEqual((float)next[t], value.Tensor.FloatVal[0]);
            next[t]++;
            total++;
        }
        Assert.AreEqual((long)threads * perThread, total);
        Assert.IsTrue(next.All(n => n == perThread));
    }
}
