using static TbLogger.Metrics.Tests.ConfusionTestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Expected values from keras/src/metrics/confusion_metrics_test.py and the class docstrings.</summary>
[TestClass]
public sealed class OperatingPointTests
{
    private static readonly float[] Labels10 = F(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
    private static readonly float[] LowPreds = F(0.0, 0.1, 0.2, 0.3, 0.4, 0.01, 0.02, 0.25, 0.26, 0.26);
    private static readonly float[] RecallPreds = F(0.0, 0.1, 0.2, 0.5, 0.6, 0.2, 0.5, 0.6, 0.8, 0.9);
    private static readonly float[] PrecisionPreds = F(0.05, 0.1, 0.2, 0.3, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.9, 0.95);
    private static readonly float[] PrecisionLabels = F(0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1);

    private static double Run(Metric m, float[] labels, float[] preds, float[]? weights = null)
    {
        if (weights is null) m.UpdateState(T(labels), T(preds));
        else m.UpdateState(T(labels), T(preds), T(weights));
        return m.Result();
    }

    /// <summary>[n, 3] predictions repeating one column, one-hot labels of class 2 where the label is positive.</summary>
    private static double RunClass2(Metric m, float[] labels, float[] preds)
    {
        int n = labels.Length;
        var p = new float[n * 3];
        var t = new float[n * 3];
        for (int i = 0; i < n; i++)
        {
            p[3 * i] = p[3 * i + 1] = p[3 * i + 2] = preds[i];
            t[3 * i + (labels[i] != 0 ? 2 : 0)] = 1;
        }
        m.UpdateState(T(t, n, 3), T(p, n, 3));
        return m.Result();
    }

    [TestMethod]
    public void AllCorrectGivesOne()
    {
        var rng = new Random(7);
        var inputs = Enumerable.Range(0, 100).Select(_ => (float)rng.Next(2)).ToArray();
        foreach (var m in new Metric[] { new SensitivityAtSpecificity(0.7), new SpecificityAtSensitivity(0.7), new PrecisionAtRecall(0.7), new RecallAtPrecision(0.7) })
        {
            m.UpdateState(T(inputs, 100, 1), T(inputs, 100, 1));
            Assert.AreEqual(1.0, m.Result(), m.Name);
        }
    }

    [TestMethod]
    public void SensitivityAtSpecificity()
    {
        Close(0.8, Run(new SensitivityAtSpecificity(0.8), Labels10, F(0.0, 0.1, 0.2, 0.3, 0.4, 0.1, 0.45, 0.5, 0.8, 0.9)));
        Close(0.6, Run(new SensitivityAtSpecificity(0.4), Labels10, LowPreds));
        Close(0.675, Run(new SensitivityAtSpecificity(0.4), Labels10, LowPreds, F(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
        Close(0.5, Run(new SensitivityAtSpecificity(0.5), F(0, 0, 0, 1, 1), F(0, 0.3, 0.8, 0.3, 0.8)));
        Close(1.0 / 3.0, Run(new SensitivityAtSpecificity(0.5), F(0, 0, 0, 1, 1), F(0, 0.3, 0.8, 0.3, 0.8), F(1, 1, 2, 2, 1)));
    }

    [TestMethod]
    public void SpecificityAtSensitivity()
    {
        Close(0.2, Run(new SpecificityAtSensitivity(1.0), Labels10, LowPreds));
        Close(0.6, Run(new SpecificityAtSensitivity(0.4), Labels10, LowPreds));
        Close(0.6, RunClass2(new SpecificityAtSensitivity(0.4, classId: 2), Labels10, LowPreds));
        Close(0.4, Run(new SpecificityAtSensitivity(0.4), Labels10, LowPreds, F(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)));
        Close(2.0 / 3.0, Run(new SpecificityAtSensitivity(0.5), F(0, 0, 0, 1, 1), F(0, 0.3, 0.8, 0.3, 0.8)));
        Close(0.5, Run(new SpecificityAtSensitivity(0.5), F(0, 0, 0, 1, 1), F(0, 0.3, 0.8, 0.3, 0.8), F(1, 1, 2, 2, 2)));
    }

    [TestMethod]
    public void PrecisionAtRecall()
    {
        Close(2.0 / 3.0, Run(new PrecisionAtRecall(0.8), Labels10, RecallPreds));
        Close(0.75, Run(new PrecisionAtRecall(0.6), Labels10, RecallPreds));
        Close(0.75, RunClass2(new PrecisionAtRecall(0.6, classId: 2), Labels10, RecallPreds));
        Close(0.7, Run(new PrecisionAtRecall(7.0 / 8), Labels10, RecallPreds, F(2, 1, 2, 1, 2, 1, 2, 2, 1, 2)));
        Close(0.5, Run(new PrecisionAtRecall(0.5), F(0, 0, 0, 1, 1), F(0, 0.3, 0.8, 0.3, 0.8)));
        Close(1.0 / 3.0, Run(new PrecisionAtRecall(0.5), F(0, 0, 0, 1, 1), F(0, 0.3, 0.8, 0.3, 0.8), F(2, 2, 2, 1, 1)));
    }

    [TestMethod]
    public void RecallAtPrecision()
    {
        Close(0.5, Run(new RecallAtPrecision(0.75), PrecisionLabels, PrecisionPreds));
        Close(5.0 / 6, Run(new RecallAtPrecision(2.0 / 3), PrecisionLabels, PrecisionPreds));
        Close(5.0 / 6, RunClass2(new RecallAtPrecision(2.0 / 3, classId: 2), PrecisionLabels, PrecisionPreds));
        Close(0.6, Run(new RecallAtPrecision(0.75), F(0, 1, 0, 0, 0, 1, 1), F(0.1, 0.2, 0.3, 0.5, 0.6, 0.9, 0.9), F(1, 2, 1, 2, 1, 2, 1)));
        Assert.AreEqual(0.0, Run(new RecallAtPrecision(2.0 / 3), F(1, 1, 0, 0), F(0.1, 0.2, 0.3, 0.9)));   // unachievable
        Close(0.5, Run(new RecallAtPrecision(0.8), F(0, 0, 1, 1), F(0, 0.5, 0.3, 0.9)));
        Close(1.0, Run(new RecallAtPrecision(0.8), F(0, 0, 1, 1), F(0, 0.5, 0.3, 0.9), F(1, 0, 0, 1)));
    }

    [TestMethod]
    public void NoDataGivesZero()
    {
        Assert.AreEqual(0.0, new RecallAtPrecision(0.5).Result());
        Assert.AreEqual(0.0, new PrecisionAtRecall(0.5).Result());
    }

    [TestMethod]
    public void OneThresholdUsesOneHalf()
    {
        // num_thresholds = 1: the single threshold 0.5 (general path).
        var m = new SensitivityAtSpecificity(0.5, numThresholds: 1);
        Close(0.5, Run(m, F(0, 0, 1, 1), F(0.2, 0.7, 0.3, 0.9)));
    }

    [TestMethod]
    public void InvalidArguments()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SensitivityAtSpecificity(-1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SpecificityAtSensitivity(1.5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PrecisionAtRecall(double.NaN));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RecallAtPrecision(0.4, numThresholds: -1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new RecallAtPrecision(0.4, numThresholds: 0));
    }

    [TestMethod]
    public void MoreThresholdsThanOneArrayHoldsAreRefusedStatingTheLargestAccepted()
    {
        // The bucket counts are 8 × (T + 1) ints: T = 268,435,447 fits in Array.MaxLength (2,147,483,591), one more does not.
        Func<Metric>[] constructors =
        [
            () => new SensitivityAtSpecificity(0.5, numThresholds: 268435448), () => new SpecificityAtSensitivity(0.5, numThresholds: 268435448),
            () => new PrecisionAtRecall(0.5, numThresholds: 268435448), () => new RecallAtPrecision(0.5, numThresholds: int.MaxValue),
        ];
        foreach (var create in constructors)
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => create());
            Assert.AreEqual("numThresholds", e.ParamName);
            StringAssert.StartsWith(e.Message, "At most 268435447 thresholds are accepted: their bucket counts, 8 × (numThresholds + 1) integers, " +
                                               "must fit in one .NET array of at most Array.MaxLength (2147483591) elements.");
        }
    }

    [TestMethod]
    public void Config()
    {
        var m = new SensitivityAtSpecificity(0.4, numThresholds: 100, classId: 12, name: "sensitivity_at_specificity_1");
        Assert.AreEqual("""{"name":"sensitivity_at_specificity_1","dtype":"float32","class_id":12,"num_thresholds":100,"specificity":0.4}""", m.GetConfigJson());
        Assert.AreEqual(4, m.State.Variables.Count);
        Assert.AreEqual("""{"name":"recall_at_precision","dtype":"float32","class_id":null,"num_thresholds":200,"precision":0.5}""", new RecallAtPrecision(0.5).GetConfigJson());
        Assert.AreEqual("precision_at_recall", new PrecisionAtRecall(0.1).Name);
        Assert.AreEqual("specificity_at_sensitivity", new SpecificityAtSensitivity(0.1).Name);
    }
}
