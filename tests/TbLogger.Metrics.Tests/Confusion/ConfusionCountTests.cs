using static TbLogger.Metrics.Tests.ConfusionTestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Expected values from keras/src/metrics/confusion_metrics_test.py (TruePositives … FalseNegatives).</summary>
[TestClass]
public sealed class ConfusionCountTests
{
    private static readonly float[] BinaryTrue = Rows([0, 1, 0, 1, 0], [0, 0, 1, 1, 1], [1, 1, 1, 1, 0], [0, 0, 0, 0, 1]);
    private static readonly float[] BinaryPred = Rows([0, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 0, 1, 0], [1, 1, 1, 1, 1]);
    private static readonly float[] ThresholdPred = Rows([0.9, 0.2, 0.8, 0.1], [0.2, 0.9, 0.7, 0.6], [0.1, 0.2, 0.4, 0.3], [0, 1, 0.7, 0.3]);
    private static readonly float[] ThresholdTrue = Rows([0, 1, 1, 0], [1, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]);
    private static readonly float[] ThreeThresholds = [0.15f, 0.5f, 0.85f];

    private static Metric Create(string kind, IReadOnlyList<float>? thresholds = null) => kind switch
    {
        "tp" => new TruePositives(thresholds),
        "fp" => new FalsePositives(thresholds),
        "tn" => new TrueNegatives(thresholds),
        _ => new FalseNegatives(thresholds),
    };

    [TestMethod]
    [DataRow("fp", 7.0, 14.0)]
    [DataRow("fn", 3.0, 5.0)]
    [DataRow("tn", 3.0, 4.0)]
    [DataRow("tp", 7.0, 12.0)]
    public void UnweightedAndRowWeighted(string kind, double unweighted, double weighted)
    {
        var m = Create(kind);
        m.UpdateState(T(BinaryTrue, 4, 5), T(BinaryPred, 4, 5));
        Assert.AreEqual(unweighted, m.Result());

        var w = Create(kind);
        w.UpdateState(T(BinaryTrue, 4, 5), T(BinaryPred, 4, 5), T(F(1.0, 1.5, 2.0, 2.5), 4));
        Assert.AreEqual(weighted, w.Result());
    }

    [TestMethod]
    [DataRow("fp", new[] { 7.0, 4.0, 2.0 })]
    [DataRow("fn", new[] { 1.0, 4.0, 6.0 })]
    [DataRow("tn", new[] { 2.0, 5.0, 7.0 })]
    [DataRow("tp", new[] { 6.0, 3.0, 1.0 })]
    public void UnweightedWithThresholds(string kind, double[] expected)
    {
        var m = Create(kind, ThreeThresholds);
        m.UpdateState(T(ThresholdTrue, 4, 4), T(ThresholdPred, 4, 4));
        Close(expected, m.ResultTensor());
        Assert.ThrowsExactly<InvalidOperationException>(() => m.Result());
    }

    [TestMethod]
    public void WeightedWithThresholdsBroadcastLikeKeras()
    {
        // FP: element weights [4, 4].
        var fp = new FalsePositives(ThreeThresholds);
        fp.UpdateState(T(ThresholdTrue, 4, 4), T(ThresholdPred, 4, 4),
            T(Rows([1, 2, 3, 5], [7, 11, 13, 17], [19, 23, 29, 31], [5, 15, 10, 0]), 4, 4));
        Close([125, 42, 12], fp.ResultTensor());

        // FN: row weights [4, 1].
        var fn = new FalseNegatives(ThreeThresholds);
        fn.UpdateState(T(ThresholdTrue, 4, 4), T(ThresholdPred, 4, 4), T(F(3, 5, 7, 4), 4, 1));
        Close([4, 16, 23], fn.ResultTensor());

        // TN: column weights [1, 4].
        var tn = new TrueNegatives(ThreeThresholds);
        tn.UpdateState(T(ThresholdTrue, 4, 4), T(ThresholdPred, 4, 4), T(F(0, 2, 3, 5), 1, 4));
        Close([5, 15, 23], tn.ResultTensor());

        // TP: scalar weight.
        var tp = new TruePositives(ThreeThresholds);
        tp.UpdateState(T(ThresholdTrue, 4, 4), T(ThresholdPred, 4, 4), T(F(37), 1));
        Close([222, 111, 37], tp.ResultTensor());
    }

    [TestMethod]
    public void UnsortedThresholdsKeepTheCallerOrder()
    {
        var m = new TruePositives([0.85f, 0.15f, 0.5f]);
        m.UpdateState(T(ThresholdTrue, 4, 4), T(ThresholdPred, 4, 4));
        Close([1, 6, 3], m.ResultTensor());
    }

    [TestMethod]
    public void EvenlySpacedThresholdsUseTheBucketPathWithTheSameCounts()
    {
        var even = new FalsePositives([0f, 0.25f, 0.5f, 0.75f, 1f]);
        var general = new FalsePositives([0.25f, 0f, 0.5f, 1f, 0.75f]);
        even.UpdateState(T(ThresholdTrue, 4, 4), T(ThresholdPred, 4, 4));
        general.UpdateState(T(ThresholdTrue, 4, 4), T(ThresholdPred, 4, 4));
        var a = Values(even);
        var b = Values(general);
        CollectionAssert.AreEqual(new[] { a[1], a[0], a[2], a[4], a[3] }, b);
    }

    [TestMethod]
    public void ThresholdsOutsideTheUnitIntervalAreRejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FalsePositives([-1f, 0.5f, 2f]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TruePositives([float.NaN]));
        Assert.ThrowsExactly<ArgumentException>(() => new TruePositives([]));
    }

    [TestMethod]
    public void ShapeErrorsNameTheProblem()
    {
        var m = new TruePositives();
        var e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T(F(0, 1, 1), 3), T(F(0, 1), 2)));
        StringAssert.Contains(e.Message, "[3]");
        StringAssert.Contains(e.Message, "[2]");
        e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T(F(0, 1, 0, 1), 2, 2), T(F(0, 1, 0, 1), 2, 2), T(F(1, 2, 3), 3)));
        StringAssert.Contains(e.Message, "[3]");
        StringAssert.Contains(e.Message, "[2, 2]");
        // Nothing was counted by the failed calls.
        Assert.AreEqual(0.0, m.Result());
    }

    [TestMethod]
    public void RankOneLabelsMatchColumnPredictions()
    {
        var m = new TruePositives();
        m.UpdateState(T(F(1, 0, 1), 3), T(F(0.9, 0.9, 0.2), 3, 1));
        Assert.AreEqual(1.0, m.Result());
        m.UpdateState(T(F(1, 0, 1), 3, 1), T(F(0.9, 0.9, 0.7), 3), T(F(2, 2, 3), 3));
        Assert.AreEqual(6.0, m.Result());
    }

    [TestMethod]
    public void ConfigUsesKerasKeys()
    {
        Assert.AreEqual("""{"name":"my_fp","dtype":"float32","thresholds":[0.4,0.9]}""", new FalsePositives([0.4f, 0.9f], "my_fp").GetConfigJson());
        Assert.AreEqual("""{"name":"true_positives","dtype":"float32","thresholds":null}""", new TruePositives().GetConfigJson());
        CollectionAssert.AreEqual(new[] { 0.4f, 0.9f }, new TrueNegatives([0.4f, 0.9f]).Thresholds.ToArray());
    }
}
