using static TbLogger.Metrics.Tests.ConfusionTestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Expected values from keras/src/metrics/confusion_metrics_test.py (AUCTest, MultiAUCTest) and hand calculations.</summary>
[TestClass]
public sealed class AucTests
{
    private static readonly float[] YPred = F(0, 0.5, 0.3, 0.9);
    private static readonly float[] YTrue = F(0, 0, 1, 1);
    private static readonly float[] Weights = F(1, 2, 3, 4);

    private static float[] Logits(float[] p) => [.. p.Select(v => (float)-Math.Log(1.0 / (v + 1e-12) - 1.0))];

    private static double Run(AUC m, float[]? weights = null)
    {
        if (weights is null) m.UpdateState(T(YTrue), T(YPred));
        else m.UpdateState(T(YTrue), T(YPred), T(weights));
        return m.Result();
    }

    [TestMethod]
    public void ThresholdGridHasEndEpsilons()
    {
        var m = new AUC(numThresholds: 3);
        CollectionAssert.AreEqual(new[] { -1e-7f, 0.5f, 1 + 1e-7f }, m.Thresholds.ToArray());
        Assert.AreEqual(200, new AUC().NumThresholds);
        var manual = new AUC(numThresholds: 2, thresholds: [0.5f]);
        Assert.AreEqual(3, manual.NumThresholds);
        Close(0.75, Run(manual));
    }

    [TestMethod]
    public void RocUnweightedFromLogitsAndAllCorrect()
    {
        Close(0.75, Run(new AUC(numThresholds: 3)));
        var logits = new AUC(numThresholds: 3, fromLogits: true);
        logits.UpdateState(T(YTrue), T(Logits(YPred)));
        Close(0.75, logits.Result());
        var all = new AUC();
        all.UpdateState(T(YTrue), T(YTrue));
        Assert.AreEqual(1.0, all.Result());
    }

    [TestMethod]
    public void WeightedSummationMethods()
    {
        // tp = [7, 4, 0], fp = [3, 0, 0], fn = [0, 3, 7], tn = [0, 3, 3]
        Close((1 + 4.0 / 7) / 2, Run(new AUC(numThresholds: 3), Weights));
        Close(1.0, Run(new AUC(numThresholds: 3, summationMethod: AucSummationMethod.Majoring), Weights));
        Close(4.0 / 7, Run(new AUC(numThresholds: 3, summationMethod: AucSummationMethod.Minoring), Weights));
        Close(1.0, Run(new AUC(numThresholds: 3, curve: AucCurve.PR, summationMethod: AucSummationMethod.Majoring), Weights));
        Close(0.7 * 3.0 / 7, Run(new AUC(numThresholds: 3, curve: AucCurve.PR, summationMethod: AucSummationMethod.Minoring), Weights));
    }

    [TestMethod]
    public void PrInterpolationIsDavisGoadrichNotATrapezoid()
    {
        // slope = [0.5, 1], intercept = [2, 0], p ratio = [2.5, 1]: (0.5·(3 + 2·ln 2.5) + 4) / 7.
        double expected = (0.5 * (3 + 2 * Math.Log(2.5)) + 4) / 7;
        Close(expected, Run(new AUC(numThresholds: 3, curve: AucCurve.PR), Weights));
        double trapezoid = (1 - 4.0 / 7) * (0.7 + 1) / 2 + 4.0 / 7 * (1 + 0) / 2;
        Assert.IsTrue(Math.Abs(expected - trapezoid) > 0.05);
        // Negative weights: max(tp + fn, 0) is 0 everywhere, divide_no_nan gives 0.
        Assert.AreEqual(0.0, Run(new AUC(numThresholds: 3, curve: AucCurve.PR), F(-1, -2, -3, -4)));
    }

