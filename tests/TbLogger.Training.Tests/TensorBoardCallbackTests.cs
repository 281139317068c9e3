using TbLogger.Training.Figures;

namespace TbLogger.Training.Tests;

[TestClass]
public sealed class TensorBoardCallbackTests
{
    /// <summary>Drives a scripted loop (fixed logs) through a CallbackList: 2 epochs × 3 batches, validation after each epoch.</summary>
    private static void RunScriptedLoop(Callback callback, int epochs = 2, int steps = 3)
    {
        using var callbacks = new CallbackList([callback], new TrainingContext { Epochs = epochs, StepsPerEpoch = steps });
        callbacks.OnTrainBegin();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            callbacks.OnEpochBegin(epoch);
            for (int b = 0; b < steps; b++)
            {
                callbacks.OnTrainBatchBegin(b);
                callbacks.OnTrainBatchEnd(b, new Dictionary<string, double> { ["loss"] = 10 * epoch + b + 0.5, ["accuracy"] = 0.1 * b + 0.25 });
            }
            callbacks.OnTestBegin();
            for (int b = 0; b < 2; b++)
            {
                callbacks.OnTestBatchBegin(b);
                callbacks.OnTestBatchEnd(b, new Dictionary<string, double> { ["loss"] = 7 });
            }
            var val = new Dictionary<string, double> { ["loss"] = 100 + epoch, ["accuracy"] = 0.5 + epoch / 4.0 };
            callbacks.OnTestEnd(val);
            callbacks.OnEpochEnd(epoch, Logs.WithValidation(new Dictionary<string, double> { ["loss"] = 1.5 - epoch, ["accuracy"] = 0.75 }, val));
        }
        callbacks.OnTrainEnd();
    }

    [TestMethod]
    public void ScriptedLoop_BatchUpdates_WritesExactRunsTagsAndSteps()
    {
        using var dir = new TempDir();
        RunScriptedLoop(new TensorBoardCallback(dir.Path, new TensorBoardCallbackOptions { UpdateFrequency = UpdateFrequency.Batch }));

        // Exactly two runs, one event file each.
        var runs = Directory.GetDirectories(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(new[] { "train", "validation" }, runs);
        foreach (var run in runs) Assert.HasCount(1, Directory.GetFiles(Path.Combine(dir.Path, run!), "*tfevents*"));
        Assert.IsEmpty(Directory.GetFiles(dir.Path, "*tfevents*"), "nothing in the root run without hparams");

        var written = EventLog.ReadAll(dir.Path);
        Assert.IsTrue(written.All(w => w.Plugin == "scalars" && w.Scalar is not null));
        var actual = written.Select(w => $"{w.Run} {w.Tag} {w.Step} {w.Scalar:0.####}").ToList();
        var expected = new List<string>();
        // Epoch 0: batch_ values at global batches 1..3, then evaluation_ at iteration 3, then epoch_ values at step 0.
        for (int epoch = 0; epoch < 2; epoch++)
        {
            for (int b = 0; b < 3; b++)
            {
                long step = epoch * 3 + b + 1;
                expected.Add($"train batch_loss {step} {10 * epoch + b + 0.5:0.####}");
                expected.Add($"train batch_accuracy {step} {0.1 * b + 0.25:0.####}");
            }
            expected.Add($"train epoch_loss {epoch} {1.5 - epoch:0.####}");
            expected.Add($"train epoch_accuracy {epoch} 0.75");
        }
        var expectedValidation = new List<string>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            expectedValidation.Add($"validation evaluation_loss_vs_iterations {3 * (epoch + 1)} {100 + epoch}");
            expectedValidation.Add($"validation evaluation_accuracy_vs_iterations {3 * (epoch + 1)} {0.5 + epoch / 4.0:0.####}");
            expectedValidation.Add($"validation epoch_loss {epoch} {100 + epoch}");
            expectedValidation.Add($"validation epoch_accuracy {epoch} {0.5 + epoch / 4.0:0.####}");
        }
        CollectionAssert.AreEqual(expected, actual.Where(a => a.StartsWith("train ", StringComparison.Ordinal)).ToList());
        CollectionAssert.AreEqual(expectedValidation, actual.Where(a => a.StartsWith("validation ", StringComparison.Ordinal)).ToList());
    }

    [TestMethod]
    public void EpochFrequency_WritesNoBatchTags()
    {
        using var dir = new TempDir();
        RunScriptedLoop(new TensorBoardCallback(dir.Path));
        var written = EventLog.ReadAll(dir.Path);
        Assert.IsFalse(written.Any(w => w.Tag.StartsWith("batch_", StringComparison.Ordinal)));
        CollectionAssert.AreEquivalent(new[] { "epoch_loss", "epoch_accuracy" }, written.Where(w => w.Run == "train").Select(w => w.Tag).Distinct().ToArray());
        Assert.AreEqual(4, written.Count(w => w.Run == "validation" && w.Tag.StartsWith("epoch_", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void EveryNBatches_WritesAtMultiplesOfNOfTheGlobalBatch()
    {
        using var dir = new TempDir();
        RunScriptedLoop(new TensorBoardCallback(dir.Path, new TensorBoardCallbackOptions { UpdateFrequency = UpdateFrequency.EveryNBatches(2) }), epochs: 3, steps: 3);
        var steps = EventLog.ReadAll(dir.Path).Where(w => w.Tag == "batch_loss").Select(w => w.Step).ToArray();
        CollectionAssert.AreEqual(new long[] { 2, 4, 6, 8 }, steps);
    }

    [TestMethod]
    public void StepsPerSecond_AreWrittenWhenAsked()
    {
        using var dir = new TempDir();
        RunScriptedLoop(new TensorBoardCallback(dir.Path, new TensorBoardCallbackOptions { UpdateFrequency = UpdateFrequency.Batch, WriteStepsPerSecond = true }));
        var written = EventLog.ReadAll(dir.Path);
        Assert.AreEqual(2, written.Count(w => w.Run == "train" && w.Tag == "epoch_steps_per_second"));
        Assert.AreEqual(6, written.Count(w => w.Run == "train" && w.Tag == "batch_steps_per_second"));
        Assert.IsTrue(written.Where(w => w.Tag.EndsWith("steps_per_second", StringComparison.Ordinal)).All(w => w.Scalar > 0));
    }

    private sealed class TwoLayer : IParameterStore
    {
        public readonly float[] Kernel = Enumerable.Range(0, 12).Select(i => i / 12f - 0.5f).ToArray();
        public readonly float[] Bias = [0.1f, -0.2f, 0.3f];
        public IReadOnlyList<string> ParameterNames { get; } = ["dense:0/kernel", "dense/bias"];
        public ReadOnlySpan<float> GetValues(string name) => name == "dense/bias" ? Bias : Kernel;
        public ReadOnlySpan<int> GetShape(string name) => name == "dense/bias" ? new[] { 3 } : new[] { 4, 3 };
        public void SetValues(string name, ReadOnlySpan<float> values) => values.CopyTo(name == "dense/bias" ? Bias : Kernel);
    }

    [TestMethod]
    public void HistogramFrequency_WritesWeightHistogramsAndImagesInTheTrainRun()
    {
        using var dir = new TempDir();
        var tb = new TensorBoardCallback(dir.Path, new TensorBoardCallbackOptions { HistogramFrequency = 1, WriteImages = true });
        using (var callbacks = new CallbackList([tb], new TrainingContext { Epochs = 2, Parameters = new TwoLayer() }))
        {
            callbacks.OnTrainBegin();
            for (int e = 0; e < 2; e++)
            {
                callbacks.OnEpochBegin(e);
                callbacks.OnEpochEnd(e, new Dictionary<string, double> { ["loss"] = 1 });
            }
            callbacks.OnTrainEnd();
        }
        var written = EventLog.ReadAll(dir.Path).Where(w => w.Run == "train").ToList();
        CollectionAssert.AreEqual(new long[] { 0, 1 }, written.Where(w => w.Tag == "dense_0/kernel/histogram").Select(w => w.Step).ToArray());
        Assert.AreEqual("histograms", written.First(w => w.Tag == "dense/bias/histogram").Plugin);
        var image = written.First(w => w.Tag == "dense_0/kernel/image");
        Assert.AreEqual("images", image.Plugin);
        // A 4×3 kernel is drawn with the longer side horizontal: 3 rows × 4 columns (Keras transposes it).
        var (w, h, _, _) = Png.Inspect(Png.Of(image));
        Assert.AreEqual((4, 3), (w, h));
    }

    [TestMethod]
    public void ValidationPredictions_WritePrCurvesConfusionMatrixAndRocImages()
    {
        using var dir = new TempDir();
        var rng = new Random(3);
        int n = 90, c = 3;
        var labels = new int[n];
        var probs = new float[n * c];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % c;
            int predicted = rng.NextDouble() < 0.8 ? labels[i] : (labels[i] + 1) % c;
            for (int k = 0; k < c; k++) probs[i * c + k] = k == predicted ? 0.7f : 0.15f;
        }
        var options = new TensorBoardCallbackOptions
        {
            ValidationPredictions = ValidationPredictions.From(_ => new ValidationPredictions(labels, probs, c)),
            ClassNames = ["cat", "dog", "bird"],
            FigureSize = 400,
        };
        RunScriptedLoop(new TensorBoardCallback(dir.Path, options));
        var written = EventLog.ReadAll(dir.Path).Where(w => w.Run == "validation").ToList();
        foreach (var name in new[] { "cat", "dog", "bird" })
        {
            var pr = written.Where(w => w.Tag == "pr_curve/" + name).ToList();
            CollectionAssert.AreEqual(new long[] { 0, 1 }, pr.Select(w => w.Step).ToArray());
            Assert.AreEqual("pr_curves", pr[0].Plugin);
        }
        foreach (var tag in new[] { PerformanceFigures.ConfusionMatrixTag, PerformanceFigures.RocTag })
        {
            var images = written.Where(w => w.Tag == tag).ToList();
            CollectionAssert.AreEqual(new long[] { 0, 1 }, images.Select(w => w.Step).ToArray());
            var (width, height, colors, _) = Png.Inspect(Png.Of(images[1]));
            Assert.AreEqual((400, 400), (width, height));
            Assert.IsGreaterThan(50, colors, "figure looks blank");
        }
    }

    [TestMethod]
    public void ValidationPredictions_WithNaN_ThrowOnTheCallersThread_AtTheEpochThatSuppliesThem()
    {
        using var dir = new TempDir();
        var labels = new[] { 0, 1 };
        var probs = new[] { 0.75f, 0.25f, 0.5f, 0.5f };
        var predictions = new ValidationPredictions(labels, probs, 2);
        probs[3] = float.NaN; // the loop reuses its buffer after handing it over
        var tb = new TensorBoardCallback(dir.Path, new TensorBoardCallbackOptions { ValidationPredictions = ValidationPredictions.From(_ => predictions) });
        using var callbacks = new CallbackList([tb], new TrainingContext { Epochs = 1 });
        callbacks.OnTrainBegin();
        callbacks.OnEpochBegin(0);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => callbacks.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 1 }));
        Assert.AreEqual("probabilities", ex.ParamName);
        Assert.AreEqual("probabilities[3] is NaN. (Parameter 'probabilities')", ex.Message);
        tb.WaitForFigures(); // nothing was queued, so nothing fails later
    }

    [TestMethod]
    public void StandaloneEvaluation_WritesNoEvaluationScalars_AndOpensNoEventFile()
    {
        using var dir = new TempDir();
        var tb = new TensorBoardCallback(dir.Path);
        var evaluation = new Dictionary<string, double> { ["loss"] = 9, ["accuracy"] = 0.125 };

        // Before any training: no run directory at all.
        var before = new CallbackList([tb]);
        before.OnTestBegin();
        before.OnTestEnd(evaluation);
        Assert.IsEmpty(Directory.GetFileSystemEntries(dir.Path));

        RunScriptedLoop(tb);
        var afterTraining = EventLog.ReadAll(dir.Path);

        // After training: the same callback must not reopen the validation run.
        var after = new CallbackList([tb]);
        after.OnTestBegin();
        after.OnTestEnd(evaluation);
        tb.Dispose();
        Assert.HasCount(1, Directory.GetFiles(Path.Combine(dir.Path, TensorBoardCallback.ValidationRun), "*tfevents*"));
        var written = EventLog.ReadAll(dir.Path);
        Assert.HasCount(afterTraining.Count, written);
        CollectionAssert.AreEqual(
            new[] { "evaluation_loss_vs_iterations 3", "evaluation_accuracy_vs_iterations 3", "evaluation_loss_vs_iterations 6", "evaluation_accuracy_vs_iterations 6" },
            written.Where(w => w.Tag.StartsWith("evaluation_", StringComparison.Ordinal)).Select(w => $"{w.Tag} {w.Step}").ToArray());
    }

    [TestMethod]
    public void HParams_AreWrittenAtTheEnd_WithTheFinalEpochValuesAsMetrics_AndTheLearningRatePerEpoch()
    {
        using var dir = new TempDir();
        var options = new TensorBoardCallbackOptions
        {
            HParams = new Dictionary<string, HParamValue> { ["learning_rate"] = 0.01, ["optimizer"] = "adam" },
            LearningRate = () => 0.01,
        };
        RunScriptedLoop(new TensorBoardCallback(dir.Path, options));
        var written = EventLog.ReadAll(dir.Path);
        var root = written.Where(w => w.Run == ".").ToList();
        // No experiment summary (no domains): TensorBoard infers it from every session, so runs of a sweep add up.
        CollectionAssert.AreEqual(
            new[] { "_hparams_/session_start_info", "_hparams_/session_end_info" },
            root.Where(w => w.Plugin == "hparams").Select(w => w.Tag).ToArray());
        var finals = root.Where(w => w.Plugin == "scalars").ToDictionary(w => w.Tag, w => (w.Step, w.Scalar));
        Assert.AreEqual((1L, (double?)0.5), finals["hparams/loss"], "last epoch's loss at the last epoch");
        Assert.AreEqual(101.0, finals["hparams/val_loss"].Scalar);
        CollectionAssert.AreEqual(new long[] { 0, 1 }, written.Where(w => w.Run == "train" && w.Tag == "epoch_learning_rate").Select(w => w.Step).ToArray());
    }

    [TestMethod]
    public void HParamsDeclaration_WritesTheExperimentOnce_WithTheDeclaredDomains_AndTheFinalValuesAsItsOnlyMetrics()
    {
        using var dir = new TempDir();
        var options = new TensorBoardCallbackOptions
        {
            HParams = new Dictionary<string, HParamValue> { ["learning_rate"] = 0.01, ["optimizer"] = "adam", ["units"] = 32 },
            HParamsDeclaration = new HParamsDeclaration { Domains = new Dictionary<string, HParamDomain> { ["optimizer"] = HParamDomain.Discrete("adam", "sgd") } },
        };
        RunScriptedLoop(new TensorBoardCallback(dir.Path, options));
        var root = EventLog.ReadAll(dir.Path).Where(w => w.Run == ".").ToList();
        CollectionAssert.AreEqual(
            new[] { "_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info" },
            root.Where(w => w.Plugin == "hparams").Select(w => w.Tag).ToArray());
        var experiment = TbLogger.Protos.Plugins.HParams.HParamsPluginData.Parser
            .ParseFrom(root.Single(w => w.Tag == "_hparams_/experiment").Value.Metadata.PluginData.Content).Experiment;
        Assert.AreEqual(1L, root.Single(w => w.Tag == "_hparams_/experiment").Step, "the last epoch, as the session");
        CollectionAssert.AreEqual(new[] { "learning_rate", "optimizer", "units" }, experiment.HparamInfos.Select(h => h.Name).ToArray());
        // Declared: optimizer's domain as given; undeclared ones as TensorBoard infers them from this run alone.
        CollectionAssert.AreEqual(new[] { "adam", "sgd" }, experiment.HparamInfos[1].DomainDiscrete.Values.Select(v => v.StringValue).ToArray());
        Assert.AreEqual((0.01, 0.01), (experiment.HparamInfos[0].DomainInterval.MinValue, experiment.HparamInfos[0].DomainInterval.MaxValue));
        Assert.AreEqual((32.0, 32.0), (experiment.HparamInfos[2].DomainInterval.MinValue, experiment.HparamInfos[2].DomainInterval.MaxValue));
        // The metric columns are the final values only, not the batch_/epoch_/evaluation_ series of train and validation.
        CollectionAssert.AreEquivalent(new[] { "hparams/loss", "hparams/accuracy", "hparams/val_loss", "hparams/val_accuracy" },
            experiment.MetricInfos.Select(m => m.Name.Tag).ToArray());
        Assert.IsTrue(experiment.MetricInfos.All(m => m.Name.Group == ""));
    }

    [TestMethod]
    public void HParamsDeclaration_WithDeclaredMetrics_UsesThem_AndBadDeclarationsFailWhenTheCallbackIsMade()
    {
        using var dir = new TempDir();
        var hparams = new Dictionary<string, HParamValue> { ["learning_rate"] = 0.01 };
        var options = new TensorBoardCallbackOptions
        {
            HParams = hparams,
            HParamsDeclaration = new HParamsDeclaration { Metrics = [new HParamsMetric("epoch_accuracy", "validation")] },
        };
        RunScriptedLoop(new TensorBoardCallback(dir.Path, options));
        var experiment = TbLogger.Protos.Plugins.HParams.HParamsPluginData.Parser
            .ParseFrom(EventLog.ReadAll(dir.Path).Single(w => w.Tag == "_hparams_/experiment").Value.Metadata.PluginData.Content).Experiment;
        Assert.AreEqual("validation/epoch_accuracy", string.Join(",", experiment.MetricInfos.Select(m => $"{m.Name.Group}/{m.Name.Tag}")));

        var noHParams = Assert.ThrowsExactly<ArgumentException>(() => new TensorBoardCallback(dir.Path, new TensorBoardCallbackOptions { HParamsDeclaration = new HParamsDeclaration() }));
        Assert.AreEqual("HParamsDeclaration declares the HParams of the run: set HParams too. (Parameter 'options')", noHParams.Message);
        var unknown = Assert.ThrowsExactly<ArgumentException>(() => new TensorBoardCallback(dir.Path, options with
        {
            HParamsDeclaration = new HParamsDeclaration { Domains = new Dictionary<string, HParamDomain> { ["lr"] = HParamDomain.Interval(0, 1) } },
        }));
        Assert.AreEqual("The domain for 'lr' names no hyperparameter. (Parameter 'domains')", unknown.Message);
        var wrongKind = Assert.ThrowsExactly<ArgumentException>(() => new TensorBoardCallback(dir.Path, options with
        {
            HParamsDeclaration = new HParamsDeclaration { Domains = new Dictionary<string, HParamDomain> { ["learning_rate"] = HParamDomain.Discrete("fast") } },
        }));
        Assert.AreEqual("The domain for 'learning_rate' holds String values but the hyperparameter is a Number. (Parameter 'domains')", wrongKind.Message);
        var badGroup = Assert.ThrowsExactly<ArgumentException>(() => new TensorBoardCallback(dir.Path, options with
        {
            HParamsDeclaration = new HParamsDeclaration { Metrics = [new HParamsMetric("epoch_loss", "../elsewhere")] },
        }));
        Assert.AreEqual("Metric group '../elsewhere' of 'epoch_loss' is not a relative run path like 'validation'. (Parameter 'metrics')", badGroup.Message);
    }
}
