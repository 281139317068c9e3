using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>
/// Issue 16 item 3: NaN as Keras 3.16 treats it (numpy backend), one case per row of README's NaN table, each derived
/// by hand: a comparison with a threshold is false, argmax picks the first NaN, a NaN inside a mean makes it NaN.
/// </summary>
[TestClass]
public sealed class NaNSemanticsTests
{
    private static readonly float[] Labels = [1, 1, 0, 0];
    private static readonly float[] Preds = [0.9f, float.NaN, float.NaN, 0.2f];

    [TestMethod]
    public void ConfusionCountsTreatANaNPredictionAsNegativeAtEveryThreshold()
    {
        // 0.9 → TP; NaN with label 1 → FN; NaN with label 0 → TN; 0.2 → TN.
        Assert.AreEqual(1.0, Run(new TruePositives()));
        Assert.AreEqual(1.0, Run(new FalseNegatives()));
        Assert.AreEqual(0.0, Run(new FalsePositives()));
        Assert.AreEqual(2.0, Run(new TrueNegatives()));
        Assert.AreEqual(1.0, Run(new Precision()));
        Assert.AreEqual(0.5, Run(new Recall()));

        var weighted = new TrueNegatives();
        weighted.UpdateState(T(Labels, 4), T(Preds, 4), T([1f, 2f, 3f, 4f], 4));
        Assert.AreEqual(7.0, weighted.Result());
        var fnWeighted = new FalseNegatives();
        fnWeighted.UpdateState(T(Labels, 4), T(Preds, 4), T([1f, 2f, 3f, 4f], 4));
        Assert.AreEqual(2.0, fnWeighted.Result());

        // Threshold 0: 0.2 > 0 is a false positive, NaN > 0 still false. Thresholds in caller order [0.5, 0].
        var fp = new FalsePositives([0.5f, 0f]);
        fp.UpdateState(T(Labels, 4), T(Preds, 4));
        CollectionAssert.AreEqual(new[] { 0f, 1f }, fp.ResultTensor().ToArray());
        var tn = new TrueNegatives([0.5f, 0f]);
        tn.UpdateState(T(Labels, 4), T(Preds, 4));
        CollectionAssert.AreEqual(new[] { 2f, 1f }, tn.ResultTensor().ToArray());
    }

    [TestMethod]
    public void WithTopKANaNTakesASlotButIsNeverAboveTheThreshold()
    {
        // Row [NaN, 0.9, 0.8] with top_k 2: NumPy ranks NaN first, so only 0.9 stays; 0.8 is filtered out.
        var recall = new Recall(topK: 2);                 // TP 1 (0.9), FN 2 (NaN, and 0.8 filtered out)
        recall.UpdateState(T([1, 1, 1], 1, 3), T([float.NaN, 0.9f, 0.8f], 1, 3));
        AssertClose(1.0 / 3, recall.Result(), 1e-9);
        var recall3 = new Recall(topK: 3);                // all kept: TP 2, FN 1
        recall3.UpdateState(T([1, 1, 1], 1, 3), T([float.NaN, 0.9f, 0.8f], 1, 3));
        AssertClose(2.0 / 3, recall3.Result(), 1e-9);
    }

    [TestMethod]
    public void ANaNLabelIsAPositiveAsKerasCastsItToBool()
    {
        var tp = new TruePositives();
        tp.UpdateState(T([float.NaN, float.NaN, 0], 3), T([0.9f, 0.1f, 0.9f], 3));
        Assert.AreEqual(1.0, tp.Result());
        var fn = new FalseNegatives();
        fn.UpdateState(T([float.NaN, float.NaN, 0], 3), T([0.9f, 0.1f, 0.9f], 3));
        Assert.AreEqual(1.0, fn.Result());
    }

    [TestMethod]
    public void AucWithNaNPredictionsByHand()
    {
        // ROC points over the thresholds (NaN never above one): (FPR, TPR) = (0.5, 0.5) while 0.2 is above the threshold,
        // then (0, 0.5) until 0.9, then (0, 0). The curve never reaches (1, 1): area 0.5 · 0.5 = 0.25.
        Assert.AreEqual(0.25, Run(new AUC()), 1e-6);
        // The same with explicit, unevenly spaced thresholds (the comparison path instead of the bucketed one).
        Assert.AreEqual(0.25, Run(new AUC(thresholds: [0.1f, 0.5f, 0.95f])), 1e-6);
    }

