using TbLogger.Events;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Events;

[TestClass]
public sealed class StepDisciplineTests
{
    [TestMethod]
    public void RepeatsAndBackwardStepsAreReportedOncePerTagAndAllCounted()
    {
        using var dir = new TempDirectory();
        var reports = new List<StepViolation>();
        string path;
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepViolationHandler = reports.Add }))
        {
            path = writer.FilePath;
            foreach (long step in new long[] { 0, 1, 1, 0, 2, 2 })
            {
                writer.AddScalar("a", step, step);
            }
            foreach (long step in new long[] { 5, 3, 3 })
            {
                writer.AddScalar("b", step, step);
            }
            writer.AddText("t", "x", 4);
            writer.AddText("t", "y", 4);
            Assert.AreEqual(3L + 2 + 1, writer.StepViolations);
        }
        Assert.AreEqual(3, reports.Count);
        Assert.AreEqual(new StepViolation(path, "a", 1, 1), reports[0]);
        Assert.IsTrue(reports[0].IsRepeat);
        Assert.AreEqual(new StepViolation(path, "b", 3, 5), reports[1]);
        Assert.IsFalse(reports[1].IsRepeat);
        StringAssert.StartsWith(reports[1].ToString(), "TbLogger: tag 'b' went back from step 5 to 3 in '");
        Assert.AreEqual(new StepViolation(path, "t", 4, 4), reports[2]);
        // Warn never loses data: every write is in the file.
        Assert.AreEqual(1 + 6 + 3 + 2, EventFileReader.Read(path).Count());
    }

    [TestMethod]
    public void AViolationHandlerThatThrowsOnADeferredValueLosesNothing()
    {
        // The handler runs after the value is queued: its exception reaches the caller, and the value is still
        // written, from its own buffers (they used to go back to the pool at once, and the value failed to build on
        // the writer thread, which then cost the next call its own event too).
        using var dir = new TempDirectory();
        var options = new SummaryWriterOptions { StepViolationHandler = v => throw new InvalidOperationException($"handler: {v.Tag} at {v.Step}") };
        using (var writer = new SummaryWriter(dir.Path, options))
        {
            writer.AddHistogram("h", new float[] { 1, 2, 3 }, 5);
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => writer.AddHistogram("h", new float[] { 4, 5, 6 }, 5));
            Assert.AreEqual("handler: h at 5", error.Message);
            writer.Flush();
            Assert.IsTrue(writer.AddScalar("s", 1, 0));
            Assert.AreEqual(1L, writer.StepViolations);
        }
        // Both histograms, as written (TensorBoard would show the second: the step repeats).
        var histograms = new TbLogger.Reading.LogDirReader(dir.Path, new TbLogger.Reading.LogDirReaderOptions { PurgeOrphanedData = false }).ReadHistograms().ToList();
        CollectionAssert.AreEqual(new[] { 5L, 5L }, histograms.Select(h => h.Step).ToArray());
        CollectionAssert.AreEqual(new[] { (1.0, 3.0, 6.0), (4.0, 6.0, 15.0) }, histograms.Select(h => (h.Min, h.Max, h.Sum)).ToArray());
        Assert.AreEqual(("s", 1.0), new TbLogger.Reading.LogDirReader(dir.Path).ReadScalars().Select(p => (p.Tag, p.Value)).Single());
    }

    [TestMethod]
    public void ThrowRejectsTheEventWithTheTagAndBothStepsAndTheWriterStaysUsable()
    {
        using var dir = new TempDirectory();
        string path;
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepDiscipline = StepDiscipline.Throw }))
        {
            path = writer.FilePath;
            writer.AddScalar("loss", 1, 10);
            var back = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalar("loss", 2, 9));
            Assert.AreEqual("step", back.ParamName);
            StringAssert.StartsWith(back.Message, "Tag 'loss' went back from step 10 to 9; TensorBoard would drop the points at steps >= 9 (StepDiscipline.Throw).");
            var again = Assert.ThrowsExactly<ArgumentException>(() => writer.AddScalar("loss", 3, 10));
            StringAssert.StartsWith(again.Message, "Tag 'loss' was already written at step 10;");
            writer.AddScalar("loss", 4, 11);
            writer.AddScalar("other", 5, 0);
            Assert.AreEqual(0L, writer.StepViolations);
        }
        var steps = EventFileReader.Read(path).Skip(1).Select(e => (e.Summary.Value[0].Tag, e.Step)).ToArray();
        CollectionAssert.AreEqual(new[] { ("loss", 10L), ("loss", 11L), ("other", 0L) }, steps);
    }

    [TestMethod]
    public void SilentNeitherReportsNorCounts()
    {
        using var dir = new TempDirectory();
        var reports = new List<StepViolation>();
        using var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepDiscipline = StepDiscipline.Silent, StepViolationHandler = reports.Add });
        writer.AddScalar("a", 1, 1);
        writer.AddScalar("a", 1, 1);
        Assert.AreEqual(0L, writer.StepViolations);
        Assert.AreEqual(0, reports.Count);
    }

    [TestMethod]
    public void PurgeStepStartsTrackingJustBelowIt()
    {
        using var dir = new TempDirectory();
        var reports = new List<StepViolation>();
        using var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { PurgeStep = 10, StepViolationHandler = reports.Add });
        writer.AddScalar("resumed", 1, 10);
        writer.AddScalar("early", 1, 5);
        Assert.AreEqual(1, reports.Count);
        Assert.AreEqual(("early", 5L, 9L), (reports[0].Tag, reports[0].Step, reports[0].PreviousStep));
    }

    [TestMethod]
    public void APurgeStepAtTheSmallestLongTracksNormally()
    {
        using var dir = new TempDirectory();
        var reports = new List<StepViolation>();
        using var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { PurgeStep = long.MinValue, StepViolationHandler = reports.Add });
        writer.AddScalar("x", 1, 0);
        writer.AddScalar("x", 1, 1);
        Assert.AreEqual(0, reports.Count);
    }

    [TestMethod]
    public void SubRunsTrackTheirOwnSteps()
    {
        using var dir = new TempDirectory();
        var reports = new List<StepViolation>();
        using var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepViolationHandler = reports.Add });
        writer.AddScalar("loss", 1, 0);
        writer.AddScalars("loss", new Dictionary<string, double> { ["train"] = 1, ["val"] = 2 }, 0);
        writer.AddScalars("loss", new Dictionary<string, double> { ["train"] = 1 }, 0);
        Assert.AreEqual(1, reports.Count);
        StringAssert.Contains(reports[0].FilePath, "loss_train");
        Assert.AreEqual(1L, writer.StepViolations);
    }

    [TestMethod]
    [DoNotParallelize]
    public void WithoutAHandlerTheFirstViolationGoesToStandardError()
    {
        using var dir = new TempDirectory();
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            using var writer = new SummaryWriter(dir.Path);
            writer.AddScalar("x", 1, 3);
            writer.AddScalar("x", 1, 3);
            writer.AddScalar("x", 1, 2);
        }
        finally
        {
            Console.SetError(original);
        }
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(1, lines.Length);
        StringAssert.StartsWith(lines[0], "TbLogger: tag 'x' written again at step 3 in '");
    }
}
