using Google.Protobuf.WellKnownTypes;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.HParams;
using TbLogger.Tests.Histograms;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.HParams;

using Summaries = TbLogger.Summaries;

[TestClass]
public sealed class HParamsTests
{
    private static Dictionary<string, HParamValue> TrialHParams() => new()
    {
        ["lr"] = 0.01,
        ["batch_size"] = 32,
        ["optimizer"] = "adam",
        ["use_bn"] = true,
    };

    private static Dictionary<string, double> TrialMetrics() => new() { ["hparam/accuracy"] = 0.875, ["hparam/loss"] = 0.25 };

    private static HParamsPluginData Content(Summary.Types.Value value) => HParamsPluginData.Parser.ParseFrom(value.Metadata.PluginData.Content);

    // The golden file minus PyTorch's bool quirk: use_bn=True was logged as the number 1.0 / DATA_TYPE_FLOAT64.
    private static void AssertMatchesGolden(List<(long Step, Summary.Types.Value Value)> experimentValues,
        List<(long Step, Summary.Types.Value Value)> startValues, List<(long Step, Summary.Types.Value Value)> endValues)
    {
        var golden = GoldenEvents.Tag(Summaries.HParamsExperimentTag, "hparams_trial").Single().Value;
        var ours = experimentValues.Single().Value;
        Assert.AreEqual("hparams", ours.Metadata.PluginData.PluginName);
        Assert.AreEqual(DataClass.Tensor, ours.Metadata.DataClass);
        var goldenExperiment = Content(golden).Experiment.Clone();
        var ourExperiment = Content(ours).Experiment;
        var useBn = goldenExperiment.HparamInfos.Single(h => h.Name == "use_bn");
        Assert.AreEqual(Protos.Plugins.HParams.DataType.Float64, useBn.Type, "the quirk we do not copy");
        useBn.Type = Protos.Plugins.HParams.DataType.Bool;
        Assert.AreEqual(goldenExperiment, ourExperiment);
        Assert.AreEqual(0, Content(ours).Version);

        var goldenStart = Content(GoldenEvents.Tag(Summaries.HParamsSessionStartTag, "hparams_trial").Single().Value).SessionStartInfo.Clone();
        Assert.AreEqual(1.0, goldenStart.Hparams["use_bn"].NumberValue);
        goldenStart.Hparams["use_bn"] = Value.ForBool(true);
        Assert.AreEqual(goldenStart, Content(startValues.Single().Value).SessionStartInfo);

        var goldenEnd = Content(GoldenEvents.Tag(Summaries.HParamsSessionEndTag, "hparams_trial").Single().Value);
        Assert.AreEqual(goldenEnd, Content(endValues.Single().Value));

        foreach (var value in new[] { ours, startValues.Single().Value, endValues.Single().Value })
        {
            // TensorBoard's own empty tensor: needed since the data class is set (see Summaries.HParamsSummary).
            Assert.AreEqual(Protos.DataType.DtFloat, value.Tensor.Dtype);
            Assert.AreEqual(0L, value.Tensor.TensorShape.Dim.Single().Size);
            Assert.IsEmpty(value.Tensor.FloatVal);
        }
    }

    [TestMethod]
    public void BuildersMatchTheGoldenTrialExceptTheBoolQuirk()
    {
        var experiment = Summaries.HParamsExperiment(TrialHParams(), TrialMetrics().Keys).Value.Single();
        var start = Summaries.HParamsSessionStart(TrialHParams()).Value.Single();
        var end = Summaries.HParamsSessionEnd().Value.Single();
        Assert.AreEqual(Summaries.HParamsExperimentTag, experiment.Tag);
        Assert.AreEqual(Summaries.HParamsSessionStartTag, start.Tag);
        Assert.AreEqual(Summaries.HParamsSessionEndTag, end.Tag);
        AssertMatchesGolden([(0, experiment)], [(0, start)], [(0, end)]);
        Assert.IsTrue(Content(start).SessionStartInfo.Hparams["use_bn"].BoolValue);
        Assert.AreEqual(Value.KindOneofCase.BoolValue, Content(start).SessionStartInfo.Hparams["use_bn"].KindCase);
    }

