using System.Numerics.Tensors;
using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Expected values from Keras's accuracy_metrics docstrings/tests and hand calculation.</summary>
[TestClass]
public sealed class AccuracyMetricsTests
{
    [TestMethod]
    public void AccuracyMatchesKeras()
    {
        var m = new Accuracy();
        m.UpdateState(T([1, 2, 3, 4], 4, 1), T([0, 2, 3, 4], 4, 1));
        AssertClose(0.75, m.Result());
        m.ResetState();
        m.UpdateState(T([1, 2, 3, 4], 4, 1), T([0, 2, 3, 4], 4, 1), T([1, 1, 0, 0], 4));
        AssertClose(0.5, m.Result());
        Assert.AreEqual("accuracy", m.Name);
    }

    [TestMethod]
    public void BinaryAccuracyMatchesKeras()
    {
        var m = new BinaryAccuracy();
        m.UpdateState(T([1, 1, 0, 0], 4, 1), T([0.98f, 1, 0, 0.6f], 4, 1));
        AssertClose(0.75, m.Result());
        m.ResetState();
        m.UpdateState(T([1, 1, 0, 0], 4, 1), T([0.98f, 1, 0, 0.6f], 4, 1), T([1, 0, 0, 1], 4));
        AssertClose(0.5, m.Result());
    }

    [TestMethod]
    public void BinaryAccuracyCountsPositiveOnlyStrictlyAboveTheThreshold()
    {
        var m = new BinaryAccuracy(threshold: 0.5f);
        m.UpdateState(T([1, 0], 2), T([0.5f, 0.5f], 2));
        AssertClose(0.5, m.Result()); // 0.5 → predicted 0: wrong for label 1, right for label 0
    }

    [TestMethod]
    public void BinaryAccuracyRankOneEqualsRankTwoWithTrailingOne()
    {
        var a = new BinaryAccuracy();
        var b = new BinaryAccuracy();
        a.UpdateState(T([1, 0, 1], 3), T([0.9f, 0.2f, 0.1f], 3, 1));
        b.UpdateState(T([1, 0, 1], 3, 1), T([0.9f, 0.2f, 0.1f], 3));
        AssertClose(2.0 / 3, a.Result());
        AssertClose(2.0 / 3, b.Result());
    }

    [TestMethod]
    public void BinaryAccuracyVectorKernelMatchesAScalarCountIncludingTheTail()
    {
        var rng = new Random(5);
        int n = 1003;
        var t = new float[n]; var p = new float[n];
        int expected = 0;
        for (int i = 0; i < n; i++)
        {
            t[i] = rng.Next(2); p[i] = rng.Next(10) / 10f;
            if ((p[i] > 0.7f ? 1 : 0) == (int)t[i]) expected++;
        }
        var m = new BinaryAccuracy(0.7f);
        m.UpdateState(T(t, n), T(p, n));
        AssertClose(expected / (double)n, m.Result(), 1e-12);
    }

    [TestMethod]
    public void BinaryAccuracyMultiLabelAveragesEachRow()
    {
        var m = new BinaryAccuracy();
        // row means: [1, 0.5] → 0.75; weighted [1, 3] → (1 + 1.5) / 4 = 0.625
        m.UpdateState(T([1, 0, 1, 1], 2, 2), T([0.9f, 0.1f, 0.8f, 0.2f], 2, 2));
        AssertClose(0.75, m.Result());
        m.ResetState();
        m.UpdateState(T([1, 0, 1, 1], 2, 2), T([0.9f, 0.1f, 0.8f, 0.2f], 2, 2), T([1, 3], 2));
        AssertClose(0.625, m.Result());
    }

    [TestMethod]
    public void BinaryAccuracyRejectsThresholdsOutsideTheOpenUnitInterval()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BinaryAccuracy(0f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BinaryAccuracy(1f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BinaryAccuracy(float.NaN));
    }

    [TestMethod]
    public void CategoricalAccuracyMatchesKeras()
    {
        var yt = T2(new float[,] { { 0, 0, 1 }, { 0, 1, 0 } });
        var yp = T2(new float[,] { { 0.1f, 0.9f, 0.8f }, { 0.05f, 0.95f, 0 } });
        var m = new CategoricalAccuracy();
        m.UpdateState(yt, yp);
        AssertClose(0.5, m.Result());
        m.ResetState();
        m.UpdateState(yt, yp, T([0.7f, 0.3f], 2));
        AssertClose(0.3, m.Result());
    }

    [TestMethod]
    public void SparseCategoricalAccuracyMatchesKeras()
    {
        var yp = T2(new float[,] { { 0.1f, 0.6f, 0.3f }, { 0.05f, 0.95f, 0 } });
        var m = new SparseCategoricalAccuracy();
        m.UpdateState(T([2, 1], 2, 1), yp);
        AssertClose(0.5, m.Result());
        m.ResetState();
        m.UpdateState(T([2, 1], 2, 1), yp, T([0.7f, 0.3f], 2));
        AssertClose(0.3, m.Result());
        m.ResetState();
        m.UpdateState(T([2, 1], 2), yp); // [N] labels too
        AssertClose(0.5, m.Result());
    }