    [TestMethod]
    public void FScoresPredictNaNAsNegativeAndANaNLabelMakesTheScoreNaN()
    {
        // Threshold 0.5: predictions [[NaN, 0.2], [0.3, 0.8]] → [[0, 0], [0, 1]]; labels [[1, 0], [0, 1]]: TP 1, FN 1, FP 0.
        var f1 = new F1Score(FScoreAverage.Micro, threshold: 0.5f);
        f1.UpdateState(T([1, 0, 0, 1], 2, 2), T([float.NaN, 0.2f, 0.3f, 0.8f], 2, 2));
        double p = 1 / (1 + 1e-7), r = 1 / (2 + 1e-7);
        AssertClose(2 * p * r / (p + r + 1e-7), f1.Result(), 1e-6);
        // No threshold: a row whose maximum is NaN predicts nothing (x ≥ NaN is false).
        var top = new F1Score(FScoreAverage.Micro);
        top.UpdateState(T([1, 0, 0, 1], 2, 2), T([float.NaN, 0.2f, 0.3f, 0.8f], 2, 2));
        AssertClose(2 * p * r / (p + r + 1e-7), top.Result(), 1e-6);
        var nanLabel = new F1Score(FScoreAverage.Macro, threshold: 0.5f);
        nanLabel.UpdateState(T([float.NaN, 0, 0, 1], 2, 2), T([0.9f, 0.2f, 0.3f, 0.8f], 2, 2));
        Assert.IsTrue(double.IsNaN(nanLabel.Result()));
    }

    [TestMethod]
    public void ThresholdedAccuracyAndIoUCountNaNAsBelowTheThreshold()
    {
        var acc = new BinaryAccuracy();
        acc.UpdateState(T(Labels, 4), T(Preds, 4));              // predicted [1, 0, 0, 0]: hits at 0, 2, 3
        Assert.AreEqual(0.75, acc.Result());
        var iou = new BinaryIoU([1], threshold: 0.5f);           // class 1: TP 1, FN 1, FP 0 → 1 / 2
        iou.UpdateState(T(Labels, 4), T(Preds, 4));
        AssertClose(0.5, iou.Result(), 1e-6);
        var oneHot = new OneHotIoU(2, [0, 1]);                  // rows: argmax picks the first NaN
        oneHot.UpdateState(T([0, 1, 1, 0], 2, 2), T([0.2f, float.NaN, 0.1f, 0.7f], 2, 2)); // both rows predict 1
        // class 0: TP 0, row 1 (sample 1 true 0), col 0 → IoU 0; class 1: TP 1, true 1, predicted 2 → 1/2.
        AssertClose(0.25, oneHot.Result(), 1e-6);
        Assert.ThrowsExactly<ArgumentException>(() => new MeanIoU(2).UpdateState(T([0, float.NaN], 2), T([0, 1], 2)));
    }

    [TestMethod]
    public void MeansOfValuesPropagateNaN()
    {
        var mean = new Mean();
        mean.UpdateState(T([1f, float.NaN], 2));
        Assert.IsTrue(double.IsNaN(mean.Result()));
        foreach (Metric m in new Metric[] { new MeanSquaredError(), new MeanAbsoluteError(), new BinaryCrossentropy(), new Hinge(),
                                            new CategoricalCrossentropy(), new KLDivergence(), new CosineSimilarity() })
        {
            m.UpdateState(T([0, 1, 1, 0], 2, 2), T([0.3f, float.NaN, 0.4f, 0.6f], 2, 2));
            Assert.IsTrue(double.IsNaN(m.Result()), m.Name);
        }
        var r2 = new R2Score();
        r2.UpdateState(T([1, 2, 3], 3), T([1, float.NaN, 3], 3));
        Assert.IsTrue(double.IsNaN(r2.Result()));
        var pearson = new PearsonCorrelation();
        pearson.UpdateState(T([1, 2, 3, 1, 2, 4], 2, 3), T([1, float.NaN, 3, 2, 3, 4], 2, 3));
        Assert.IsTrue(double.IsNaN(pearson.Result()));
        var sum = new Sum();
        sum.UpdateState(T([1f, float.NaN], 2), T([1f, 0f], 2)); // 0 · NaN is NaN, as in Keras
        Assert.IsTrue(double.IsNaN(sum.Result()));
    }

    private static double Run(Metric metric)
    {
        metric.UpdateState(T(Labels, 4), T(Preds, 4));
        return metric.Result();
    }
}
