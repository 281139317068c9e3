using TbLogger.Events;
using TbLogger.Reading;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.HParams;

/// <summary>AddHParams with metric values whose tags the run already logged: no repeated points, no step warnings.</summary>
[TestClass]
public sealed class HParamsLoggedMetricsTests
{
    private static readonly Dictionary<string, HParamValue> Trial = new() { ["lr"] = 0.01 };

    [TestMethod]
    public void AMetricAlreadyLoggedAtOrAfterTheStepIsNotWrittenAgain()
    {
        using var dir = new TempDirectory();
        var reports = new List<StepViolation>();
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepViolationHandler = reports.Add }))
        {
            for (int s = 0; s <= 5; s++)
            {
                writer.AddScalar("val/acc", 0.1 * s, s);
                writer.AddScalar("val/loss", 1.0 / (s + 1), s);
            }
            Assert.IsTrue(writer.AddHParams(Trial, new Dictionary<string, double> { ["val/acc"] = 0.99, ["val/loss"] = 0.5, ["test/acc"] = 0.7 }, step: 5));
            Assert.AreEqual(0L, writer.StepViolations);
        }
        Assert.HasCount(0, reports);
        var reader = new LogDirReader(dir.Path, LogDirReaderOptions.Default with { PurgeOrphanedData = false });
        var acc = reader.ReadScalars(new ReadFilter { Tags = TagFilter.Exact("val/acc") }).ToList();
        CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3, 4, 5 }, acc.Select(p => p.Step).ToArray());
        Assert.AreEqual((double)(float)0.5, acc[^1].Value, "the logged series keeps its own last point");
        var loss = reader.ReadScalars(new ReadFilter { Tags = TagFilter.Exact("val/loss") }).ToList();
        CollectionAssert.AreEqual(new long[] { 0, 1, 2, 3, 4, 5 }, loss.Select(p => p.Step).ToArray());
        var test = reader.ReadScalars(new ReadFilter { Tags = TagFilter.Exact("test/acc") }).Single();
        Assert.AreEqual((5L, (double)0.7f), (test.Step, test.Value));
        // The session row lists every metric; its values are the series' last points.
        var session = new LogDirReader(dir.Path).ReadHParamsSessions().Single();
        Assert.AreEqual((5L, (double)(float)0.5), session.Metrics["val/acc"]);
        Assert.AreEqual((5L, (double)(float)(1.0 / 6)), session.Metrics["val/loss"]);
        Assert.AreEqual((5L, (double)0.7f), session.Metrics["test/acc"]);
    }

    [TestMethod]
    public void ATagLoggedOnlyByAnotherRunOrAtAnEarlierStepIsWritten()
    {
        using var dir = new TempDirectory();
        var reports = new List<StepViolation>();
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepViolationHandler = reports.Add }))
        {
            writer.AddScalar("val/acc", 0.5, 3);
            // The child run has its own series: nothing of it was logged yet.
            writer.AddHParams(Trial, new Dictionary<string, double> { ["val/acc"] = 0.9 }, runName: "trial1", step: 3);
            // A step after the series' last point is a new point, as before.
            writer.AddHParams(Trial, new Dictionary<string, double> { ["val/acc"] = 0.8 }, step: 4);
        }
        Assert.HasCount(0, reports);
        var points = new LogDirReader(dir.Path).ReadScalars().Select(p => (p.Run, p.Step, p.Value)).ToList();
        CollectionAssert.AreEqual(new List<(string, long, double)> { (".", 3, 0.5), (".", 4, (double)0.8f), ("trial1", 3, (double)0.9f) }, points);
    }
}