    [TestMethod]
    public void PrGain()
    {
        Close(1.0, Run(new AUC(numThresholds: 3, curve: AucCurve.PRGain, summationMethod: AucSummationMethod.Majoring), Weights));
        Close(0.0, Run(new AUC(numThresholds: 3, curve: AucCurve.PRGain, summationMethod: AucSummationMethod.Minoring), Weights));
        Close(0.5, Run(new AUC(numThresholds: 3, curve: AucCurve.PRGain), Weights));
        var m = new AUC(numThresholds: 3, curve: AucCurve.PRGain);
        m.UpdateState(T(F(0, 0, 0, 1, 0, 1, 0, 1, 1, 1)), T(F(0.1, 0.2, 0.3, 0.3, 0.4, 0.4, 0.6, 0.6, 0.8, 0.9)));
        Close(2.0 / 3 * 1.0 / 3 + 1.0 / 3 * 5.0 / 6, m.Result());
    }

    [TestMethod]
    public void DivisionByZeroAndEmpty()
    {
        Assert.AreEqual(0.0, new AUC().Result());
        var onlyNegatives = new AUC();
        onlyNegatives.UpdateState(T(F(0, 0, 0)), T(F(0.1, 0.5, 0.9)));
        Assert.AreEqual(0.0, onlyNegatives.Result());
        var prEmpty = new AUC(curve: AucCurve.PR);
        Assert.AreEqual(0.0, prEmpty.Result());
    }

    [TestMethod]
    public void ExtraDimensionsAreFlattened()
    {
        float[] x = Rows([-10, 10, -10], [10, -10, 10], [-12, 12, -12], [12, -12, 12]);
        float[] preds = [.. x.Select(v => (float)(1 / (1 + Math.Exp(v))))];   // expit(-x)
        float[] labels = Rows([1, 0, 0], [1, 0, 0], [0, 1, 1], [0, 1, 1]);
        var m = new AUC();
        m.UpdateState(T(labels, 2, 2, 3), T(preds, 2, 2, 3));
        Close(0.5, m.Result());
    }

    [TestMethod]
    public void UserThresholdsUnevenUseTheSortedPath()
    {
        var m = new AUC(thresholds: [0.5f, 0.3f], curve: AucCurve.PR, summationMethod: AucSummationMethod.Majoring);
        Assert.AreEqual(4, m.NumThresholds);
        CollectionAssert.AreEqual(new[] { -1e-7f, 0.3f, 0.5f, 1 + 1e-7f }, m.Thresholds.ToArray());
        Assert.AreEqual("""{"name":"auc","dtype":"float32","num_thresholds":4,"curve":"PR","summation_method":"majoring","multi_label":false,"num_labels":null,"label_weights":null,"from_logits":false,"thresholds":[0.3,0.5]}""",
            m.GetConfigJson());
        // Thresholds [−ε, 0.3, 0.5, 1+ε] on YPred: tp = [2, 1, 1, 0], fp = [2, 1, 0, 0].
        // precision = [0.5, 0.5, 1, 0], recall = [1, 0.5, 0.5, 0]: 0.5·0.5 + 0 + 0.5·1 = 0.75.
        Close(0.75, Run(m));
    }

    // ── Multi-label (MultiAUCTest) ───────────────────────────────────────────────────────────────────
    private static readonly float[] MultiPred = Rows([0, 0.1], [0.5, 0.2], [0.3, 0.3], [0.9, 0.4]);
    private static readonly float[] Good = Rows([0, 0], [0, 0], [1, 1], [1, 1]);
    private static readonly float[] Bad = Rows([0, 1], [0, 1], [1, 0], [1, 0]);

    private static double Multi(AUC m, float[] labels, float[]? weights = null, nint[]? weightShape = null)
    {
        if (weights is null) m.UpdateState(T(labels, 4, 2), T(MultiPred, 4, 2));
        else m.UpdateState(T(labels, 4, 2), T(MultiPred, 4, 2), T(weights, weightShape ?? [weights.Length]));
        return m.Result();
    }

