using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Expected values from Keras's probabilistic_metrics docstrings/tests and hand calculation.</summary>
[TestClass]
public sealed class ProbabilisticMetricsTests
{
    private static readonly float[,] BinTrue = { { 0, 1 }, { 0, 0 } };
    private static readonly float[,] BinPred = { { 0.6f, 0.4f }, { 0.4f, 0.6f } };

    [TestMethod]
    public void BinaryCrossentropyMatchesKeras()
    {
        var m = new BinaryCrossentropy();
        m.UpdateState(T2(BinTrue), T2(BinPred));
        AssertClose(0.81492424, m.Result());
        m.ResetState();
        m.UpdateState(T2(BinTrue), T2(BinPred), T([1, 0], 2));
        AssertClose(0.9162905, m.Result());
    }

    [TestMethod]
    public void BinaryCrossentropyFromLogitsAndLabelSmoothingByHand()
    {
        var m = new BinaryCrossentropy(fromLogits: true);
        m.UpdateState(T([0, 1], 1, 2), T([-1, 2], 1, 2));
        double e0 = Math.Log(1 + Math.Exp(-1)), e1 = Math.Log(1 + Math.Exp(-2));
        AssertClose((e0 + e1) / 2, m.Result());

        var s = new BinaryCrossentropy(labelSmoothing: 0.2f);
        s.UpdateState(T([1], 1, 1), T([0.7f], 1, 1));
        AssertClose(-(0.9 * Math.Log(0.7) + 0.1 * Math.Log(0.3)), s.Result());
    }

    [TestMethod]
    public void BinaryCrossentropyClipsCertainPredictions()
    {
        var m = new BinaryCrossentropy();
        m.UpdateState(T([1], 1), T([0], 1));
        AssertClose(-Math.Log(1e-7), m.Result(), 1e-4);
    }

    [TestMethod]
    public void CategoricalCrossentropyMatchesKeras()
    {
        var yt = T2(new float[,] { { 0, 1, 0 }, { 0, 0, 1 } });
        var yp = T2(new float[,] { { 0.05f, 0.95f, 0 }, { 0.1f, 0.8f, 0.1f } });
        var m = new CategoricalCrossentropy();
        m.UpdateState(yt, yp);
        AssertClose(1.1769392, m.Result());
        m.ResetState();
        m.UpdateState(yt, yp, T([0.3f, 0.7f], 2));
        AssertClose(1.6271976, m.Result());
    }

    [TestMethod]
    public void CategoricalCrossentropyRescalesPredictionsToSumToOneBeforeClipping()
    {
        var m = new CategoricalCrossentropy();
        m.UpdateState(T([0, 1], 1, 2), T([1, 3], 1, 2));
        AssertClose(-Math.Log(0.75), m.Result());
    }

    [TestMethod]
    public void CategoricalCrossentropyFromLogitsAndLabelSmoothingByHand()
    {
        var m = new CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.3f);
        m.UpdateState(T([0, 1, 0], 1, 3), T([1, 2, 3], 1, 3));
        double lse = Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        double[] t = [0.1, 0.8, 0.1];
        double expected = -(t[0] * (1 - lse) + t[1] * (2 - lse) + t[2] * (3 - lse));
        AssertClose(expected, m.Result());
    }

    [TestMethod]
    public void SparseCategoricalCrossentropyMatchesKeras()
    {
        var yp = T2(new float[,] { { 0.05f, 0.95f, 0 }, { 0.1f, 0.8f, 0.1f } });
        var m = new SparseCategoricalCrossentropy();
        m.UpdateState(T([1, 2], 2), yp);
        AssertClose(1.1769392, m.Result());
        m.ResetState();
        m.UpdateState(T([1, 2], 2), yp, T([0.3f, 0.7f], 2));
        AssertClose(1.6271976, m.Result());
    }

    [TestMethod]
    public void SparseCategoricalCrossentropyFromLogitsByHandAndRejectsBadLabels()
    {
        var m = new SparseCategoricalCrossentropy(fromLogits: true);
        m.UpdateState(T([2], 1, 1), T([1, 2, 3], 1, 3));
        AssertClose(Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) - 3, m.Result());
        var e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T([3], 1), T([1, 2, 3], 1, 3)));
        StringAssert.Contains(e.Message, "yTrue[0] is 3, which is not a class index in [0, 3)");
    }

    [TestMethod]
    public void KLDivergenceMatchesKeras()
    {
        var m = new KLDivergence();
        m.UpdateState(T2(BinTrue), T2(BinPred));
        AssertClose(0.45814306, m.Result());
        m.ResetState();
        m.UpdateState(T2(BinTrue), T2(BinPred), T([1, 0], 2));
        AssertClose(0.9162892, m.Result());
    }

    [TestMethod]
    public void PoissonMatchesKeras()
    {
        var m = new Poisson();
        m.UpdateState(T2(new float[,] { { 0, 1 }, { 0, 0 } }), T2(new float[,] { { 1, 1 }, { 0, 0 } }));
        AssertClose(0.49999997, m.Result());
        m.ResetState();
        m.UpdateState(T2(new float[,] { { 0, 1 }, { 0, 0 } }), T2(new float[,] { { 1, 1 }, { 0, 0 } }), T([1, 0], 2));
        AssertClose(0.99999994, m.Result());
    }
}