    [TestMethod]
    public void AddHParamsIntoAChildRunWritesWhatPyTorchWritesButTheExperiment()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            Assert.IsTrue(writer.AddHParams(TrialHParams(), TrialMetrics(), runName: "hparams_trial"));
        }
        Assert.IsEmpty(GoldenEvents.Written(dir.Path), "nothing in the writer's own run");
        string child = dir.Combine("hparams_trial");
        var events = TbLogger.Events.EventFileReader.Read(Fixtures.EventFileIn(child)).ToList();
        Assert.HasCount(5, events, "file_version, session start and end, 2 metric scalars: the golden run minus its experiment");
        var written = GoldenEvents.Written(child);
        // No domains: no experiment summary, so TensorBoard infers the experiment from every trial (HParamsTrialsTests).
        CollectionAssert.AreEqual(
            new[] { Summaries.HParamsSessionStartTag, Summaries.HParamsSessionEndTag, "hparam/accuracy", "hparam/loss" },
            written.Select(w => w.Value.Tag).ToArray());
        AssertMatchesGolden([(0, Summaries.HParamsExperiment(TrialHParams(), TrialMetrics().Keys).Value.Single())],
            written.Where(w => w.Value.Tag == Summaries.HParamsSessionStartTag).Select(w => (w.Step, w.Value)).ToList(),
            written.Where(w => w.Value.Tag == Summaries.HParamsSessionEndTag).Select(w => (w.Step, w.Value)).ToList());
        Assert.IsTrue(written.All(w => w.Step == 0));
        Assert.AreEqual(0.875f, written[2].Value.Tensor.FloatVal.Single());
        Assert.AreEqual(0.25f, written[3].Value.Tensor.FloatVal.Single());
        Assert.AreEqual("scalars", written[2].Value.Metadata.PluginData.PluginName);
    }

    [TestMethod]
    public void AddHParamsRecordsHowTheTrialEnded()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            Assert.IsTrue(writer.AddHParams(TrialHParams(), TrialMetrics(), runName: "crashed", status: Status.Failure));
            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.AddHParams(TrialHParams(), TrialMetrics(), runName: "x", status: Status.Unknown));
            Assert.AreEqual("status", ex.ParamName);
            Assert.IsFalse(Directory.Exists(dir.Combine("x")), "a rejected call writes nothing");
        }
        var end = GoldenEvents.Written(dir.Combine("crashed")).Single(w => w.Value.Tag == Summaries.HParamsSessionEndTag).Value;
        var pluginData = HParamsPluginData.Parser.ParseFrom(end.Metadata.PluginData.Content);
        Assert.AreEqual(Status.Failure, pluginData.SessionEndInfo.Status);
    }

    [TestMethod]
    public void AddHParamsIntoTheOwnRunWithDomains()
    {
        using var dir = new TempDirectory();
        var domains = new Dictionary<string, HParamDomain>
        {
            ["lr"] = HParamDomain.Interval(1e-4, 1),
            ["optimizer"] = HParamDomain.Discrete("adam", "sgd"),
            ["use_bn"] = HParamDomain.Discrete(true, false),
        };
        using (var writer = new SummaryWriter(dir.Path))
        {
            Assert.IsTrue(writer.AddHParams(TrialHParams(), TrialMetrics(), domains: domains, step: 7));
        }
        var written = GoldenEvents.Written(dir.Path);
        Assert.HasCount(5, written);
        Assert.IsTrue(written.All(w => w.Step == 7));
        var infos = Content(written[0].Value).Experiment.HparamInfos.ToDictionary(h => h.Name);
        Assert.AreEqual(new Interval { MinValue = 1e-4, MaxValue = 1 }, infos["lr"].DomainInterval);
        CollectionAssert.AreEqual(new[] { "adam", "sgd" }, infos["optimizer"].DomainDiscrete.Values.Select(v => v.StringValue).ToArray());
        CollectionAssert.AreEqual(new[] { true, false }, infos["use_bn"].DomainDiscrete.Values.Select(v => v.BoolValue).ToArray());
        Assert.AreEqual(HParamInfo.DomainOneofCase.None, infos["batch_size"].DomainCase);
        Assert.AreEqual(Protos.Plugins.HParams.DataType.Bool, infos["use_bn"].Type);
    }

    [TestMethod]
    public void BadInputThrowsAndWritesNothing()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            var metrics = TrialMetrics();
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParams(new Dictionary<string, HParamValue>(), metrics));
            Assert.ThrowsExactly<ArgumentNullException>(() => writer.AddHParams(null!, metrics));
            Assert.ThrowsExactly<ArgumentNullException>(() => writer.AddHParams(TrialHParams(), (IReadOnlyDictionary<string, double>)null!));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParams(new Dictionary<string, HParamValue> { [" "] = 1 }, metrics));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParams(new Dictionary<string, HParamValue> { ["x"] = default }, metrics));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParams(TrialHParams(), new Dictionary<string, double> { [""] = 1 }));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParams(TrialHParams(), metrics, runName: "../escape"));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParams(TrialHParams(), metrics, runName: ".."));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParams(TrialHParams(), metrics, domains: new Dictionary<string, HParamDomain> { ["nope"] = HParamDomain.Interval(0, 1) }));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParams(TrialHParams(), metrics, domains: new Dictionary<string, HParamDomain> { ["optimizer"] = HParamDomain.Interval(0, 1) }));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HParamValue.FromNumber(double.NaN));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => { HParamValue v = double.PositiveInfinity; });
            Assert.ThrowsExactly<ArgumentException>(() => HParamDomain.Discrete(1, "a"));
            Assert.ThrowsExactly<ArgumentException>(() => HParamDomain.Discrete());
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => HParamDomain.Interval(2, 1));
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Summaries.HParamsSessionEnd((Status)42));
            Assert.IsTrue(writer.AddHParams(TrialHParams(), metrics));
        }
        Assert.HasCount(4, GoldenEvents.Written(dir.Path), "only the last, valid call wrote (no domains: no experiment)");
        Assert.IsFalse(Directory.EnumerateDirectories(dir.Path).Any(), "no child run was created by the failed calls");
    }

    [TestMethod]
    public void HParamValueConversionsAndAccessors()
    {
        HParamValue number = 3, text = "x", flag = false;
        Assert.AreEqual((HParamKind.Number, 3.0), (number.Kind, number.Number));
        Assert.AreEqual((HParamKind.String, "x"), (text.Kind, text.String));
        Assert.AreEqual((HParamKind.Bool, false), (flag.Kind, flag.Bool));
        Assert.ThrowsExactly<InvalidOperationException>(() => text.Number);
        Assert.ThrowsExactly<InvalidOperationException>(() => default(HParamValue).ToProto());
        Assert.AreEqual(HParamValue.FromNumber(3), number);
        Assert.AreNotEqual(HParamValue.FromNumber(1), HParamValue.FromBool(true));
    }

    [TestMethod]
    public void FloatHyperparametersKeepTheDecimalThePersonWrote()
    {
        // The double equal to 0.003f is 0.003000000026077032 (what TensorBoard served before); the decimal is 0.003.
        float typed = 0.003f;
        Assert.AreEqual(0.003000000026077032, (double)typed);
        HParamValue lr = typed;
        Assert.AreEqual(0.003, lr.Number);
        Assert.AreEqual(0.1, HParamValue.DecimalDouble(0.1f));
        Assert.AreEqual(1e-5, HParamValue.DecimalDouble(1e-5f));
        Assert.AreEqual(16777216.0, HParamValue.DecimalDouble(16777216f));
        Assert.AreEqual(3.4028235e38, HParamValue.DecimalDouble(float.MaxValue));
        Assert.AreEqual(1e-45, HParamValue.DecimalDouble(float.Epsilon));
        Assert.AreEqual(-0.0, HParamValue.DecimalDouble(-0.0f));
        Assert.IsTrue(double.IsNegative(HParamValue.DecimalDouble(-0.0f)));
        Assert.IsTrue(double.IsNaN(HParamValue.DecimalDouble(float.NaN)));
        // Every float still maps back to itself: the decimal double rounds to the same float.
        var random = new Random(1234);
        for (int i = 0; i < 100_000; i++)
        {
            float f = BitConverter.Int32BitsToSingle(random.Next() ^ (random.Next(2) << 31));
            if (!float.IsFinite(f)) continue;
            double d = HParamValue.DecimalDouble(f);
            Assert.AreEqual(f, (float)d, $"{f:R}");
            Assert.AreEqual(f.ToString("R", System.Globalization.CultureInfo.InvariantCulture), ((float)d).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        var start = Content(Summaries.HParamsSessionStart(new Dictionary<string, HParamValue> { ["learning_rate"] = 0.003f }).Value.Single());
        Assert.AreEqual(0.003, start.SessionStartInfo.Hparams["learning_rate"].NumberValue);
    }

    [TestMethod]
    public void MetricsThatReferToLoggedSeriesWriteNoScalars()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { StepDiscipline = TbLogger.Events.StepDiscipline.Throw }))
        {
            writer.AddScalar("accuracy", 0.9, 10);
            HParamsMetric[] metrics = [new("accuracy"), new("epoch_loss", "validation"), new("epoch_auc", "eval/holdout")];
            Assert.IsTrue(writer.AddHParams(TrialHParams(), metrics, domains: new Dictionary<string, HParamDomain>(), step: 10));
        }
        var written = GoldenEvents.Written(dir.Path);
        CollectionAssert.AreEqual(
            new[] { "accuracy", Summaries.HParamsExperimentTag, Summaries.HParamsSessionStartTag, Summaries.HParamsSessionEndTag },
            written.Select(w => w.Value.Tag).ToArray(), "the one scalar the user logged, then the trial (domains given: with its experiment); no second accuracy point");
        var names = Content(written[1].Value).Experiment.MetricInfos.Select(m => (m.Name.Group, m.Name.Tag)).ToArray();
        CollectionAssert.AreEqual(new[] { ("", "accuracy"), ("validation", "epoch_loss"), ("eval/holdout", "epoch_auc") }, names);
    }

    [TestMethod]
    public void MetricGroupsMustBeRelativeRunPaths()
    {
        foreach (string group in new[] { "/abs", "..", "a/../b", "a//b", "a/", ".", "a\\b" })
        {
            var ex = Assert.ThrowsExactly<ArgumentException>(() => Summaries.HParamsExperiment(TrialHParams(), [new HParamsMetric("acc", group)]), group);
            Assert.AreEqual("metrics", ex.ParamName);
            StringAssert.Contains(ex.Message, $"'{group}'");
        }
        Assert.ThrowsExactly<ArgumentException>(() => Summaries.HParamsExperiment(TrialHParams(), [new HParamsMetric(" ")]));
        Assert.ThrowsExactly<ArgumentNullException>(() => Summaries.HParamsExperiment(TrialHParams(), (IEnumerable<HParamsMetric>)null!));
    }
}