    [TestMethod]
    public void MultiLabelRoc()
    {
        Assert.AreEqual(1.0, RunAllCorrect(true));
        Assert.AreEqual(1.0, RunAllCorrect(false));
        Close((0.875 + 1.0) / 2, Multi(new AUC(numThresholds: 5, multiLabel: true), Good));
        var logits = new AUC(numThresholds: 5, multiLabel: true, fromLogits: true);
        logits.UpdateState(T(Good, 4, 2), T(Logits(MultiPred), 4, 2));
        Close((0.875 + 1.0) / 2, logits.Result());
        Close((0.875 * 0.75 + 1.0 * 0.25) / (0.75 + 0.25), Multi(new AUC(numThresholds: 5, multiLabel: true, labelWeights: [0.75f, 0.25f]), Good));
        Close((0.75 + 0.5) / 2, Multi(new AUC(numThresholds: 2, thresholds: [0.5f], multiLabel: true), Good));
        // Label 0: tpr [1, 1, 4/7, 4/7, 0], fpr [1, 2/3, 0, 0, 0] → 6/7; label 1: 1.
        Close((6.0 / 7 + 1) / 2, Multi(new AUC(numThresholds: 5, multiLabel: true), Good, Weights));
    }

    private static double RunAllCorrect(bool multiLabel)
    {
        var m = new AUC(multiLabel: multiLabel);
        m.UpdateState(T(Good, 4, 2), T(Good, 4, 2));
        return m.Result();
    }

    [TestMethod]
    public void FlattenedMultiLabelData()
    {
        Close(1.0 - 3.0 / 32, Multi(new AUC(numThresholds: 5), Good));
        var logits = new AUC(numThresholds: 5, fromLogits: true);
        logits.UpdateState(T(Good, 4, 2), T(Logits(MultiPred), 4, 2));
        Close(1.0 - 3.0 / 32, logits.Result());
        Close(1.0 - 1.0 / 3 * (1.0 - 2.0 / 7) / 2, Multi(new AUC(numThresholds: 5), Good, Weights));
        Close(1.0 - 1.0 / 3 * (1.0 - 3.0 / 11) / 2, Multi(new AUC(numThresholds: 5), Good, F(0, 1, 2, 3, 4, 5, 6, 7), [4, 2]));
        Close(1.0 - (1.0 - 0.375) * 0.375 / 2, Multi(new AUC(numThresholds: 5, labelWeights: [0.75f, 0.25f]), Good));
    }

    [TestMethod]
    public void MultiLabelPrInterpolation()
    {
        var m = new AUC(numThresholds: 5, curve: AucCurve.PR, multiLabel: true);
        Close(0.9436632680417569, Multi(m, Good));
        // Keras's test reuses the metric: the second result covers both batches.
        Close(0.6936632680417569, Multi(m, Bad));
        Close(0.9698923576834054, Multi(new AUC(numThresholds: 5, curve: AucCurve.PR, multiLabel: true), Good, Weights));
    }

    [TestMethod]
    public void MultiLabelWithoutNumLabelsHasNoResultBeforeTheFirstBatch()
    {
        var m = new AUC(multiLabel: true);
        Assert.ThrowsExactly<InvalidOperationException>(() => m.Result());
        Multi(m, Good);
        m.ResetState();
        Assert.AreEqual(0.0, m.Result());   // built: zero counts
        Assert.AreEqual(0.0, new AUC(multiLabel: true, numLabels: 2).Result());
        var wrong = new AUC(multiLabel: true, numLabels: 3);
        Assert.ThrowsExactly<ArgumentException>(() => Multi(wrong, Good));
        Assert.ThrowsExactly<ArgumentException>(() => new AUC(multiLabel: true).UpdateState(T(YTrue), T(YPred)));
    }

    [TestMethod]
    public void InvalidArguments()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AUC(numThresholds: -1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AUC(numThresholds: 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AUC(curve: (AucCurve)7));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AUC(summationMethod: (AucSummationMethod)7));
        Assert.ThrowsExactly<ArgumentException>(() => new AUC(numLabels: 2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AUC(labelWeights: [-1f]));
        Assert.ThrowsExactly<ArgumentException>(() => new AUC(multiLabel: true, numLabels: 3, labelWeights: [1f, 2f]));
        var flat = new AUC(labelWeights: [1f, 2f, 3f]);
        Assert.ThrowsExactly<ArgumentException>(() => Multi(flat, Good));
    }

