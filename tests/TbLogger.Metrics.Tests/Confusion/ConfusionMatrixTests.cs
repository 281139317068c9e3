using static TbLogger.Metrics.Tests.ConfusionTestData;

namespace TbLogger.Metrics.Tests;

[TestClass]
public sealed class ConfusionMatrixTests
{
    [TestMethod]
    public void CountsRowsTrueColumnsPredicted()
    {
        // Keras's metrics_utils.confusion_matrix docstring: labels [1, 2, 4], predictions [2, 2, 4], 5 classes.
        var m = new ConfusionMatrix(5, sparseYPred: true);
        m.UpdateState(T(F(1, 2, 4)), T(F(2, 2, 4)));
        var expected = new double[25];
        expected[1 * 5 + 2] = 1;
        expected[2 * 5 + 2] = 1;
        expected[4 * 5 + 4] = 1;
        Close(expected, m.ResultTensor());
        CollectionAssert.AreEqual(new nint[] { 5, 5 }, m.ResultTensor().Lengths.ToArray());
        Assert.ThrowsExactly<InvalidOperationException>(() => m.Result());
    }

    [TestMethod]
    public void ProbabilitiesAndOneHotLabelsWithWeights()
    {
        var m = new ConfusionMatrix(3, sparseYTrue: false);
        m.UpdateState(T(Rows([0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]), 4, 3),
                      T(Rows([0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]), 4, 3),
                      T(F(0.1, 0.2, 0.3, 0.4)));
        Close([0, 0, 0.6, 0.3, 0, 0, 0, 0, 0.1], m.ResultTensor());
    }

    [TestMethod]
    public void Normalisations()
    {
        float[] t = F(0, 0, 0, 1, 1, 2);
        float[] p = Rows([0.9, 0.1, 0], [0.9, 0.1, 0], [0.1, 0.9, 0], [0.1, 0.9, 0], [0.1, 0.9, 0], [0.8, 0.1, 0.1]);
        ConfusionMatrix Make(ConfusionMatrixNormalization n)
        {
            var m = new ConfusionMatrix(4, n);
            m.UpdateState(T(t), T(Rows([0.9, 0.1, 0, 0], [0.9, 0.1, 0, 0], [0.1, 0.9, 0, 0], [0.1, 0.9, 0, 0], [0.1, 0.9, 0, 0], [0.8, 0.1, 0.1, 0]), 6, 4));
            return m;
        }
        _ = p;
        Close([2, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], Make(ConfusionMatrixNormalization.None).ResultTensor());
        Close([2.0 / 3, 1.0 / 3, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], Make(ConfusionMatrixNormalization.True).ResultTensor());
        Close([2.0 / 3, 1.0 / 3, 0, 0, 0, 2.0 / 3, 0, 0, 1.0 / 3, 0, 0, 0, 0, 0, 0, 0], Make(ConfusionMatrixNormalization.Pred).ResultTensor());
        Close([2.0 / 6, 1.0 / 6, 0, 0, 0, 2.0 / 6, 0, 0, 1.0 / 6, 0, 0, 0, 0, 0, 0, 0], Make(ConfusionMatrixNormalization.All).ResultTensor());
        Close(new double[16], new ConfusionMatrix(4, ConfusionMatrixNormalization.All).ResultTensor());
    }

    [TestMethod]
    public void IgnoredClassAndErrors()
    {
        var m = new ConfusionMatrix(2, ignoreClass: 255, sparseYPred: true);
        m.UpdateState(T(F(0, 255, 1)), T(F(0, 1, 1)));
        Close([1, 0, 0, 1], m.ResultTensor());
        var e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T(F(0, 3)), T(F(0, 1))));
        StringAssert.Contains(e.Message, "yTrue[1] is 3");
        e = Assert.ThrowsExactly<ArgumentException>(() => new ConfusionMatrix(3).UpdateState(T(F(0, 1)), T(new float[4], 2, 2)));
        StringAssert.Contains(e.Message, "[2, 2]");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ConfusionMatrix(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ConfusionMatrix(2, (ConfusionMatrixNormalization)8));
    }

    [TestMethod]
    public void MoreClassesThanOneArrayHoldsSquaredAreRefusedStatingTheLargestAccepted()
    {
        // 46,340² counts fit in Array.MaxLength (2,147,483,591), 46,341² do not; 100,000² overflowed int (OverflowException).
        foreach (int numClasses in new[] { 46341, 100000, int.MaxValue })
        {
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ConfusionMatrix(numClasses));
            Assert.AreEqual("numClasses", e.ParamName);
            Assert.AreEqual(numClasses, e.ActualValue);
            StringAssert.StartsWith(e.Message, "At most 46340 classes are accepted: the confusion matrix state holds numClasses² counts, " +
                                               "which must fit in one .NET array of at most Array.MaxLength (2147483591) elements.");
        }
    }

    [TestMethod]
    public void Config()
        => Assert.AreEqual("""{"name":"confusion_matrix","dtype":"float32","num_classes":3,"normalize":"true","ignore_class":null,"sparse_y_true":true,"sparse_y_pred":false}""",
            new ConfusionMatrix(3, ConfusionMatrixNormalization.True).GetConfigJson());
}
