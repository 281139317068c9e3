using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.HParams;

/// <summary>
/// Several trials, one writer each: TensorBoard 2.20's served experiment (Fixtures/hparams-trials, recorded from the real
/// server) lists every value, interval and metric of every trial when no trial declares domains, and the declared
/// experiment when one does; our reader shows the same.
/// </summary>
[TestClass]
public sealed class HParamsTrialsTests
{
    private static string FixturePath(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", "hparams-trials", .. parts]);

    [TestMethod]
    public void WithoutDomainsTheExperimentListsEveryValueOfEveryTrial()
    {
        using var dir = new TempDirectory();
        HParamsTrials.Write(dir.Path, declareDomains: false);
        var served = TensorBoardView.Load(FixturePath("inferred", "tb_query.json"));
        int compared = TensorBoardView.AssertReaderShows(dir.Path, served);
        Assert.AreEqual(14 + 28, compared, "14 scalar points; 6 domains + 14 session hparams + 8 metric values");

        // No trial wrote an experiment summary: each wrote its session start and end only.
        var reader = new LogDirReader(dir.Path);
        Assert.IsFalse(reader.ReadEvents(reader.GetRuns().Single(r => r.Name == "trial1")).Any(e => e.Event.Summary?.Value.Any(v => v.Tag == TbLogger.Summaries.HParamsExperimentTag) == true));
        var experiment = reader.ReadHParamsExperiment()!;
        Assert.IsTrue(experiment.IsInferred);
        Assert.AreEqual("", experiment.Run);
        var infos = experiment.HParams.ToDictionary(h => h.Name);
        CollectionAssert.AreEqual(new[] { "activation", "dropout", "lr", "optimizer", "schedule", "use_bn" }, infos.Keys.ToArray());
        CollectionAssert.AreEquivalent(new[] { "adam", "sgd", "rmsprop" }, infos["optimizer"].Domain!.Values.Select(v => v.String).ToArray());
        CollectionAssert.AreEquivalent(new[] { true, false }, infos["use_bn"].Domain!.Values.Select(v => v.Bool).ToArray());
        Assert.AreEqual((1e-5, 0.1), (infos["lr"].Domain!.Min, infos["lr"].Domain!.Max), "0.003f sits inside as 0.003");
        Assert.AreEqual((0.25, 0.5), (infos["dropout"].Domain!.Min, infos["dropout"].Domain!.Max), "a hyperparameter only later trials have");
        Assert.AreEqual("DATA_TYPE_STRING", infos["schedule"].Type, "a number in one trial, a string in another");
        CollectionAssert.AreEquivalent(new[] { "3.0", "cosine" }, infos["schedule"].Domain!.Values.Select(v => v.String).ToArray());
        CollectionAssert.AreEqual(new[] { "gelu" }, infos["activation"].Domain!.Values.Select(v => v.String).ToArray());
        Assert.IsFalse(infos["activation"].Differs);
        Assert.IsTrue(infos["lr"].Differs);
        CollectionAssert.AreEqual(new[] { ("epoch_accuracy", "validation"), ("hparam/accuracy", ""), ("hparam/f1", ""), ("train/loss", "") },
            experiment.Metrics.Select(m => (m.Tag, m.Group)).ToArray(), "every scalar series of the sessions and their child runs");
        var trial2 = reader.ReadHParamsSessions().Single(s => s.Run == "trial2");
        Assert.AreEqual(0.003, trial2.HParams["lr"]);
        Assert.AreEqual("STATUS_FAILURE", trial2.Status);
        Assert.AreEqual((2L, 0.8), (trial2.Metrics["epoch_accuracy"].Step, Math.Round(trial2.Metrics["epoch_accuracy"].Value, 6)));
    }

    [TestMethod]
    public void DeclaredDomainsWinOverWhatTensorBoardWouldInfer()
    {
        using var dir = new TempDirectory();
        HParamsTrials.Write(dir.Path, declareDomains: true);
        var served = TensorBoardView.Load(FixturePath("declared", "tb_query.json"));
        int compared = TensorBoardView.AssertReaderShows(dir.Path, served);
        Assert.AreEqual(14 + 21, compared, "14 scalar points; 4 domains + 14 session hparams + 3 metric values");

        var experiment = new LogDirReader(dir.Path).ReadHParamsExperiment()!;
        Assert.IsFalse(experiment.IsInferred);
        Assert.AreEqual("trial1", experiment.Run);
        var infos = experiment.HParams.ToDictionary(h => h.Name);
        CollectionAssert.AreEqual(new[] { "lr", "optimizer", "schedule", "use_bn" }, infos.Keys.ToArray(), "the declaring trial's hyperparameters only");
        CollectionAssert.AreEqual(new[] { "adam", "sgd", "rmsprop", "adamw" }, infos["optimizer"].Domain!.Values.Select(v => v.String).ToArray(), "in the declared order");
        Assert.AreEqual((1e-6, 1.0), (infos["lr"].Domain!.Min, infos["lr"].Domain!.Max));
        Assert.IsNull(infos["schedule"].Domain, "declared without a domain");
        CollectionAssert.AreEqual(new[] { "hparam/accuracy" }, experiment.Metrics.Select(m => m.Tag).ToArray());
    }

    [TestMethod]
    public void ASweepDeclaredOnceInTheRootRunGovernsEveryTrial()
    {
        using var dir = new TempDirectory();
        HParamsTrials.WriteWithConfig(dir.Path);
        var served = TensorBoardView.Load(FixturePath("config", "tb_query.json"));
        int compared = TensorBoardView.AssertReaderShows(dir.Path, served);
        Assert.AreEqual(14 + 26, compared, "14 scalar points; 6 domains + 14 session hparams + 6 metric values");

        var experiment = new LogDirReader(dir.Path).ReadHParamsExperiment()!;
        Assert.AreEqual((false, "."), (experiment.IsInferred, experiment.Run));
        var infos = experiment.HParams.ToDictionary(h => h.Name);
        CollectionAssert.AreEqual(new[] { "activation", "dropout", "lr", "optimizer", "schedule", "use_bn" }, infos.Keys.ToArray());
        Assert.AreEqual(("DATA_TYPE_FLOAT64", 0.0, 0.9), (infos["dropout"].Type, infos["dropout"].Domain!.Min, infos["dropout"].Domain!.Max), "an interval declares a number");
        CollectionAssert.AreEqual(new[] { true, false }, infos["use_bn"].Domain!.Values.Select(v => v.Bool).ToArray());
        CollectionAssert.AreEqual(new[] { ("hparam/accuracy", ""), ("hparam/f1", ""), ("epoch_accuracy", "validation") },
            experiment.Metrics.Select(m => (m.Tag, m.Group)).ToArray(), "exactly the declared metrics: train/loss is no column");
    }

    [TestMethod]
    public void AConfigNeedsNamedDomainsAndRelativeGroupsAndWritesNothingOtherwise()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            HParamsMetric[] metrics = [new("acc")];
            Assert.AreEqual("domains", Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParamsConfig(new Dictionary<string, HParamDomain>(), metrics)).ParamName);
            Assert.AreEqual("domains", Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParamsConfig(new Dictionary<string, HParamDomain> { [" "] = HParamDomain.Interval(0, 1) }, metrics)).ParamName);
            var nullDomain = Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParamsConfig(new Dictionary<string, HParamDomain> { ["lr"] = null! }, metrics));
            StringAssert.Contains(nullDomain.Message, "'lr'");
            Assert.AreEqual("metrics", Assert.ThrowsExactly<ArgumentException>(() => writer.AddHParamsConfig(new Dictionary<string, HParamDomain> { ["lr"] = HParamDomain.Interval(0, 1) }, [new HParamsMetric("acc", "../x")])).ParamName);
            Assert.ThrowsExactly<ArgumentNullException>(() => writer.AddHParamsConfig(null!, metrics));
            Assert.ThrowsExactly<ArgumentNullException>(() => writer.AddHParamsConfig(new Dictionary<string, HParamDomain> { ["lr"] = HParamDomain.Interval(0, 1) }, null!));
        }
        Assert.IsNull(new LogDirReader(dir.Path).ReadHParamsExperiment(), "nothing was written");
    }

    [TestMethod]
    public void SessionValuesNoTypeFitsAreLeftOutAsTensorBoardDoes()
    {
        // Session starts from other writers (or hostile files): NaN, null, list and struct values. TensorBoard types a
        // hyperparameter by its number/string/bool values only, and reads bool_value (false) of the others.
        using var dir = new TempDirectory();
        static Summary Start(params (string Name, Google.Protobuf.WellKnownTypes.Value Value)[] values)
        {
            var start = new Protos.Plugins.HParams.SessionStartInfo();
            foreach (var (name, value) in values) start.Hparams.Add(name, value);
            var content = new Protos.Plugins.HParams.HParamsPluginData { SessionStartInfo = start };
            return new Summary { Value = { new Summary.Types.Value { Tag = TbLogger.Summaries.HParamsSessionStartTag, Metadata = TbLogger.Summaries.HParamsMetadata(content) } } };
        }
        using (var a = new SummaryWriter(dir.Combine("a")))
        {
            a.AddSummary(Start(("x", Google.Protobuf.WellKnownTypes.Value.ForNumber(double.NaN)), ("y", Google.Protobuf.WellKnownTypes.Value.ForNull()),
                ("z", Google.Protobuf.WellKnownTypes.Value.ForList(Google.Protobuf.WellKnownTypes.Value.ForNumber(1))), ("w", Google.Protobuf.WellKnownTypes.Value.ForBool(true)),
                ("s", Google.Protobuf.WellKnownTypes.Value.ForString("on"))), 0);
            a.AddScalar("m", 1, 0);
        }
        using (var b = new SummaryWriter(dir.Combine("b")))
        {
            b.AddSummary(Start(("x", Google.Protobuf.WellKnownTypes.Value.ForNumber(1)), ("w", Google.Protobuf.WellKnownTypes.Value.ForNull()),
                ("s", Google.Protobuf.WellKnownTypes.Value.ForNumber(double.PositiveInfinity))), 0);
        }
        var experiment = new LogDirReader(dir.Path).ReadHParamsExperiment()!;
        var infos = experiment.HParams.ToDictionary(h => h.Name);
        CollectionAssert.AreEqual(new[] { "s", "w", "x" }, infos.Keys.ToArray(), "y (only null) and z (a list) have no type");
        Assert.AreEqual(("DATA_TYPE_FLOAT64", (HParamDomain?)null), (infos["x"].Type, infos["x"].Domain), "NaN leaves no interval to show");
        Assert.AreEqual("DATA_TYPE_BOOL", infos["w"].Type);
        CollectionAssert.AreEqual(new[] { true, false }, infos["w"].Domain!.Values.Select(v => v.Bool).ToArray());
        Assert.AreEqual("DATA_TYPE_STRING", infos["s"].Type, "a string and a number");
        CollectionAssert.AreEqual(new[] { "on" }, infos["s"].Domain!.Values.Select(v => v.String).ToArray(), "infinity cannot be written as JSON");
        CollectionAssert.AreEqual(new[] { ("m", "") }, experiment.Metrics.Select(m => (m.Tag, m.Group)).ToArray());
        Assert.HasCount(2, new LogDirReader(dir.Path).ReadHParamsSessions());
    }

    [TestMethod]
    [DataRow(1.0, "1.0")]
    [DataRow(32.0, "32.0")]
    [DataRow(0.003, "0.003")]
    [DataRow(1e-5, "1e-05")]
    [DataRow(1e-4, "0.0001")]
    [DataRow(2.5e-7, "2.5e-07")]
    [DataRow(1e15, "1000000000000000.0")]
    [DataRow(1e16, "1e+16")]
    [DataRow(123456789012345678.0, "1.2345678901234568e+17")]
    [DataRow(-2.5, "-2.5")]
    [DataRow(1.5e300, "1.5e+300")]
    [DataRow(0.0, "0.0")]
    [DataRow(-0.0, "-0.0")]
    [DataRow(9.999999999999998, "9.999999999999998")]
    [DataRow(5e-324, "5e-324")]
    public void NumbersAmongStringsAreWrittenAsPythonDoes(double value, string python)
    {
        // Expected texts: /usr/bin/python3 with protobuf 4.21.12, json_format.MessageToJson(Value(number_value=x)),
        // what TensorBoard's _protobuf_value_to_string returns.
        Assert.AreEqual(python, HParamsInference.PythonRepr(value));
    }
}
