namespace TbLogger.Metrics.Tests;

[TestClass]
public sealed class ConfusionFactoryRegistrationTests
{
    [TestMethod]
    [DataRow("AUC", "auc")]
    [DataRow("auc", "auc")]
    [DataRow("Precision", "precision")]
    [DataRow("recall", "recall")]
    [DataRow("TruePositives", "true_positives")]
    [DataRow("false_negatives", "false_negatives")]
    [DataRow("F1Score", "f1_score")]
    [DataRow("FBetaScore", "fbeta_score")]
    [DataRow("BinaryIoU", "binary_io_u")]
    public void CreatesByKerasNameWithDefaults(string identifier, string name)
    {
        var m = MetricFactory.Create(identifier);
        Assert.AreEqual(name, m.Name);
    }

    [TestMethod]
    public void ConfigsRoundTripThroughTheFactory()
    {
        Metric[] metrics =
        [
            new AUC(numThresholds: 50, curve: AucCurve.PR, summationMethod: AucSummationMethod.Minoring, multiLabel: true, numLabels: 2, labelWeights: [1f, 2f], fromLogits: true),
            new AUC(thresholds: [0.3f, 0.6f]),
            new Precision([0.4f, 0.9f], topK: 3, classId: 1),
            new Recall(),
            new TrueNegatives([0.25f]),
            new SensitivityAtSpecificity(0.4, 100, 2),
            new SpecificityAtSensitivity(0.3),
            new PrecisionAtRecall(0.8),
            new RecallAtPrecision(0.2, 10),
            new F1Score(FScoreAverage.Weighted, 0.4f),
            new FBetaScore(FScoreAverage.Micro, 2.0),
            new IoU(3, [0, 2], ignoreClass: 255, sparseYPred: false),
            new MeanIoU(4, sparseYTrue: false),
            new BinaryIoU([1], 0.3f),
            new OneHotIoU(3, [1], sparseYPred: true),
            new OneHotMeanIoU(5, ignoreClass: 0),
            new ConfusionMatrix(3, ConfusionMatrixNormalization.Pred, ignoreClass: -1, sparseYTrue: false, sparseYPred: true),
        ];
        foreach (var m in metrics)
        {
            string className = m.GetType().Name;
            var copy = MetricFactory.Create(className, m.GetConfigJson());
            Assert.AreEqual(m.GetType(), copy.GetType());
            Assert.AreEqual(m.GetConfigJson(), copy.GetConfigJson(), className);
        }
    }

    [TestMethod]
    public void BadConfigValuesAreReported()
    {
        Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("AUC", """{"curve":"Invalid"}"""));
        Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("AUC", """{"summation_method":"Invalid"}"""));
        Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("F1Score", """{"average":"invalid_average"}"""));
        Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("RecallAtPrecision", "{}"));
        Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("ConfusionMatrix"));
        Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("IoU", """{"num_classes":3}"""));
        Assert.AreEqual("mean_io_u", MetricFactory.Create("MeanIoU", """{"num_classes":3}""").Name);
        Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("Precision", """{"bogus":1}"""));
    }
}
