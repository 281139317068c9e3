using static TbLogger.Metrics.Tests.ConfusionTestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Expected values from keras/src/metrics/confusion_metrics_test.py (PrecisionTest, RecallTest).</summary>
[TestClass]
public sealed class PrecisionRecallTests
{
    [TestMethod]
    public void PrecisionUnweightedWeightedAndDivisionByZero()
    {
        var p = new Precision();
        p.UpdateState(T(F(0, 1, 1, 0)), T(F(1, 0, 1, 0)));
        Close(0.5, p.Result());

        var w = new Precision();
        w.UpdateState(T(Rows([0, 1, 1, 0], [1, 0, 0, 1]), 2, 4), T(Rows([1, 0, 1, 0], [1, 0, 1, 0]), 2, 4),
                      T(Rows([1, 2, 3, 4], [4, 3, 2, 1]), 2, 4));
        Close(7.0 / 10.0, w.Result());

        var zero = new Precision();
        zero.UpdateState(T(F(0, 0, 0, 0)), T(F(0, 0, 0, 0)));
        Assert.AreEqual(0.0, zero.Result());
        Assert.AreEqual(0.0, new Precision().Result());
    }

    [TestMethod]
    public void PrecisionAllIncorrect()
    {
        var rng = new Random(5);
        var inputs = Enumerable.Range(0, 100).Select(_ => (float)rng.Next(2)).ToArray();
        var p = new Precision([0.5f]);
        p.UpdateState(T([.. inputs.Select(v => 1 - v)], 100, 1), T(inputs, 100, 1));
        Assert.AreEqual(0.0, p.Result());
    }

    [TestMethod]
    public void PrecisionWithThresholds()
    {
        var p = new Precision([0.5f, 0.7f]);
        p.UpdateState(T(F(0, 1, 1, 0)), T(F(1, 0, 0.6, 0)));
        Close([0.5, 0.0], p.ResultTensor());

        var w = new Precision([0.5f, 1.0f]);
        for (int i = 0; i < 2; i++)
            w.UpdateState(T(Rows([0, 1], [1, 0]), 2, 2), T(Rows([1, 0], [0.6, 0]), 2, 2), T(Rows([4, 0], [3, 1]), 2, 2));
        Close([3.0 / 7.0, 0.0], w.ResultTensor());
    }

    [TestMethod]
    public void PrecisionTopK()
    {
        var p = new Precision(topK: 3);
        p.UpdateState(T(F(0, 1, 1, 0, 0)), T(F(0.2, 0.1, 0.5, 0, 0.2)));
        Close(1.0 / 3.0, p.Result());

        var w = new Precision(topK: 3);
        w.UpdateState(T(F(0, 1, 1, 0, 1), 1, 5), T(F(0.2, 0.1, 0.4, 0, 0.2), 1, 5), T(F(1, 4, 2, 3, 5), 1, 5));
        w.UpdateState(T(F(1, 0, 1, 1, 1)), T(F(0.2, 0.6, 0.4, 0.2, 0.2)), T(F(3), 1));
        Close((2.0 + 5 + 3 + 3) / (1 + 2 + 5 + 3 + 3 + 3), w.Result());

        var both = new Precision([0.7f], topK: 2);
        both.UpdateState(T(F(0, 1, 1, 0, 1)), T(F(0.2, 0.8, 0.6, 0, 0.2)));
        Assert.AreEqual(1.0, both.Result());
        Assert.AreEqual(1.0, both.State.Variables[0].Values[0]);
        Assert.AreEqual(0.0, both.State.Variables[1].Values[0]);
        // The Keras docstring: top_k over [1, 1, 1, 1] keeps the first k.
        var k2 = new Precision(topK: 2);
        k2.UpdateState(T(F(0, 0, 1, 1)), T(F(1, 1, 1, 1)));
        Assert.AreEqual(0.0, k2.Result());
        var k4 = new Precision(topK: 4);
        k4.UpdateState(T(F(0, 0, 1, 1)), T(F(1, 1, 1, 1)));
        Assert.AreEqual(0.5, k4.Result());
    }

    private static readonly float[] ClassPred = Rows([0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.2, 0.6, 0.2], [0.7, 0.2, 0.1], [0.1, 0.1, 0.8]);
    private static readonly float[] ClassTrue = Rows([0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]);

