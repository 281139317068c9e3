using System.Numerics.Tensors;
using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>
/// Issue 16 item 5: one-line custom metric functions returning one value per element (Keras's
/// <c>MeanMetricWrapper(lambda t, p: ops.mean(ops.abs(t - p) ** 3, axis=-1))</c>), per-time-step weights, allocation-free
/// updates, names, and the public building blocks. Expected values by hand.
/// </summary>
[TestClass]
public sealed class FunctionMetricTests
{
    private static readonly float[] Truth = [0, 1, 2, 3];
    private static readonly float[] Pred = [1, 1, 0, 0];   // |t − p|³ = [1, 0], [8, 27] → row means 0.5, 17.5

    [TestMethod]
    public void OneLineScalarAndSpanFormsMatchKerasMeanMetricWrapper()
    {
        var scalar = Metric.FromFunction("cubed", (t, p) => MathF.Pow(MathF.Abs(t - p), 3));
        var span = Metric.FromFunction("cubed", (t, p, v) => { TensorPrimitives.Subtract(t, p, v); TensorPrimitives.Abs(v, v); TensorPrimitives.Pow(v, 3f, v); });
        foreach (var m in new[] { scalar, span })
        {
            Assert.AreEqual("cubed", m.Name);
            m.UpdateState(T(Truth, 2, 2), T(Pred, 2, 2));
            Assert.AreEqual(9.0, m.Result(), 1e-6);
            m.ResetState();
            m.UpdateState(T(Truth, 2, 2), T(Pred, 2, 2), T([1f, 3f], 2));
            Assert.AreEqual((0.5 + 3 * 17.5) / 4, m.Result(), 1e-6);
            Assert.AreEqual("""{"name":"cubed","dtype":"float32","fn":"cubed"}""", m.GetConfigJson());
        }
    }

    [TestMethod]
    public void PerTimeStepWeightsAndPerElementValues()
    {
        // [N=1, T=2, C=2]: per-step means 0.5 (t0) and 17.5 (t1); weights [[1, 0]] keep t0 only.
        var m = Metric.FromFunction("cubed", (t, p) => MathF.Pow(MathF.Abs(t - p), 3));
        m.UpdateState(T(Truth, 1, 2, 2), T(Pred, 1, 2, 2), T([1f, 0f], 1, 2));
        Assert.AreEqual(0.5, m.Result(), 1e-6);
        m.ResetState();
        m.UpdateState(T(Truth, 1, 2, 2), T(Pred, 1, 2, 2), T([1f, 3f], 1, 2));
        Assert.AreEqual((0.5 + 3 * 17.5) / 4, m.Result(), 1e-6);

        // One value per element, weights of yPred's shape: (1·1 + 0 + 2·8 + 0·27) / 3.
        var e = Metric.FromFunction("cubed_elements", (t, p) => MathF.Pow(MathF.Abs(t - p), 3), meanOverLastAxis: false);
        e.UpdateState(T(Truth, 2, 2), T(Pred, 2, 2), T([1f, 0f, 2f, 0f], 2, 2));
        Assert.AreEqual(17.0 / 3, e.Result(), 1e-6);
        // Rank 1: one value per sample.
        var r = Metric.FromFunction("abs", (t, p) => MathF.Abs(t - p));
        r.UpdateState(T(Truth, 4), T(Pred, 4), T([1f, 1f, 1f, 0f], 4));
        Assert.AreEqual((1 + 0 + 2) / 3.0, r.Result(), 1e-6);
        Assert.ThrowsExactly<ArgumentException>(() => r.UpdateState(T(Truth, 4), T(Pred, 2, 2)));
    }

    [TestMethod]
    public void UpdatesAllocateNothingAfterWarmUp()
    {
        var m = Metric.FromFunction("cubed", (t, p, v) => { TensorPrimitives.Subtract(t, p, v); TensorPrimitives.Abs(v, v); TensorPrimitives.Pow(v, 3f, v); });
        var yt = Tensor.Create(new float[3000], [100, 30]);
        var yp = Tensor.Create(Enumerable.Range(0, 3000).Select(i => i / 3000f).ToArray(), [100, 30]);
        var w = Tensor.Create(Enumerable.Repeat(0.5f, 100).ToArray(), [100]);
        m.UpdateState(yt, yp, w);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) m.UpdateState(yt, yp, w);
        Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void LambdaWrappersAreNamedLikeKerasNotByTheCompiler()
    {
        var wrapper = new MeanMetricWrapper((t, p, v) => v.Fill(1f));
        Assert.AreEqual("mean_metric_wrapper", wrapper.Name);
        Assert.AreEqual("per_row_ones", new MeanMetricWrapper(PerRowOnes).Name);
    }

    private static void PerRowOnes(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> perSample) => perSample.Fill(1f);

    [TestMethod]
    public void MetricOpsMeansAndWeightBroadcasting()
    {
        // [2, 3, 2] values 0..11 averaged over axis 1: [[2, 3], [8, 9]]; over the last axis: 0.5, 2.5, …
        float[] x = [.. Enumerable.Range(0, 12).Select(i => (float)i)];
        var mid = new float[4];
        MetricOps.MeanOverAxis(x, [2, 3, 2], 1, mid);
        CollectionAssert.AreEqual(new[] { 2f, 3f, 8f, 9f }, mid);
        var last = new float[6];
        MetricOps.MeanOverAxis(x, [2, 3, 2], -1, last);
        CollectionAssert.AreEqual(new[] { 0.5f, 2.5f, 4.5f, 6.5f, 8.5f, 10.5f }, last);
        var first = new float[6];
        MetricOps.MeanOverAxis(x, [2, 3, 2], 0, first);
        CollectionAssert.AreEqual(new[] { 3f, 4f, 5f, 6f, 7f, 8f }, first);
        var rows = new float[2];
        MetricOps.MeanOverLastAxis([1, 2, 3, 4, 5, 6], 3, rows);
        CollectionAssert.AreEqual(new[] { 2f, 5f }, rows);
        Assert.ThrowsExactly<ArgumentException>(() => MetricOps.MeanOverLastAxis([1, 2, 3], 2, new float[1]));
        Assert.ThrowsExactly<ArgumentException>(() => MetricOps.MeanOverAxis(x, [2, 3, 2], 3, mid));

        var w = new float[6];
        MetricOps.BroadcastWeights([1, 2, 3], [1, 3], [2, 3], w);
        CollectionAssert.AreEqual(new[] { 1f, 2f, 3f, 1f, 2f, 3f }, w);
        MetricOps.BroadcastWeights([5, 7], [2, 1], [2, 3], w);
        CollectionAssert.AreEqual(new[] { 5f, 5f, 5f, 7f, 7f, 7f }, w);
        var e = Assert.ThrowsExactly<ArgumentException>(() => MetricOps.BroadcastWeights([1, 2], [2], [2, 3], w));
        StringAssert.Contains(e.Message, "[2, 3]");
    }
}
