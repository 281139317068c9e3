using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Issue 16 item 1: <c>axis</c> other than −1 on the correlation and IoU metrics, checked by hand.</summary>
[TestClass]
public sealed class AxisTests
{
    [TestMethod]
    public void PearsonCorrelationAlongAxisZeroCorrelatesColumns()
    {
        // Columns: t (1, 2, 3) vs p (2, 4, 6) → 1; t (1, 3, 2) vs p (3, 1, 2) → −1.
        var yt = T([1, 1, 2, 3, 3, 2], 3, 2);
        var yp = T([2, 3, 4, 1, 6, 2], 3, 2);
        var m = new PearsonCorrelation(axis: 0);
        m.UpdateState(yt, yp);
        AssertClose(0.0, m.Result(), 1e-6);
        m.ResetState();
        m.UpdateState(yt, yp, T([3f, 1f], 2));                  // one weight per column value
        AssertClose(0.5, m.Result(), 1e-6);
        Assert.AreEqual("""{"name":"pearson_correlation","dtype":"float32","axis":0}""", m.GetConfigJson());
        var negative = new PearsonCorrelation(axis: -2);
        negative.UpdateState(yt, yp);
        AssertClose(0.0, negative.Result(), 1e-6);
    }

    [TestMethod]
    public void ConcordanceCorrelationAlongAxisZeroByHand()
    {
        // Column 0: means 2, 4; variances 2/3, 8/3; covariance 4/3 → 2·(4/3) / (2/3 + 8/3 + 4) = 4/11.
        // Column 1: means 2, 2; variances 2/3, 2/3; covariance −2/3 → −1.
        var m = new ConcordanceCorrelation(axis: 0);
        m.UpdateState(T([1, 1, 2, 3, 3, 2], 3, 2), T([2, 3, 4, 1, 6, 2], 3, 2));
        AssertClose((4.0 / 11 - 1) / 2, m.Result(), 1e-6);
    }

    [TestMethod]
    public void CorrelationAlongAnInnerAxisOfThreeDimensions()
    {
        // [N=2, T=3, F=2] with axis 1: per (n, f) a correlation over the three time steps; sample n = mean over f.
        float[] t = [1, 1, 2, 3, 3, 2, 1, 2, 2, 4, 3, 6];
        float[] p = [2, 3, 4, 1, 6, 2, 3, 1, 2, 2, 1, 3];
        // n=0: columns as above → (1 + −1)/2 = 0. n=1: f0 t (1, 2, 3) p (3, 2, 1) → −1; f1 t (2, 4, 6) p (1, 2, 3) → 1 → 0.
        var m = new PearsonCorrelation(axis: 1);
        m.UpdateState(T(t, 2, 3, 2), T(p, 2, 3, 2));
        AssertClose(0.0, m.Result(), 1e-6);
        m.ResetState();
        m.UpdateState(T(t, 2, 3, 2), T(p, 2, 3, 2), T([1f, 0f, 0f, 1f], 2, 2)); // per (n, f): n0f0 = 1, n1f1 = 1
        AssertClose(1.0, m.Result(), 1e-6);
    }

    [TestMethod]
    public void OneHotMeanIoUAlongAxisZero()
    {
        // Classes along axis 0: true classes [0, 1, 1], predicted argmax [0, 0, 1]; IoU 1/2 for each class.
        var yt = T([1, 0, 0, 0, 1, 1], 2, 3);
        var yp = T([0.7f, 0.6f, 0.2f, 0.3f, 0.4f, 0.8f], 2, 3);
        var m = new OneHotMeanIoU(2, axis: 0);
        m.UpdateState(yt, yp);
        AssertClose(0.5, m.Result(), 1e-6);
        StringAssert.Contains(m.GetConfigJson(), "\"axis\":0");
        var three = new OneHotMeanIoU(2, axis: 1);             // [N=1, C=2, T=3]: the same data, classes on axis 1
        three.UpdateState(T([1, 0, 0, 0, 1, 1], 1, 2, 3), T([0.7f, 0.6f, 0.2f, 0.3f, 0.4f, 0.8f], 1, 2, 3), T([1f, 0f, 1f], 1, 3));
        // Weight 0 drops sample 1 (true 1, predicted 0): class 0 IoU 1, class 1 IoU 1 → 1.
        AssertClose(1.0, three.Result(), 1e-6);
        var iou = new IoU(2, [1], sparseYTrue: false, sparseYPred: false, axis: -2);
        iou.UpdateState(yt, yp);
        AssertClose(0.5, iou.Result(), 1e-6);
        var bad = new OneHotMeanIoU(2, axis: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => bad.UpdateState(yt, yp));
        StringAssert.Contains(e.Message, "along axis 1");
    }
}
