using System.Numerics.Tensors;
using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Mean, Sum, MeanMetricWrapper and MetricCollection (Keras's reduction_metrics docstrings and hand calculation).</summary>
[TestClass]
public sealed class ReductionMetricsTests
{
    [TestMethod]
    public void MeanMatchesKeras()
    {
        var m = new Mean();
        m.UpdateState(T([1, 3, 5, 7], 4));
        AssertClose(4, m.Result());
        m.ResetState();
        m.UpdateState(T([1, 3, 5, 7], 4), T([1, 1, 0, 0], 4));
        AssertClose(2, m.Result());
    }

    [TestMethod]
    public void MeanReducesEachSampleFirstAndAcceptsWeightsOfTheValuesShape()
    {
        var m = new Mean();
        m.UpdateState(T([1, 2, 3, 4], 2, 2));
        AssertClose(2.5, m.Result());
        m.ResetState();
        m.UpdateState(T([1, 2, 3, 4], 2, 2), T([1, 0], 2));
        AssertClose(1.5, m.Result());
        m.ResetState();
        // Σ mean(v·w) / Σ mean(w) = (0.5 + 3.5) / (0.5 + 1)
        m.UpdateState(T([1, 2, 3, 4], 2, 2), T([1, 0, 1, 1], 2, 2));
        AssertClose(4 / 1.5, m.Result());
    }

    [TestMethod]
    public void MeanOfNothingIsZero() => Assert.AreEqual(0.0, new Mean().Result());

    [TestMethod]
    public void SumMatchesKeras()
    {
        var s = new Sum();
        s.UpdateState(T([1, 3, 5, 7], 4));
        AssertClose(16, s.Result());
        s.ResetState();
        s.UpdateState(T([1, 3, 5, 7], 4), T([1, 1, 0, 0], 4));
        AssertClose(4, s.Result());
        s.ResetState();
        s.UpdateState(T([1, 2, 3, 4], 2, 2), T([2, 0], 2)); // per-sample weight: 2·(1 + 2)
        AssertClose(6, s.Result());
    }

    [TestMethod]
    public void MeanWeightShapeMismatchNamesBothShapes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new Mean().UpdateState(T([1, 2, 3, 4], 4), T([1, 2], 2)));
        StringAssert.Contains(e.Message, "sampleWeight has shape [2] but values has shape [4]");
    }

    /// <summary>The seed example of the issue: a custom per-sample F1 on multi-label rows, thresholded at 0.5.</summary>
    private static void F1(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> perSample)
    {
        int c = (int)yPred.Lengths[1];
        float[]? s1 = null, s2 = null;
        var t = MetricGuard.Flatten(yTrue, ref s1);
        var p = MetricGuard.Flatten(yPred, ref s2);
        for (int i = 0; i < perSample.Length; i++)
        {
            float tp = 0, fp = 0, fn = 0;
            for (int j = 0; j < c; j++)
            {
                bool pred = p[i * c + j] > 0.5f, truth = t[i * c + j] == 1;
                if (pred && truth) tp++; else if (pred) fp++; else if (truth) fn++;
            }
            perSample[i] = tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
        }
    }

    [TestMethod]
    public void MeanMetricWrapperTurnsACustomF1FunctionIntoAWeightedMean()
    {
        var m = new MeanMetricWrapper(F1, "f1");
        var yt = T([1, 0, 1, 0, 1, 1], 2, 3);
        var yp = T([0.9f, 0.8f, 0.7f, 0.1f, 0.2f, 0.9f], 2, 3);
        // row 0: tp 2, fp 1 → 0.8; row 1: tp 1, fn 1 → 2/3
        m.UpdateState(yt, yp);
        AssertClose((0.8 + 2.0 / 3) / 2, m.Result(), 1e-6);
        m.ResetState();
        m.UpdateState(yt, yp, T([3, 1], 2));
        AssertClose((0.8 * 3 + 2.0 / 3) / 4, m.Result(), 1e-6);
        Assert.AreEqual("""{"name":"f1","dtype":"float32","fn":"F1"}""", m.GetConfigJson());
    }

    [TestMethod]
    public void MeanMetricWrapperDefaultNameIsTheFunctionNameInSnakeCase()
        => Assert.AreEqual("f1", new MeanMetricWrapper(F1).Name);

    [TestMethod]
    public void MetricCollectionUpdatesEveryMetricAndReturnsResultsByName()
    {
        var c = new MetricCollection([new BinaryAccuracy(), new MeanSquaredError("mse"), new R2Score(classAggregation: null)]);
        c.UpdateState(T([1, 0, 1, 1], 4, 1), T([0.9f, 0.4f, 0.2f, 0.6f], 4, 1));
        var r = c.Results();
        CollectionAssert.AreEqual(new[] { "binary_accuracy", "mse" }, r.Keys.ToArray());
        AssertClose(0.75, r["binary_accuracy"]);
        AssertClose((0.01 + 0.16 + 0.64 + 0.16) / 4, r["mse"]);
        var tensors = c.ResultTensors();
        CollectionAssert.AreEqual(new nint[] { 1 }, tensors["r2_score"].Lengths.ToArray());
        Assert.AreSame(c[1], c["mse"]);
        Assert.ThrowsExactly<ArgumentException>(() => c.Add(new MeanSquaredError("mse")));
        Assert.ThrowsExactly<KeyNotFoundException>(() => c["nope"]);
        c.ResetState();
        Assert.AreEqual(0.0, c.Results()["binary_accuracy"]);
    }

    [TestMethod]
    public void MetricCollectionsMergeByName()
    {
        var a = new MetricCollection([new BinaryAccuracy(), new Mean()]);
        var b = new MetricCollection([new Mean(), new BinaryAccuracy()]);
        a.UpdateState(T([1, 0], 2), T([0.9f, 0.9f], 2));
        b.UpdateState(T([1, 1], 2), T([0.9f, 0.9f], 2));
        a.Merge(b);
        AssertClose(0.75, a.Results()["binary_accuracy"]);
        AssertClose(0.9, a.Results()["mean"]);
        var other = new MetricCollection([new BinaryAccuracy(0.7f), new Mean()]);
        Assert.ThrowsExactly<ArgumentException>(() => a.Merge(other));
    }
}