    [TestMethod]
    public void ClassId()
    {
        var p = new Precision(classId: 1);
        p.UpdateState(T(ClassTrue, 5, 3), T(ClassPred, 5, 3));
        Assert.AreEqual(1.0, p.Result());
        Assert.AreEqual(1.0, p.State.Variables[0].Values[0]);
        Assert.AreEqual(0.0, p.State.Variables[1].Values[0]);

        var r = new Recall(classId: 1);
        r.UpdateState(T(ClassTrue, 5, 3), T(ClassPred, 5, 3));
        Assert.AreEqual(1.0, r.Result());

        var flat = new Precision(classId: 2);
        var e = Assert.ThrowsExactly<ArgumentException>(() => flat.UpdateState(T(F(0, 1, 1, 0, 0)), T(F(0.2, 0.1, 0.6, 0, 0.2))));
        StringAssert.Contains(e.Message, "[5]");
        var outOfRange = new Recall(classId: 3);
        e = Assert.ThrowsExactly<ArgumentException>(() => outOfRange.UpdateState(T(ClassTrue, 5, 3), T(ClassPred, 5, 3)));
        StringAssert.Contains(e.Message, "classId 3");
    }

    [TestMethod]
    public void RecallUnweightedWeightedAndDivisionByZero()
    {
        var r = new Recall();
        r.UpdateState(T(F(0, 1, 1, 0)), T(F(1, 0, 1, 0)));
        Close(0.5, r.Result());

        var w = new Recall();
        w.UpdateState(T(Rows([0, 1, 1, 0], [1, 0, 0, 1]), 2, 4), T(Rows([1, 0, 1, 0], [0, 1, 0, 1]), 2, 4),
                      T(Rows([1, 2, 3, 4], [4, 3, 2, 1]), 2, 4));
        Close(4.0 / 10.0, w.Result());

        var zero = new Recall();
        zero.UpdateState(T(F(0, 0, 0, 0)), T(F(0, 0, 0, 0)));
        Assert.AreEqual(0.0, zero.Result());
    }

    [TestMethod]
    public void RecallWithThresholdsAndTopK()
    {
        var r = new Recall([0.5f, 0.7f]);
        r.UpdateState(T(F(0, 1, 1, 0)), T(F(1, 0, 0.6, 0)));
        Close([0.5, 0.0], r.ResultTensor());

        var w = new Recall([0.5f, 1.0f]);
        for (int i = 0; i < 2; i++)
            w.UpdateState(T(Rows([0, 1], [1, 0]), 2, 2), T(Rows([1, 0], [0.6, 0]), 2, 2), T(Rows([1, 4], [3, 2]), 2, 2));
        Close([3.0 / 7.0, 0.0], w.ResultTensor());

        var k = new Recall(topK: 3);
        k.UpdateState(T(F(0, 1, 1, 0, 0)), T(F(0.2, 0.1, 0.5, 0, 0.2)));
        Close(0.5, k.Result());

        var wk = new Recall(topK: 3);
        wk.UpdateState(T(F(0, 1, 1, 0, 1), 1, 5), T(F(0.2, 0.1, 0.4, 0, 0.2), 1, 5), T(F(1, 4, 2, 3, 5), 1, 5));
        wk.UpdateState(T(F(1, 0, 1, 1, 1)), T(F(0.2, 0.6, 0.4, 0.2, 0.2)), T(F(3), 1));
        Close((2.0 + 5 + 3 + 3) / (4 + 2 + 5 + 3 + 3 + 3 + 3), wk.Result());

        var both = new Recall([0.7f], topK: 2);
        both.UpdateState(T(F(1, 1, 1, 0, 1)), T(F(0.2, 0.8, 0.6, 0, 0.2)));
        Close(0.25, both.Result());
        Assert.AreEqual(1.0, both.State.Variables[0].Values[0]);
        Assert.AreEqual(3.0, both.State.Variables[1].Values[0]);

        Assert.ThrowsExactly<ArgumentException>(() => new Recall(topK: 6).UpdateState(T(F(0, 1, 1, 0, 0)), T(F(0.2, 0.1, 0.5, 0, 0.2))));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Recall(topK: 0));
    }

    [TestMethod]
    public void ConfigAndStateNames()
    {
        var p = new Precision([0.4f, 0.9f], topK: 15, classId: 12, name: "my_precision");
        Assert.AreEqual("""{"name":"my_precision","dtype":"float32","thresholds":[0.4,0.9],"top_k":15,"class_id":12}""", p.GetConfigJson());
        CollectionAssert.AreEqual(new[] { "true_positives", "false_positives" }, p.State.Variables.Select(s => s.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "true_positives", "false_negatives" }, new Recall().State.Variables.Select(s => s.Name).ToArray());
        Assert.AreEqual("""{"name":"recall","dtype":"float32","thresholds":null,"top_k":null,"class_id":null}""", new Recall().GetConfigJson());
    }
}
