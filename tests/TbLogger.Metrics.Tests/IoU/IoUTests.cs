using static TbLogger.Metrics.Tests.ConfusionTestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Expected values from keras/src/metrics/iou_metrics_test.py (Keras 3.16) and the class docstrings.</summary>
[TestClass]
public sealed class IoUTests
{
    private static double Run(Metric m, float[] yTrue, float[] yPred, float[]? weights = null, nint[]? trueShape = null, nint[]? predShape = null)
    {
        var t = T(yTrue, trueShape ?? [yTrue.Length]);
        var p = T(yPred, predShape ?? [yPred.Length]);
        if (weights is null) m.UpdateState(t, p);
        else m.UpdateState(t, p, T(weights, trueShape is { Length: 2 } && weights.Length == yTrue.Length ? trueShape : [weights.Length]));
        return m.Result();
    }

    private const double Third = 1.0 / 3.0;

    [TestMethod]
    public void IoUUnweightedWeightedAndMultiDim()
    {
        Close(Third, Run(new IoU(2, [0, 1]), F(0, 0, 1, 1), F(0, 1, 0, 1)), 1e-5);
        Close((0.1 / (0.4 + 0.5 - 0.1) + 0.2 / (0.6 + 0.5 - 0.2)) / 2,
              Run(new IoU(2, [1, 0]), F(0, 0, 1, 1), F(0, 1, 0, 1), F(0.2, 0.3, 0.4, 0.1)));
        Close((0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2,
              Run(new IoU(2, [0, 1]), Rows([0, 0], [1, 1]), Rows([0, 1], [0, 1]), Rows([0.2, 0.3], [0.4, 0.1]), [2, 2], [2, 2]));
        Close(Third, Run(new IoU(2, [0]), F(0, 0, 1, 1), F(0, 1, 0, 1)));
        Close(Third, Run(new IoU(2, [0]), F(0, 0, 1, 1), F(0, 1, 0, 1), F(0.3, 0.3, 0.3, 0.1)));
    }

    [TestMethod]
    public void EmptyAndAbsentClasses()
    {
        Close(0.0, new IoU(2, [0, 1]).Result());
        Close(1.0, Run(new IoU(2, [0, 1]), F(1), F(1)));
        Close(Third, Run(new IoU(4, [0, 1, 2, 3]), F(0, 0, 1, 1), F(0, 1, 0, 1)));
        Close(1.0, Run(new MeanIoU(3), F(0, 0, 0, 0), F(0, 0, 0, 0)));
        Close(0.0, new MeanIoU(2).Result());
        Close(1.0, Run(new MeanIoU(2), F(1), F(1)));
    }

    [TestMethod]
    public void MeanIoU()
    {
        Close(Third, Run(new MeanIoU(2), F(0, 0, 1, 1), F(0, 1, 0, 1)));
        Close((1.0 / (1 + 1 - 1) + 1.0 / (2 + 1 - 1) + 0) / 3, Run(new MeanIoU(3, ignoreClass: 255), F(0, 1, 2, 255), F(0, 1, 1, 1)));
        Close((1.0 / (1 + 1 - 1) + 1.0 / (2 + 1 - 1) + 0) / 3, Run(new MeanIoU(3, ignoreClass: -1), F(0, 1, 2, -1), F(0, 1, 1, 1)));
        Close((0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2, Run(new MeanIoU(2), F(0, 0, 1, 1), F(0, 1, 0, 1), F(0.2, 0.3, 0.4, 0.1)));
        Close((0.2 / (0.6 + 0.5 - 0.2) + 0.0 / (0.3 + 0.4 - 0.0)) / 2, Run(new MeanIoU(2, ignoreClass: -1), F(0, 0, 1, -1), F(0, 1, 0, 1), F(0.2, 0.3, 0.4, 0.1)));
        Close(0.23809525, Run(new MeanIoU(2), F(0, 0, 1, 1), F(0, 1, 0, 1), F(0.3, 0.3, 0.3, 0.1)));
    }

    [TestMethod]
    public void FractionalWeightsAreKeptNotTruncated()
    {
        // Keras 3.16's default integer matrix would truncate 0.3 → 0 (and warn); we keep doubles (= Keras dtype float32).
        var m = new MeanIoU(2);
        Run(m, F(0, 0, 1, 1), F(0, 1, 0, 1), F(0.3, 0.3, 0.3, 0.1));
        CollectionAssert.AreEqual(new double[] { 0.30000001192092896, 0.30000001192092896, 0.30000001192092896, 0.10000000149011612 }, m.State.Variables[0].Values.ToArray());
        // Integer weights give the same result as float weights scaled by 10 (the Keras OneHotMeanIoU check).
        Close(Run(new MeanIoU(2), F(0, 0, 1, 1), F(0, 1, 0, 1), F(3, 3, 3, 1)), Run(new MeanIoU(2), F(0, 0, 1, 1), F(0, 1, 0, 1), F(0.3, 0.3, 0.3, 0.1)));
    }

    [TestMethod]
    public void OutOfRangeAndNonIntegerLabelsThrowNamingThePosition()
    {
        // Keras 3.16 silently drops these; the issue asks for ArgumentException naming the bad index.
        var e = Assert.ThrowsExactly<ArgumentException>(() => Run(new IoU(2, [0, 1]), F(0, 2), F(0, 1)));
        StringAssert.Contains(e.Message, "yTrue[1] is 2");
        e = Assert.ThrowsExactly<ArgumentException>(() => Run(new MeanIoU(2), F(0, 1), F(-1, 1)));
        StringAssert.Contains(e.Message, "yPred[0] is -1");
        e = Assert.ThrowsExactly<ArgumentException>(() => Run(new MeanIoU(2), F(0, 0.5), F(0, 1)));
        StringAssert.Contains(e.Message, "yTrue[1] is 0.5");
        e = Assert.ThrowsExactly<ArgumentException>(() => Run(new MeanIoU(2), F(0, 1, 1), F(0, 1)));
        StringAssert.Contains(e.Message, "[3]");
        Assert.ThrowsExactly<ArgumentException>(() => Run(new MeanIoU(2), F(0, double.NaN), F(0, 1)));
        var m = new MeanIoU(2);
        Assert.ThrowsExactly<ArgumentException>(() => Run(m, F(0, 1), F(0, 3)));
        Assert.AreEqual(0.0, m.State.Variables[0].Values.ToArray().Sum());   // a failed batch leaves the state unchanged
    }

    [TestMethod]
    public void BinaryIoUUsesGreaterOrEqual()
    {
        Close((0.2 / (0.6 + 0.5 - 0.2) + 0.1 / (0.4 + 0.5 - 0.1)) / 2,
              Run(new BinaryIoU([0, 1], 0.3f), F(0, 1, 0, 1), F(0.1, 0.2, 0.4, 0.7), F(0.2, 0.3, 0.4, 0.1)));
        Close((0.5 / (0.5 + 0.7 - 0.5) + 0.3 / (0.5 + 0.3 - 0.3)) / 2,
              Run(new BinaryIoU([0, 1], 0.5f), F(0, 1, 0, 1), F(0.1, 0.2, 0.4, 0.7), F(0.1, 0.2, 0.4, 0.3)));
        Close(Third, Run(new BinaryIoU([0, 1], 0.3f), F(0, 1, 0, 1), F(0.1, 0.2, 0.4, 0.7)));
        Close((2.0 / (2 + 3 - 2) + 1.0 / (2 + 1 - 1)) / 2, Run(new BinaryIoU([0, 1], 0.5f), F(0, 1, 0, 1), F(0.1, 0.2, 0.4, 0.7)));
        Close((0.2 / (0.6 + 0.3 - 0.2) + 0.3 / (0.4 + 0.7 - 0.3)) / 2,
              Run(new BinaryIoU([0, 1], 0.4f), Rows([0, 1], [0, 1]), Rows([0.1, 0.7], [0.9, 0.3]), Rows([0.2, 0.3], [0.4, 0.1]), [2, 2], [2, 2]));
        Close(0.0, new BinaryIoU().Result());
        Close(1.0, Run(new BinaryIoU([0, 1], 0.5f), F(1), F(0.6)));
        Close(0.17361112, Run(new BinaryIoU([0, 1], 0.3f), F(0, 1, 0, 1), F(0.1, 0.2, 0.4, 0.7), F(0.2, 0.3, 0.4, 0.1)));
        // Exactly at the threshold is class 1 (≥), unlike the confusion metrics' strict >.
        Close(1.0, Run(new BinaryIoU([1], 0.5f), F(1), F(0.5)));
    }

    private static readonly float[] OneHotTrue = Rows([0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]);
    private static readonly float[] OneHotPred = Rows([0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]);

    [TestMethod]
    public void OneHot()
    {
        Close((0.0 / (1 + 2 - 0) + 1.0 / (3 + 1 - 1)) / 2, Run(new OneHotIoU(3, [0, 2]), OneHotTrue, OneHotPred, null, [4, 3], [4, 3]));
        Close((0.0 / (0.3 + 0.6 - 0) + 0.1 / (0.7 + 0.1 - 0.1)) / 2, Run(new OneHotIoU(3, [0, 2]), OneHotTrue, OneHotPred, F(0.1, 0.2, 0.3, 0.4), [4, 3], [4, 3]));
        Close((0 + 0 + 1.0 / (3 + 1 - 1)) / 3, Run(new OneHotMeanIoU(3), OneHotTrue, OneHotPred, null, [4, 3], [4, 3]));
        float[] t5 = Rows([0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0], [1, 0, 0]);
        float[] p5 = Rows([0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5], [0.6, 0.2, 0.2]);
        double expected = (0.1 / (0.4 + 0.6 - 0.1) + 0 + 0.1 / (0.6 + 0.1 - 0.1)) / 3;
        Close(expected, Run(new OneHotMeanIoU(3), t5, p5, F(0.1, 0.2, 0.3, 0.3, 0.1), [5, 3], [5, 3]));
        Close(expected, Run(new OneHotMeanIoU(3), t5, p5, F(1, 2, 3, 3, 1), [5, 3], [5, 3]));
        var e = Assert.ThrowsExactly<ArgumentException>(() => Run(new OneHotIoU(4, [0]), OneHotTrue, OneHotPred, null, [4, 3], [4, 3]));
        StringAssert.Contains(e.Message, "[4, 3]");
    }

    [TestMethod]
    public void InvalidConstructorArguments()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new IoU(2, [2]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new IoU(2, [-1]));
        Assert.ThrowsExactly<ArgumentException>(() => new IoU(2, []));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MeanIoU(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BinaryIoU([2]));
    }

    [TestMethod]
    public void MoreClassesThanOneArrayHoldsSquaredAreRefusedStatingTheLargestAccepted()
    {
        // 46,340² counts fit in Array.MaxLength (2,147,483,591), 46,341² do not; 100,000² overflowed int (OverflowException)
        // and int.MaxValue class ids alone did not fit (OutOfMemoryException).
        Func<Metric>[] constructors =
        [
            () => new MeanIoU(46341), () => new MeanIoU(100000), () => new MeanIoU(int.MaxValue),
            () => new OneHotMeanIoU(46341), () => new IoU(46341, [0]), () => new OneHotIoU(46341, [0]),
        ];
        foreach (var create in constructors)
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => create());
            Assert.AreEqual("numClasses", e.ParamName);
            StringAssert.StartsWith(e.Message, "At most 46340 classes are accepted: the confusion matrix state holds numClasses² counts, " +
                                               "which must fit in one .NET array of at most Array.MaxLength (2147483591) elements.");
        }
        Assert.AreEqual(100000, Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MeanIoU(100000)).ActualValue);
    }

    [TestMethod]
    public void Config()
    {
        Assert.AreEqual("""{"name":"iou_class_1_0","dtype":"float32","num_classes":2,"target_class_ids":[1,0],"ignore_class":null,"sparse_y_true":true,"sparse_y_pred":true,"axis":-1}""",
            new IoU(2, [1, 0], name: "iou_class_1_0").GetConfigJson());
        Assert.AreEqual("""{"name":"mean_io_u","dtype":"float32","num_classes":2,"ignore_class":null,"sparse_y_true":true,"sparse_y_pred":true,"axis":-1}""", new MeanIoU(2).GetConfigJson());
        Assert.AreEqual("""{"name":"binary_io_u","dtype":"float32","target_class_ids":[0,1],"threshold":0.5}""", new BinaryIoU().GetConfigJson());
        Assert.AreEqual("""{"name":"one_hot_io_u","dtype":"float32","num_classes":3,"target_class_ids":[1],"ignore_class":null,"sparse_y_pred":false,"axis":-1}""", new OneHotIoU(3, [1]).GetConfigJson());
        Assert.AreEqual("""{"name":"one_hot_mean_io_u","dtype":"float32","num_classes":3,"ignore_class":null,"sparse_y_pred":false,"axis":-1}""", new OneHotMeanIoU(3).GetConfigJson());
        Assert.AreEqual("total_confusion_matrix", new MeanIoU(3).State.Variables.Single().Name);
    }
}
