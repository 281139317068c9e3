using System.Numerics.Tensors;
using TbLogger.Metrics;
using TbLogger.Metrics.Losses;
using TorchSharp;
using Tensor = TorchSharp.torch.Tensor;

namespace TbLogger.TorchSharp.Tests;

[TestClass]
public sealed class MetricTensorTests
{
    private static readonly float[] YTrue = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0];
    private static readonly float[] YPred = [0.7f, 0.2f, 0.1f, 0.3f, 0.3f, 0.4f, 0.1f, 0.1f, 0.8f, 0.6f, 0.3f, 0.1f];
    private static readonly float[] Weights = [1, 0.5f, 2, 1];

    [TestMethod]
    public void MetricsFromTensorsEqualTheSpanCall()
    {
        foreach (var name in new[] { "CategoricalAccuracy", "MeanSquaredError", "categorical_crossentropy" })
        {
            var spans = MetricFactory.Create(name);
            var tensors = MetricFactory.Create(name);
            spans.UpdateState(new ReadOnlyTensorSpan<float>(YTrue, [4, 3], []), new ReadOnlyTensorSpan<float>(YPred, [4, 3], []),
                              new ReadOnlyTensorSpan<float>(Weights, [4], []));
            using var t = torch.tensor(YTrue, [4, 3]);
            using var p = torch.tensor(YPred.Select(v => (double)v).ToArray(), [4, 3]); // float64: converted, same numbers
            using var w = torch.tensor(Weights);
            tensors.UpdateState(t, p, w);
            Assert.AreEqual(spans.Result(), tensors.Result(), 0.0, name);
        }
    }

    [TestMethod]
    public void SparseLabelsAsInt64TensorsWork()
    {
        var spans = MetricFactory.Create("SparseCategoricalAccuracy");
        var tensors = MetricFactory.Create("SparseCategoricalAccuracy");
        float[] labels = [0, 1, 2, 1];
        spans.UpdateState(new ReadOnlyTensorSpan<float>(labels, [4], []), new ReadOnlyTensorSpan<float>(YPred, [4, 3], []));
        using var l = torch.tensor(new long[] { 0, 1, 2, 1 });
        using var p = torch.tensor(YPred, [4, 3]);
        tensors.UpdateState(l, p);
        Assert.AreEqual(0.5, spans.Result(), 1e-12); // rows 0 and 2 are right; row 1 predicts class 2, row 3 class 0
        Assert.AreEqual(spans.Result(), tensors.Result(), 0.0);
    }

    [TestMethod]
    public void LossValueAndGradientFromTensorsEqualTheSpanCalls()
    {
        Loss loss = LossFactory.Create("mse");
        using var t = torch.tensor(YTrue, [4, 3]);
        using var p = torch.tensor(YPred, [4, 3], requires_grad: true);
        using var w = torch.tensor(Weights);
        float expected = loss.Compute(new ReadOnlyTensorSpan<float>(YTrue, [4, 3], []), new ReadOnlyTensorSpan<float>(YPred, [4, 3], []), new ReadOnlyTensorSpan<float>(Weights, [4], []));
        Assert.AreEqual(expected, loss.Compute(t, p, w));
        var grad = new float[12];
        loss.Gradient(new ReadOnlyTensorSpan<float>(YTrue, [4, 3], []), new ReadOnlyTensorSpan<float>(YPred, [4, 3], []), grad, new ReadOnlyTensorSpan<float>(Weights, [4], []));
        using Tensor g = loss.Gradient(t, p, w);
        CollectionAssert.AreEqual(new long[] { 4, 3 }, g.shape);
        CollectionAssert.AreEqual(grad, g.data<float>().ToArray());
        // And the numbers are MSE's: d/dp mean_i(w_i * mean_j (p-t)^2) = 2 (p - t) w_i / (3 * 4).
        Assert.AreEqual(2 * (YPred[0] - YTrue[0]) * Weights[0] / 12, g.data<float>()[0], 1e-6);
        Assert.IsNull(p.grad);
    }

    [TestMethod]
    public void ADisposedLabelTensorIsRejected()
    {
        var t = torch.tensor(YTrue, [4, 3]);
        t.Dispose();
        using var p = torch.tensor(YPred, [4, 3]);
        var e = Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("MeanSquaredError").UpdateState(t, p));
        Assert.AreEqual("yTrue", e.ParamName);
    }
}