    [TestMethod]
    public void MoreThresholdsOrLabelsThanOneArrayHoldsAreRefusedStatingTheLargestAccepted()
    {
        // The bucket counts are 8 × (T + 1) ints: T = 268,435,447 fits in Array.MaxLength (2,147,483,591), one more does
        // not; int.MaxValue thresholds threw OutOfMemoryException ("Array dimensions exceeded supported range").
        foreach (int numThresholds in new[] { 268435448, int.MaxValue })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AUC(numThresholds: numThresholds));
            Assert.AreEqual("numThresholds", e.ParamName);
            Assert.AreEqual(numThresholds, e.ActualValue);
            StringAssert.StartsWith(e.Message, "At most 268435447 thresholds are accepted: their bucket counts, 8 × (numThresholds + 1) integers, " +
                                               "must fit in one .NET array of at most Array.MaxLength (2147483591) elements.");
        }
        // Multi-label states are [T, L]: 200 × 10,737,417 fits, 200 × 10,737,418 does not (200 × 21,474,837 wrapped to 104).
        foreach (int numLabels in new[] { 10737418, 21474837 })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AUC(multiLabel: true, numLabels: numLabels));
            Assert.AreEqual("numLabels", e.ParamName);
            Assert.AreEqual(numLabels, e.ActualValue);
            StringAssert.StartsWith(e.Message, "At most 10737417 labels are accepted with 200 thresholds: each state holds numThresholds × numLabels counts, " +
                                               "which must fit in one .NET array of at most Array.MaxLength (2147483591) elements.");
        }
    }

    [TestMethod]
    public void AFirstMultiLabelBatchWithMoreLabelsThanOneArrayHoldsIsRefusedLeavingTheMetricUnchanged()
    {
        // Without numLabels the first batch sizes the [T, L] states: 1,000,000 × 4,295 wrapped around int to 32,704
        // and the update ran past them (IndexOutOfRangeException). It is refused as numLabels is, naming yPred.
        var m = new AUC(numThresholds: 1_000_000, multiLabel: true);
        float[] wide = new float[4295];
        var e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T(wide, 1, 4295), T(wide, 1, 4295)));
        Assert.AreEqual("yPred", e.ParamName);
        StringAssert.StartsWith(e.Message, "At most 2147 labels are accepted with 1000000 thresholds: each state holds numThresholds × numLabels counts, " +
                                           "which must fit in one .NET array of at most Array.MaxLength (2147483591) elements; yPred has shape [1, 4295].");
        // Nothing was sized: the metric has still seen no batch, and learns its labels from the next one.
        var none = Assert.ThrowsExactly<InvalidOperationException>(() => m.Result());
        Assert.AreEqual("Metric 'auc' has no result yet: a multi-label AUC without numLabels learns the number of labels from the first batch.", none.Message);
        Assert.AreEqual(Multi(new AUC(numThresholds: 1_000_000, multiLabel: true), Good), Multi(m, Good));
    }

    [TestMethod]
    public void Config()
    {
        var m = new AUC(numThresholds: 100, curve: AucCurve.PR, summationMethod: AucSummationMethod.Majoring, name: "auc_1",
                        multiLabel: true, numLabels: 2, fromLogits: true);
        Assert.AreEqual("""{"name":"auc_1","dtype":"float32","num_thresholds":100,"curve":"PR","summation_method":"majoring","multi_label":true,"num_labels":2,"label_weights":null,"from_logits":true}""",
            m.GetConfigJson());
        CollectionAssert.AreEqual(new[] { "true_positives", "false_positives", "true_negatives", "false_negatives" }, m.State.Variables.Select(s => s.Name).ToArray());
    }
}
