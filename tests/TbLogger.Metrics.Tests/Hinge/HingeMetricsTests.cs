using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Expected values from Keras's hinge_metrics_test (given to 1e-3 there; exact here by hand).</summary>
[TestClass]
public sealed class HingeMetricsTests
{
    private static readonly float[,] Pred = { { -0.3f, 0.2f, -0.1f, 1.6f }, { -0.25f, -1.0f, 0.5f, 0.6f } };

    [TestMethod]
    public void HingeMatchesKeras()
    {
        var m = new Hinge();
        m.UpdateState(T2(new float[,] { { 0, 1, 0, 1 }, { 0, 0, 1, 1 } }), T2(Pred));
        AssertClose(0.50625, m.Result());
        Assert.AreEqual(0.506, m.Result(), 1e-3);
        var w = new Hinge();
        w.UpdateState(T2(new float[,] { { -1, 1, -1, 1 }, { -1, -1, 1, 1 } }), T2(Pred), T([1.5f, 2], 2));
        AssertClose((0.6 * 1.5 + 0.4125 * 2) / 3.5, w.Result());
        Assert.AreEqual(0.493, w.Result(), 1e-3);
    }

    [TestMethod]
    public void SquaredHingeMatchesKeras()
    {
        var m = new SquaredHinge();
        m.UpdateState(T2(new float[,] { { 0, 1, 0, 1 }, { 0, 0, 1, 1 } }), T2(Pred));
        AssertClose(0.3640625, m.Result());
        var w = new SquaredHinge();
        w.UpdateState(T2(new float[,] { { -1, 1, -1, 1 }, { -1, -1, 1, 1 } }), T2(Pred), T([1.5f, 2], 2));
        AssertClose((0.485 * 1.5 + 0.243125 * 2) / 3.5, w.Result());
        Assert.AreEqual(0.347, w.Result(), 1e-3);
    }

    [TestMethod]
    public void HingeMapsLabelsOnlyWhenEveryLabelIsZeroOrOne()
    {
        // labels {0, 2}: not all binary → used as given: max(1 − 0·p, 0) = 1 and max(1 − 2·1, 0) = 0
        var m = new Hinge();
        m.UpdateState(T([0, 2], 1, 2), T([1, 1], 1, 2));
        AssertClose(0.5, m.Result());
    }

    [TestMethod]
    public void CategoricalHingeMatchesKeras()
    {
        var yt = T2(new float[,] { { 0, 1, 0, 1, 0 }, { 0, 0, 1, 1, 1 }, { 1, 1, 1, 1, 0 }, { 0, 0, 0, 0, 1 } });
        var yp = T2(new float[,] { { 0, 0, 1, 1, 0 }, { 1, 1, 1, 1, 1 }, { 0, 1, 0, 1, 0 }, { 1, 1, 1, 1, 1 } });
        var m = new CategoricalHinge();
        m.UpdateState(yt, yp);
        AssertClose(0.5, m.Result());
        m.ResetState();
        m.UpdateState(yt, yp, T([1, 1.5f, 2, 2.5f], 4));
        AssertClose(0.5, m.Result());
    }
}
