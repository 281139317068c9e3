namespace TbLogger.Training.Tests;

[TestClass]
public sealed class CallbackTests
{
    private sealed class Recorder(List<string> calls, string name) : Callback
    {
        public override void OnTrainBegin(IReadOnlyDictionary<string, double>? logs = null) => calls.Add($"{name}.train_begin");
        public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double>? logs = null) => calls.Add($"{name}.epoch_begin {epoch}");
        public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null) => calls.Add($"{name}.batch_end {batch} {logs?["loss"]}");
        public override void OnTestEnd(IReadOnlyDictionary<string, double>? logs = null) => calls.Add($"{name}.test_end");
        public override void OnPredictBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null) => calls.Add($"{name}.predict_batch_end {batch}");
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double>? logs = null)
        {
            calls.Add($"{name}.epoch_end {epoch}");
            if (name == "b" && epoch == 1) Context.StopTraining = true;
        }
        public override void OnTrainEnd(IReadOnlyDictionary<string, double>? logs = null) => calls.Add($"{name}.train_end");
    }

    [TestMethod]
    public void CallbackList_FansOutInOrder_AndSharesTheStopFlag()
    {
        var calls = new List<string>();
        var context = new TrainingContext { Epochs = 5 };
        using var list = new CallbackList([new Recorder(calls, "a"), new Recorder(calls, "b")], context);
        Assert.AreSame(context, list[1].Context);
        list.OnTrainBegin();
        int epochs = 0;
        for (int epoch = 0; epoch < 5 && !list.StopTraining; epoch++, epochs++)
        {
            list.OnEpochBegin(epoch);
            list.OnTrainBatchEnd(0, new Dictionary<string, double> { ["loss"] = epoch });
            list.OnTestEnd();
            list.OnEpochEnd(epoch);
        }
        list.OnPredictBatchEnd(3);
        list.OnTrainEnd();
        Assert.AreEqual(2, epochs, "b asked to stop after epoch 1");
        CollectionAssert.AreEqual(new[]
        {
            "a.train_begin", "b.train_begin",
            "a.epoch_begin 0", "b.epoch_begin 0", "a.batch_end 0 0", "b.batch_end 0 0", "a.test_end", "b.test_end", "a.epoch_end 0", "b.epoch_end 0",
            "a.epoch_begin 1", "b.epoch_begin 1", "a.batch_end 0 1", "b.batch_end 0 1", "a.test_end", "b.test_end", "a.epoch_end 1", "b.epoch_end 1",
            "a.predict_batch_end 3", "b.predict_batch_end 3", "a.train_end", "b.train_end",
        }, calls);
        list.OnTrainBegin();
        Assert.IsFalse(list.StopTraining, "a new fit resets the stop flag");
    }

    [TestMethod]
    public void History_RecordsPerEpochValues_AndPlotsAPng()
    {
        var history = new History();
        using var list = new CallbackList([history]);
        list.OnTrainBegin();
        for (int e = 0; e < 6; e++)
            list.OnEpochEnd(e, new Dictionary<string, double>
            {
                ["loss"] = 1.0 / (e + 1), ["accuracy"] = 0.5 + 0.08 * e, ["val_loss"] = 1.2 / (e + 1), ["val_accuracy"] = 0.45 + 0.07 * e,
            });
        list.OnTrainEnd();
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4, 5 }, history.Epochs.ToArray());
        Assert.AreEqual(1.2 / 3, history["val_loss"][2], 1e-12);
        CollectionAssert.AreEqual(new[] { "loss", "accuracy", "val_loss", "val_accuracy" }, history.Keys.ToArray());
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "sub", "history.png");
        history.Plot(path, width: 1000, panelHeight: 300);
        var (w, h, colors, dark) = Png.Inspect(File.ReadAllBytes(path));
        Assert.AreEqual((1000, 300), (w, h));
        Assert.IsGreaterThan(30, colors, "blank figure");
        Assert.IsGreaterThan(0.002, dark, "no text or axes drawn");
    }

    [TestMethod]
    public void History_RenderPng_RejectsBadSizes_AndEpochsWithoutValues()
    {
        var h = new History();
        h.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 1.0 });
        var width = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => h.RenderPng(0, 360));
        Assert.AreEqual("width", width.ParamName);
        var height = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => h.RenderPng(1200, -5));
        Assert.AreEqual("panelHeight", height.ParamName);
        var huge = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => h.RenderPng(1200, int.MaxValue));
        Assert.AreEqual("panelHeight", huge.ParamName);

        var empty = new History();
        empty.OnEpochEnd(0, null);
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => empty.RenderPng());
        Assert.AreEqual("History has no values to plot: the 1 epoch(s) recorded logged nothing.", ex.Message);
    }

    [TestMethod]
    public void CsvLogger_AddsTheDeclaredValidationColumnsUpFront_WhenTheFirstEpochHasNoValidation()
    {
        // Keras: keys = sorted(first epoch's logs) + the model's expected val_ metric names not among them, in their order.
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "log.csv");
        var context = new TrainingContext { MetricNames = ["loss", "accuracy", "val_loss", "val_accuracy"] };
        var list = new CallbackList([new CsvLogger(path)], context);
        list.OnTrainBegin();
        list.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 1.5, ["accuracy"] = 0.5 });
        list.OnEpochEnd(1, new Dictionary<string, double> { ["loss"] = 1.0, ["accuracy"] = 0.75, ["val_loss"] = 1.25, ["val_accuracy"] = 0.625 });
        list.OnTrainEnd();
        Assert.AreEqual("epoch,accuracy,loss,val_loss,val_accuracy\r\n0,0.5,1.5,NA,NA\r\n1,0.75,1.0,1.25,0.625\r\n", File.ReadAllText(path));
    }

    [TestMethod]
    public void CsvLogger_WritesKerasFormat_SortedKeys_NA_AndAppends()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "log.csv");
        var csv = new CsvLogger(path);
        var list = new CallbackList([csv]);
        list.OnTrainBegin();
        list.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 0.5, ["accuracy"] = 0.25, ["val_loss"] = 1e-05 });
        list.OnEpochEnd(1, new Dictionary<string, double> { ["loss"] = 0.1, ["accuracy"] = 100 });
        list.OnTrainEnd();
        Assert.AreEqual("epoch,accuracy,loss,val_loss\r\n0,0.25,0.5,1e-05\r\n1,100.0,0.1,NA\r\n", File.ReadAllText(path));

        var again = new CallbackList([new CsvLogger(path, separator: ';', append: true)]);
        again.OnTrainBegin();
        again.OnEpochEnd(2, new Dictionary<string, double> { ["loss"] = 0.05 });
        again.OnTrainEnd();
        StringAssert.EndsWith(File.ReadAllText(path), "1,100.0,0.1,NA\r\n2;0.05\r\n", "no second header when appending");
    }

    [TestMethod]
    [DataRow(0.5, "0.5")]
    [DataRow(1.0, "1.0")]
    [DataRow(123456.0, "123456.0")]
    [DataRow(0.0001, "0.0001")]
    [DataRow(0.00012345, "0.00012345")]
    [DataRow(1.5e-7, "1.5e-07")]
    [DataRow(1e16, "1e+16")]
    [DataRow(-2.25, "-2.25")]
    [DataRow(0.1 + 0.2, "0.30000000000000004")]
    [DataRow(double.NaN, "nan")]
    public void CsvLogger_FormatsFloatsLikePython(double value, string expected) => Assert.AreEqual(expected, CsvLogger.PythonFloat(value));

    private sealed class Weights : IParameterStore
    {
        public float[] W = [0f];
        public IReadOnlyList<string> ParameterNames { get; } = ["w"];
        public ReadOnlySpan<float> GetValues(string name) => W;
        public ReadOnlySpan<int> GetShape(string name) => new[] { 1 };
        public void SetValues(string name, ReadOnlySpan<float> values) => values.CopyTo(W);
    }

    /// <summary>Runs epochs with the given monitored values; returns the number of epochs run.</summary>
    private static int Fit(EarlyStopping es, double[] values, string monitor = "val_loss", Weights? weights = null)
    {
        using var list = new CallbackList([es], new TrainingContext { Parameters = weights });
        list.OnTrainBegin();
        int epoch = 0;
        for (; epoch < values.Length && !list.StopTraining; epoch++)
        {
            if (weights is not null) weights.W[0] = epoch;
            list.OnEpochEnd(epoch, new Dictionary<string, double> { [monitor] = values[epoch] });
        }
        list.OnTrainEnd();
        return epoch;
    }

    [TestMethod]
    public void EarlyStopping_StopsAfterPatienceEpochsWithoutImprovement()
    {
        var es = new EarlyStopping(patience: 2);
        Assert.AreEqual(5, Fit(es, [1.0, 0.9, 0.8, 0.85, 0.84, 0.7, 0.6]));
        Assert.AreEqual(4, es.StoppedEpoch);
        Assert.AreEqual(2, es.BestEpoch);
        Assert.AreEqual(0.8, es.Best);
    }

    [TestMethod]
    public void EarlyStopping_MinDelta_Mode_Baseline_StartFromEpoch()
    {
        // Improvements smaller than min_delta do not count: 0.95 → 0.949 is not better by 0.01.
        Assert.AreEqual(2, Fit(new EarlyStopping(minDelta: 0.01, patience: 1), [1.0, 0.995, 0.99]));
        // Auto mode maximises accuracy.
        var acc = new EarlyStopping(monitor: "val_accuracy", patience: 1);
        Assert.AreEqual(4, Fit(acc, [0.5, 0.6, 0.7, 0.65, 0.9], "val_accuracy"));
        Assert.IsFalse(acc.Minimises);
        // Baseline: a first value that does not beat it leaves the wait at 1, so a flat run stops one epoch earlier.
        Assert.AreEqual(3, Fit(new EarlyStopping(patience: 2), [1.0, 1.0, 1.0, 1.0]));
        Assert.AreEqual(2, Fit(new EarlyStopping(patience: 2, baseline: 0.1), [1.0, 1.0, 1.0, 1.0]));
        // Warm-up epochs are ignored.
        Assert.AreEqual(4, Fit(new EarlyStopping(patience: 0, startFromEpoch: 2), [1.0, 2.0, 3.0, 4.0, 5.0]));
        Assert.ThrowsExactly<InvalidOperationException>(() => Fit(new EarlyStopping(monitor: "val_foo"), [1.0], "val_foo"));
    }

    [TestMethod]
    [DataRow("val_iou_loss")]
    [DataRow("val_layer2_loss")]
    [DataRow("f1_loss")]
    [DataRow("auc_error")]
    [DataRow("previous_loss")]
    public void EarlyStopping_AutoMode_MinimisesEveryLossAndError_EvenWhenTheNameContainsAMetric(string monitor)
    {
        var es = new EarlyStopping(monitor: monitor, patience: 1);
        Assert.IsTrue(es.Minimises, monitor);
        // A falling loss keeps training going; with maximisation it would stop after epoch 1.
        Assert.AreEqual(4, Fit(es, [1.0, 0.8, 0.6, 0.4], monitor));
    }

    [TestMethod]
    public void EarlyStopping_RestoresTheBestWeights()
    {
        var weights = new Weights();
        var es = new EarlyStopping(patience: 2, restoreBestWeights: true);
        Fit(es, [1.0, 0.5, 0.7, 0.8, 0.9], weights: weights);
        Assert.AreEqual(1, es.BestEpoch);
        Assert.AreEqual(1f, weights.W[0], "the weights of epoch 1 are back");

        int restored = -1;
        var hook = new EarlyStopping(patience: 1, restoreBestWeights: true) { RestoreBestWeights = e => restored = e };
        Fit(hook, [1.0, 0.5, 0.7, 0.8]);
        Assert.AreEqual(1, restored);
        Assert.ThrowsExactly<InvalidOperationException>(() => Fit(new EarlyStopping(restoreBestWeights: true), [1.0]));
    }

    [TestMethod]
    public void ProgressBar_Redirected_PrintsOneLinePerEpoch()
    {
        var output = new StringWriter();
        using var list = new CallbackList([new ProgressBar(output, interactive: false)], new TrainingContext { Epochs = 2, StepsPerEpoch = 45 });
        list.OnTrainBegin();
        for (int e = 0; e < 2; e++)
        {
            list.OnEpochBegin(e);
            for (int b = 0; b < 45; b++) list.OnTrainBatchEnd(b, new Dictionary<string, double> { ["loss"] = 0.5, ["accuracy"] = 0.9 });
            list.OnEpochEnd(e, new Dictionary<string, double> { ["loss"] = 0.25, ["accuracy"] = 0.9, ["val_loss"] = 0.0001 });
        }
        list.OnTrainEnd();
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(2, lines);
        StringAssert.Matches(lines[1], new System.Text.RegularExpressions.Regex(
            @"^Epoch 2/2 - 45/45 - \d+s - \d+(us|ms|s)/step - loss: 0\.2500 - accuracy: 0\.9000 - val_loss: 1\.0000e-04$"));
        Assert.IsFalse(output.ToString().Contains('\r'));
    }

    [TestMethod]
    public void ProgressBar_Interactive_RedrawsABarWithEtaAndEndsTheEpochLine()
    {
        var output = new StringWriter();
        using var list = new CallbackList([new ProgressBar(output, interactive: true, color: true, interval: TimeSpan.Zero)], new TrainingContext { Epochs = 3, StepsPerEpoch = 10 });
        list.OnTrainBegin();
        list.OnEpochBegin(0);
        for (int b = 0; b < 10; b++) list.OnTrainBatchEnd(b, new Dictionary<string, double> { ["loss"] = 0.5 });
        list.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 0.5, ["val_loss"] = 0.6 });
        string text = output.ToString();
        StringAssert.StartsWith(text, "Epoch 1/3" + Environment.NewLine);
        StringAssert.Contains(text, "\r\x1b[1m 5/10\x1b[0m \x1b[32m━━━━━━━━━━\x1b[0m\x1b[37m━━━━━━━━━━\x1b[0m");
        StringAssert.Contains(text, "\r\x1b[1m10/10\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m");
        StringAssert.Contains(text, "- loss: 0.5000 - val_loss: 0.6000");
        Assert.IsTrue(text.EndsWith(Environment.NewLine, StringComparison.Ordinal));
    }

    [TestMethod]
    public void EpochMetrics_FeedLogs_AndResetPerEpoch()
    {
        var metrics = new EpochMetrics(new TbLogger.Metrics.MetricCollection([new TbLogger.Metrics.CategoricalAccuracy("accuracy")]));
        float[] t = [1, 0, 0, 1], p1 = [0.9f, 0.1f, 0.8f, 0.2f], p2 = [0.1f, 0.9f, 0.2f, 0.8f];
        metrics.Update(1.0, new System.Numerics.Tensors.ReadOnlyTensorSpan<float>(t, [2, 2]), new System.Numerics.Tensors.ReadOnlyTensorSpan<float>(p1, [2, 2]));
        metrics.Update(3.0, new System.Numerics.Tensors.ReadOnlyTensorSpan<float>(t[..2], [1, 2]), new System.Numerics.Tensors.ReadOnlyTensorSpan<float>(p2[..2], [1, 2]));
        var logs = metrics.Results();
        CollectionAssert.AreEqual(new[] { "loss", "accuracy" }, logs.Keys.ToArray());
        Assert.AreEqual((1.0 * 2 + 3.0) / 3, logs["loss"], 1e-6, "loss weighted by batch size");
        Assert.AreEqual(1.0 / 3, logs["accuracy"], 1e-6);
        metrics.Reset();
        Assert.AreEqual(0, metrics.Results()["loss"]);
        var combined = Logs.WithValidation(logs, new Dictionary<string, double> { ["loss"] = 2 });
        CollectionAssert.AreEqual(new[] { "loss", "accuracy", "val_loss" }, combined.Keys.ToArray());
    }
}