    [TestMethod]
    public void SparseCategoricalAccuracyArgMaxPicksTheFirstMaximumForEveryClassCount()
    {
        for (int c = 2; c <= 40; c++)
        {
            var rng = new Random(c);
            int n = 50;
            var p = new float[n * c]; var t = new float[n];
            int expected = 0;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < c; j++) p[i * c + j] = rng.Next(4); // many ties
                t[i] = rng.Next(c);
                int first = 0;
                for (int j = 1; j < c; j++) if (p[i * c + j] > p[i * c + first]) first = j;
                if (first == (int)t[i]) expected++;
            }
            var m = new SparseCategoricalAccuracy();
            m.UpdateState(T(t, n), T(p, n, c));
            AssertClose(expected / (double)n, m.Result(), 1e-12, $"classes {c}");
        }
    }

    [TestMethod]
    public void SparseLabelOutOfRangeNamesTheIndexAndValue()
    {
        var m = new SparseCategoricalAccuracy();
        var e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T([0, 3], 2), T([0.1f, 0.6f, 0.3f, 0.2f, 0.2f, 0.6f], 2, 3)));
        StringAssert.Contains(e.Message, "yTrue[1] = 3 is not a class index in [0, 3)");
        e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T([0.5f, 1], 2), T([0.1f, 0.6f, 0.3f, 0.2f, 0.2f, 0.6f], 2, 3)));
        StringAssert.Contains(e.Message, "yTrue[0] = 0.5");
        e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T([-1, 1], 2), T([0.1f, 0.6f, 0.3f, 0.2f, 0.2f, 0.6f], 2, 3)));
        StringAssert.Contains(e.Message, "yTrue[0] = -1");
        Assert.AreEqual(0.0, m.Result(), "a rejected batch must not change the state");
    }

    [TestMethod]
    public void SparseShapeMismatchNamesBothShapes()
    {
        var m = new SparseCategoricalAccuracy();
        var e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T([0, 1, 2], 3), T([0.1f, 0.6f, 0.3f, 0.2f, 0.2f, 0.6f], 2, 3)));
        StringAssert.Contains(e.Message, "yTrue has shape [3] but yPred has shape [2, 3]");
    }

    [TestMethod]
    public void NaNPredictionsPickTheFirstNaNAsArgMaxLikeKeras()
    {
        // Keras's numpy backend: argmax of a row with NaN is its first NaN. Row 0 predicts 1 (hit), row 1 predicts 1 (miss).
        var m = new CategoricalAccuracy();
        m.UpdateState(T([0, 1, 1, 0], 2, 2), T([0.1f, 0.9f, 0.2f, float.NaN], 2, 2));
        Assert.AreEqual(0.5, m.Result());
        m.UpdateState(T([1, 0], 1, 2), T([float.NaN, 0.9f], 1, 2)); // first NaN at 0 = the label: a hit
        AssertClose(2.0 / 3, m.Result());
    }

    [TestMethod]
    [DataRow(3)]
    [DataRow(10)]
    [DataRow(100)]
    public void NaNPredictionsInSparseAccuracyPredictTheFirstNaN(int classes)
    {
        var p = new float[2 * classes]; p[classes + 1] = float.NaN;
        var m = new SparseCategoricalAccuracy();
        m.UpdateState(T([0, 0], 2), T(p, 2, classes));              // row 1 predicts class 1 (its NaN): a miss
        Assert.AreEqual(0.5, m.Result());
        m.ResetState();
        m.UpdateState(T([0, 1], 2), T(p, 2, classes), T([1f, 3f], 2)); // now a hit, weighted 3
        Assert.AreEqual(1.0, m.Result());
        m.ResetState();
        m.UpdateState(T([float.NaN, 1], 2), T(p, 2, classes));      // a NaN label equals no class (Keras compares floats)
        Assert.AreEqual(0.5, m.Result());
    }

    [TestMethod]
    public void NaNLabelsInOneHotMetricsTakeTheFirstNaNAsTheTrueClass()
    {
        var t = new float[20]; t[13] = float.NaN;                   // row 1's true class is 3 (argmax picks the NaN)
        var p = new float[20]; p[10] = 1f;                           // row 1 predicts 0; row 0 predicts 0 (all ties)
        var m = new CategoricalAccuracy();
        m.UpdateState(T(t, 2, 10), T(p, 2, 10));
        Assert.AreEqual(0.5, m.Result());
        var top = new TopKCategoricalAccuracy(k: 2);                // row 1: only class 0 scores higher than class 3: in
        top.UpdateState(T(t, 2, 10), T(p, 2, 10));
        Assert.AreEqual(1.0, top.Result());
        var top1 = new TopKCategoricalAccuracy(k: 1);
        top1.UpdateState(T(t, 2, 10), T(p, 2, 10));
        Assert.AreEqual(0.5, top1.Result());
    }

    [TestMethod]
    public void NaNPredictionsTakeTopKSlotsAndANaNTargetIsNeverInTheTopK()
    {
        // Keras's numpy in_top_k: NaN ranks above every number; target NaN ≥ anything is false.
        var m = new SparseTopKCategoricalAccuracy(k: 2);
        m.UpdateState(T([1, 2, 0], 3), T([float.NaN, 0.5f, 0.1f, float.NaN, float.NaN, 0.9f, 0.2f, 0.3f, float.NaN], 3, 3));
        // row 0: NaN + 0.5 fill the two slots → class 1 in; row 1: two NaNs fill them → class 2 (0.9) out;
        // row 2: class 0 (0.2) behind NaN and 0.3 → out.
        AssertClose(1.0 / 3, m.Result());
        var nanTarget = new SparseTopKCategoricalAccuracy(k: 3);
        nanTarget.UpdateState(T([0], 1), T([float.NaN, 0.5f, 0.1f], 1, 3));
        Assert.AreEqual(0.0, nanTarget.Result());
    }

    [TestMethod]
    public void TopKCategoricalAccuracyMatchesKeras()
    {
        var yt = T2(new float[,] { { 0, 0, 1 }, { 0, 1, 0 } });
        var yp = T2(new float[,] { { 0.1f, 0.9f, 0.8f }, { 0.05f, 0.95f, 0 } });
        var m = new TopKCategoricalAccuracy(k: 1);
        m.UpdateState(yt, yp);
        AssertClose(0.5, m.Result());
        m.ResetState();
        m.UpdateState(yt, yp, T([0.7f, 0.3f], 2));
        AssertClose(0.3, m.Result());
        var k2 = new TopKCategoricalAccuracy(k: 2);
        k2.UpdateState(yt, yp);
        AssertClose(1.0, k2.Result());
        Assert.AreEqual(5, new TopKCategoricalAccuracy().K);
    }

    [TestMethod]
    public void SparseTopKCategoricalAccuracyMatchesKeras()
    {
        var yp = T2(new float[,] { { 0.1f, 0.9f, 0.8f }, { 0.05f, 0.95f, 0 } });
        var m = new SparseTopKCategoricalAccuracy(k: 1);
        m.UpdateState(T([2, 1], 2), yp);
        AssertClose(0.5, m.Result());
        m.ResetState();
        m.UpdateState(T([2, 1], 2), yp, T([0.7f, 0.3f], 2));
        AssertClose(0.3, m.Result());
    }

    [TestMethod]
    public void SparseTopKTiesAtTheBoundaryCountAsIn()
    {
        var m = new SparseTopKCategoricalAccuracy(k: 1);
        m.UpdateState(T([1], 1), T([0.5f, 0.5f, 0.1f], 1, 3));
        AssertClose(1.0, m.Result());
    }

    [TestMethod]
    public void SparseTopKFromSortedIds()
    {
        var m = new SparseTopKCategoricalAccuracy(k: 1, fromSortedIds: true);
        m.UpdateState(T([2, 1], 2), T2(new float[,] { { 1, 2, 0 }, { 1, 0, 2 } }));
        AssertClose(0.5, m.Result());
        var k2 = new SparseTopKCategoricalAccuracy(k: 2, fromSortedIds: true);
        k2.UpdateState(T([2, 1], 2), T2(new float[,] { { 1, 2, 0 }, { 1, 0, 2 } }));
        AssertClose(1.0, k2.Result());
    }

    [TestMethod]
    public void SequenceLabelsAverageTheirStepsPerSample()
    {
        // [N=2, T=2, C=2]: sample 0 steps right/right, sample 1 right/wrong → (1 + 0.5) / 2
        var m = new SparseCategoricalAccuracy();
        m.UpdateState(T([0, 1, 0, 0], 2, 2), T([0.9f, 0.1f, 0.2f, 0.8f, 0.7f, 0.3f, 0.4f, 0.6f], 2, 2, 2));
        AssertClose(0.75, m.Result());
        // per-step weights [[1, 1], [0, 1]]: Σ mean(v·w) / Σ mean(w) = (1 + 0) / (1 + 0.5)
        m.ResetState();
        m.UpdateState(T([0, 1, 0, 0], 2, 2), T([0.9f, 0.1f, 0.2f, 0.8f, 0.7f, 0.3f, 0.4f, 0.6f], 2, 2, 2), T([1, 1, 0, 1], 2, 2));
        AssertClose(1.0 / 1.5, m.Result());
    }
}
