namespace TbLogger.Cli.Tests;

/// <summary>TensorBoard's debiased EMA (webapp line_chart_v2 data_transformer classicSmoothing).</summary>
[TestClass]
public sealed class SmoothingTests
{
    [TestMethod]
    public void DebiasedEmaMatchesHandComputedValues()
    {
        double[] smoothed = Smoothing.DebiasedEma([1, 2, 3], 0.5);
        Assert.AreEqual(1.0, smoothed[0], 1e-15);
        Assert.AreEqual(1.25 / 0.75, smoothed[1], 1e-15);
        Assert.AreEqual(2.125 / 0.875, smoothed[2], 1e-15);
    }

    [TestMethod]
    public void FirstPointIsUnbiasedAndZeroWeightIsRaw()
    {
        Assert.AreEqual(10.0, Smoothing.DebiasedEma([10, 0], 0.99)[0], 1e-12);
        CollectionAssert.AreEqual(new double[] { 3, 1, 4 }, Smoothing.DebiasedEma([3, 1, 4], 0));
    }

    [TestMethod]
    public void NonFinitePointsPassThroughWithoutCounting()
    {
        double[] smoothed = Smoothing.DebiasedEma([1, double.NaN, 3], 0.5);
        Assert.AreEqual(1.0, smoothed[0]);
        Assert.IsTrue(double.IsNaN(smoothed[1]));
        Assert.AreEqual((0.25 + 1.5) / 0.75, smoothed[2], 1e-15);
    }

    [TestMethod]
    public void ConstantSeriesIsUnchanged()
    {
        CollectionAssert.AreEqual(new double[] { 0.3, 0.3, 0.3 }, Smoothing.DebiasedEma([0.3, 0.3, 0.3], 0.9));
    }

    [TestMethod]
    public void WeightOutsideZeroToOneIsRejected()
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Smoothing.DebiasedEma([1], 1.5));
        Assert.AreEqual("weight", ex.ParamName);
    }
}
