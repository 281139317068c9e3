using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>LossMetric: Keras's logged <c>loss</c>, a running mean of batch losses weighted by batch size, mergeable.</summary>
[TestClass]
public sealed class LossMetricTests
{
    [TestMethod]
    public void RunningMean_IsWeightedByBatchSize()
    {
        var metric = new LossMetric(new MeanSquaredErrorLoss());
        Assert.AreEqual("loss", metric.Name);
        Assert.AreEqual(0.0, metric.Result());
        // Batch 1: two samples, per-sample MSE 110/3 and 187/3 → batch loss 49.5.
        metric.UpdateState(T([1, 9, 2, -5, -2, 6], 2, 3), T([4, 8, 12, 8, 1, 3], 2, 3));
        Close(49.5, metric.Result());
        // Batch 2: one sample with MSE 1 → (49.5·2 + 1·1) / 3.
        metric.UpdateState(T([0, 0, 0], 1, 3), T([1, 1, 1], 1, 3));
        Close((49.5 * 2 + 1) / 3, metric.Result(), rtol: 1e-6);
        // Equals the per-sample mean over everything seen, as for an unweighted sum_over_batch_size loss.
        Close((110.0 / 3 + 187.0 / 3 + 1) / 3, metric.Result(), rtol: 1e-6);
        metric.ResetState();
        Assert.AreEqual(0.0, metric.Result());
    }

    [TestMethod]
    public void SampleWeights_GoToTheLoss()
    {
        var metric = new LossMetric(new MeanSquaredErrorLoss());
        metric.UpdateState(T([1, 9, 2, -5, -2, 6], 2, 3), T([4, 8, 12, 8, 1, 3], 2, 3), T([2.3f]));
        Close(113.85, metric.Result(), rtol: 1e-6);
    }

    [TestMethod]
    public void PrecomputedBatchLosses_CanBeAdded()
    {
        var metric = new LossMetric(new CategoricalCrossentropyLoss(fromLogits: true), "val_loss");
        metric.UpdateState(2f, 10);
        metric.UpdateState(4f, 30);
        Close(3.5, metric.Result());
        Assert.AreEqual("val_loss", metric.Name);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => metric.UpdateState(1f, 0));
        metric.UpdateState(float.NaN, 1);   // NaN in a mean is NaN (Keras's loss tracker), not an error
        Assert.IsTrue(double.IsNaN(metric.Result()));
    }

    [TestMethod]
    public void Merge_CombinesShardsExactly()
    {
        var a = new LossMetric(new MeanSquaredErrorLoss());
        var b = new LossMetric(new MeanSquaredErrorLoss());
        var whole = new LossMetric(new MeanSquaredErrorLoss());
        a.UpdateState(T([1, 9, 2, -5, -2, 6], 2, 3), T([4, 8, 12, 8, 1, 3], 2, 3));
        b.UpdateState(T([0, 0, 0], 1, 3), T([1, 1, 1], 1, 3));
        whole.UpdateState(T([1, 9, 2, -5, -2, 6], 2, 3), T([4, 8, 12, 8, 1, 3], 2, 3));
        whole.UpdateState(T([0, 0, 0], 1, 3), T([1, 1, 1], 1, 3));
        a.Merge(b);
        Assert.AreEqual(whole.Result(), a.Result(), 1e-12);

        var restored = new LossMetric(new MeanSquaredErrorLoss());
        restored.State.Load(a.State.Save());
        Assert.AreEqual(a.Result(), restored.Result());

        // A metric over another loss config cannot be merged in.
        var other = new LossMetric(new MeanSquaredErrorLoss(Reduction.Sum));
        Assert.ThrowsExactly<ArgumentException>(() => a.Merge(other));
    }

    [TestMethod]
    public void Config_NamesTheLoss()
    {
        var metric = new LossMetric(new HuberLoss(2f));
        StringAssert.Contains(metric.GetConfigJson(), "\"loss_class\":\"Huber\"");
        StringAssert.Contains(metric.GetConfigJson(), "\"delta\":2");
    }
}
