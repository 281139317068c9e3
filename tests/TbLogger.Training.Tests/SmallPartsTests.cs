namespace TbLogger.Training.Tests;

[TestClass]
public sealed class SmallPartsTests
{
    [TestMethod]
    public void UpdateFrequency_NamesAndValidation()
    {
        Assert.IsTrue(UpdateFrequency.Epoch.IsEpoch);
        Assert.AreEqual("epoch", UpdateFrequency.Epoch.ToString());
        Assert.AreEqual("batch", UpdateFrequency.Batch.ToString());
        Assert.AreEqual("100", UpdateFrequency.EveryNBatches(100).ToString());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => UpdateFrequency.EveryNBatches(0));
    }

    [TestMethod]
    public void ValidationPredictions_ChecksShapesAndLabels_AndExpandsBinary()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new ValidationPredictions([0, 1], new float[5], 3));
        Assert.ThrowsExactly<ArgumentException>(() => new ValidationPredictions([0, 3], new float[6], 3));
        var binary = ValidationPredictions.Binary([0, 1], [0.25f, 0.75f]);
        CollectionAssert.AreEqual(new[] { 0.75f, 0.25f, 0.25f, 0.75f }, binary.Probabilities);
        Assert.AreEqual(2, binary.NumClasses);
    }

    [TestMethod]
    public void ValidationPredictions_RejectNaNProbabilities_NamingTheArgumentAndTheIndex()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new ValidationPredictions([0, 1], [0.5f, 0.5f, float.NaN, 1f], 2));
        Assert.AreEqual("probabilities", ex.ParamName);
        Assert.AreEqual("probabilities[2] is NaN. (Parameter 'probabilities')", ex.Message);

        var binary = Assert.ThrowsExactly<ArgumentException>(() => ValidationPredictions.Binary([0, 1, 1], [0.25f, 0.5f, float.NaN]));
        Assert.AreEqual("positiveProbability", binary.ParamName);
        Assert.AreEqual("positiveProbability[2] is NaN. (Parameter 'positiveProbability')", binary.Message);
    }

    [TestMethod]
    public void ProgressBar_FormatsLikeKeras()
    {
        Assert.AreEqual("0.1235", ProgressBar.FormatValue(0.123456));
        Assert.AreEqual("1.2346e-04", ProgressBar.FormatValue(0.00012346));
        Assert.AreEqual("-2.5000", ProgressBar.FormatValue(-2.5));
        Assert.AreEqual(" 3s/step", ProgressBar.FormatStepTime(3.2));
        Assert.AreEqual(" 35ms/step", ProgressBar.FormatStepTime(0.035));
        Assert.AreEqual(" 410us/step", ProgressBar.FormatStepTime(0.00041));
    }

    [TestMethod]
    public void DisposingTheList_ClosesEventFilesEvenWithoutOnTrainEnd()
    {
        using var dir = new TempDir();
        var tb = new TensorBoardCallback(dir.Path);
        using (var list = new CallbackList([tb]))
        {
            list.OnTrainBegin();
            list.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 1, ["val_loss"] = 2 });
            // the loop throws here: no OnTrainEnd
        }
        var written = EventLog.ReadAll(dir.Path);
        CollectionAssert.AreEquivalent(new[] { "train epoch_loss", "validation epoch_loss" }, written.Select(w => $"{w.Run} {w.Tag}").ToArray());
    }

    [TestMethod]
    public void OnTrainBatchEnd_WritesEveryValueOfEveryBatch()
    {
        using var dir = new TempDir();
        using var tb = new TensorBoardCallback(dir.Path, new TensorBoardCallbackOptions { UpdateFrequency = UpdateFrequency.Batch });
        var logs = new Dictionary<string, double> { ["loss"] = 1, ["accuracy"] = 0.5, ["auc"] = 0.75 };
        tb.OnTrainBegin();
        for (int i = 0; i < 1100; i++) tb.OnTrainBatchEnd(i, logs); // allocations per batch: see the "training" quick benchmark (0 B)
        Assert.AreEqual(1100, tb.GlobalTrainBatch);
        tb.OnTrainEnd();
        Assert.AreEqual(3300, EventLog.ReadAll(dir.Path).Count(w => w.Tag.StartsWith("batch_", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void ProgressBar_ShowsAStandaloneEvaluation_ButNotValidationInsideFit()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, interactive: false);
        using var list = new CallbackList([bar], new TrainingContext { Epochs = 1, StepsPerEpoch = 2, EvaluationSteps = 3 });
        list.OnTrainBegin();
        list.OnEpochBegin(0);
        list.OnTrainBatchEnd(0);
        list.OnTrainBatchEnd(1, new Dictionary<string, double> { ["loss"] = 1 });
        list.OnTestBegin();
        list.OnTestBatchEnd(0);
        list.OnTestEnd(new Dictionary<string, double> { ["loss"] = 2 });
        list.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 1, ["val_loss"] = 2 });
        list.OnTrainEnd();
        list.OnTestBegin();
        for (int b = 0; b < 3; b++) list.OnTestBatchEnd(b);
        list.OnTestEnd(new Dictionary<string, double> { ["loss"] = 0.5 });
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(2, lines);
        StringAssert.StartsWith(lines[0], "Epoch 1/1 - 2/2 - ");
        StringAssert.Matches(lines[1], new System.Text.RegularExpressions.Regex(@"^3/3 - \d+s - \d+(us|ms|s)/step - loss: 0\.5000$"));
    }
}
