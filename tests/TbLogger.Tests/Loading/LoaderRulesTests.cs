using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading.Verify.Loader;
using TbLogger.Reading.Verify;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Loading;

[TestClass]
public sealed class LoaderRulesTests
{
    private static List<VerifyProblem> Verify(string dir) =>
        LogVerifier.Verify(dir, new LogVerifierOptions { Rules = [new DecodeRule(), .. LoaderRules.All()] }).Problems.ToList();

    [TestMethod]
    public void OurWriterWithDefaultOptionsBreaksNoLoaderRule()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            for (int step = 0; step < 5; step++)
            {
                writer.AddScalar("loss", 1.0 / (step + 1), step);
                writer.AddText("note", "x", step);
                writer.AddHistogram("h", [1f, 2f, 3f], step);
            }
            writer.AddScalars("pair", new Dictionary<string, double> { ["a"] = 1, ["b"] = 2 }, 0);
        }
        Assert.AreEqual(0, Verify(dir.Path).Count);
    }

    [TestMethod]
    public void DoubleScalarsAreReportedWithFileTagAndStep()
    {
        using var dir = new TempDirectory();
        string file;
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { ScalarEncoding = ScalarEncoding.Float64Tensor }))
        {
            file = writer.FilePath;
            writer.AddScalar("x", 0.1, 3);
        }
        var problem = Verify(dir.Path).Single();
        Assert.AreEqual((file, VerifySeverity.Warning, "loader-scalar"), (problem.File, problem.Severity, problem.Rule));
        Assert.AreEqual("tag 'x' step 3: scalar stored as DtDouble with shape [] is dropped by TensorBoard's default loader (it needs a rank-0 DT_FLOAT; only --load_fast=false shows it)", problem.Message);
        Assert.IsTrue(problem.Offset > 0);
    }

    [TestMethod]
    public void RepeatedAndBackwardStepsAreReportedEachTimeButAPurgeIsNot()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepDiscipline = StepDiscipline.Silent }))
        {
            foreach (long step in new long[] { 0, 1, 2, 2, 1, 2, 3 })
            {
                writer.AddScalar("a", step, step);
            }
        }
        // A resumed run: SessionLog START at 2 purges steps >= 2, so writing 2 again is intended.
        using (var resumed = new SummaryWriter(dir.Path, new SummaryWriterOptions { PurgeStep = 2 }))
        {
            resumed.AddScalar("a", 2, 2);
        }
        var messages = Verify(dir.Path).Select(p => (p.Rule, p.Message)).ToList();
        CollectionAssert.AreEqual(new[]
        {
            ("loader-steps", "tag 'a' step 2 repeats: TensorBoard's default loader keeps only the last point of a step"),
            ("loader-steps", "tag 'a' step 1 after step 2: TensorBoard's default loader evicts the points at steps >= 1"),
        }, messages);
    }

    [TestMethod]
    public void AFileWithoutFileVersionAndATagThatChangesPluginAreReported()
    {
        using var dir = new TempDirectory();
        string path = dir.Combine("events.out.tfevents.0000000000.host.1.0");
        using (var records = new TfRecordWriter(File.Create(path)))
        {
            records.Write(new Event { Step = 0, Summary = TbLogger.Summaries.Scalar("t", 1) }.ToByteArray());
            records.Write(new Event { Step = 1, Summary = TbLogger.Summaries.Text("t", "now text") }.ToByteArray());
            var bare = new Summary { Value = { new Summary.Types.Value { Tag = "raw", Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 1f } } } } };
            records.Write(new Event { Step = 0, Summary = bare }.ToByteArray());
        }
        var messages = Verify(dir.Path).Select(p => (p.Rule, p.Severity, p.Message)).ToList();
        CollectionAssert.AreEqual(new[]
        {
            ("loader-file-version", VerifySeverity.Warning, "the first record is not a file_version event \"brain.Event:2\""),
            ("loader-plugin", VerifySeverity.Warning, "tag 't' step 1: metadata says plugin 'text' (Tensor) but the tag's first value said 'scalars' (Scalar); TensorBoard keeps the first"),
            ("loader-plugin", VerifySeverity.Warning, "tag 'raw' step 0: its first value is a tensor without plugin metadata, which TensorBoard cannot assign to a dashboard"),
        }, messages);
    }

    [TestMethod]
    public void TheGoldenPyTorchRunBreaksOnlyTheDoubleScalarRule()
    {
        var problems = Verify(Path.GetDirectoryName(Fixtures.TorchRun1)!);
        Assert.AreEqual(100, problems.Count);
        Assert.IsTrue(problems.All(p => p.Rule == "loader-scalar" && p.Message.StartsWith("tag 'train/x_double' step ", StringComparison.Ordinal)));
    }
}
