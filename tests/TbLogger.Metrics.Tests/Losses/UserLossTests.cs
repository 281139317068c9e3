using System.Numerics.Tensors;
using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Issue 16 item 6: user Loss subclasses that override one method, and registration by name for losses and metrics.</summary>
[TestClass]
public sealed class UserLossTests
{
    private static readonly float[] Truth = [0, 1, 2, 3];
    private static readonly float[] Pred = [1, 1, 0, 0];   // |p − t|³ per row: [1, 0] and [8, 27] → means 0.5 and 17.5

    /// <summary>mean(|p − t|³, axis=-1), overriding only Call.</summary>
    private sealed class CubedLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "cubed_loss") : Loss(name, reduction)
    {
        protected override void Call(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int rowLength, Span<float> perSample)
        {
            for (int r = 0; r < perSample.Length; r++)
            {
                float s = 0;
                for (int k = 0; k < rowLength; k++) s += MathF.Pow(MathF.Abs(yPred[r * rowLength + k] - yTrue[r * rowLength + k]), 3);
                perSample[r] = s / rowLength;
            }
        }
    }

    /// <summary>The same with its analytic derivative 3·|p − t|·(p − t) / C.</summary>
    private sealed class CubedLossWithGradient() : Loss("cubed_loss")
    {
        protected override void Call(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int rowLength, Span<float> perSample)
            => new CubedLossCaller().Run(yTrue, yPred, rowLength, perSample);

        protected override bool CallGradient(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int rowLength, Span<float> d)
        {
            for (int i = 0; i < d.Length; i++)
            {
                float e = yPred[i] - yTrue[i];
                d[i] = 3 * MathF.Abs(e) * e / rowLength;
            }
            return true;
        }
    }

    private readonly struct CubedLossCaller
    {
        public void Run(ReadOnlySpan<float> t, ReadOnlySpan<float> p, int c, Span<float> perSample)
        {
            for (int r = 0; r < perSample.Length; r++)
            {
                float s = 0;
                for (int k = 0; k < c; k++) s += MathF.Pow(MathF.Abs(p[r * c + k] - t[r * c + k]), 3);
                perSample[r] = s / c;
            }
        }
    }

    private static readonly float[] ExpectedGradient = [3f / 2 / 2, 0, -12f / 2 / 2, -27f / 2 / 2]; // 3|e|e / C / N

    [TestMethod]
    public void ASubclassOverridingCallGetsEveryReductionAndAGradient()
    {
        var loss = new CubedLoss();
        Close(9.0, loss.Compute(T(Truth, 2, 2), T(Pred, 2, 2)));
        Close((0.5 + 3 * 17.5) / 4, new CubedLoss(Reduction.SumOverGivenWeights).Compute(T(Truth, 2, 2), T(Pred, 2, 2), T([1f, 3f], 2)));
        CollectionAssert.AreEqual(new[] { 0.5f, 17.5f }, new CubedLoss(Reduction.None).ComputeUnreduced(T(Truth, 2, 2), T(Pred, 2, 2)).ToArray());
        var numeric = new float[4];
        loss.Gradient(T(Truth, 2, 2), T(Pred, 2, 2), numeric);
        AllClose([.. ExpectedGradient.Select(x => (double)x)], numeric, rtol: 1e-3, atol: 1e-3);
        var analytic = new float[4];
        Close(9.0, new CubedLossWithGradient().ComputeWithGradient(T(Truth, 2, 2), T(Pred, 2, 2), analytic));
        CollectionAssert.AreEqual(ExpectedGradient, analytic);
        Assert.AreEqual("CubedLoss", loss.ClassName);
        Assert.AreEqual("""{"name":"cubed_loss","reduction":"sum_over_batch_size"}""", loss.GetConfigJson());
    }

    [TestMethod]
    public void RegisteredLossesAndMetricsLoadFromTheirConfigs()
    {
        LossFactory.Register("CubedLoss", [], c => new CubedLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("cubed_loss")));
        var loss = LossFactory.Create("cubed_loss", """{"name": "mine", "reduction": "sum"}""");
        Assert.AreEqual("mine", loss.Name);
        Close(18.0, loss.Compute(T(Truth, 2, 2), T(Pred, 2, 2)));
        var back = LossFactory.Deserialize($$"""{"module": null, "class_name": "CubedLoss", "config": {{loss.GetConfigJson()}}, "registered_name": "CubedLoss"}""");
        Assert.AreEqual(loss.GetConfigJson(), back.GetConfigJson());
        Assert.Contains("CubedLoss", LossFactory.Identifiers);
        var e = Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Create("CubedLoss", """{"power": 3}"""));
        Assert.Contains("power", e.Message);

        MetricFactory.Register("BinaryCubes", c => Metric.FromFunction(c.Name ?? "binary_cubes", (t, p) => MathF.Pow(MathF.Abs(t - p), 3)));
        var metric = MetricFactory.Create("binary_cubes");
        metric.UpdateState(T(Truth, 2, 2), T(Pred, 2, 2));
        Close(9.0, metric.Result());
        var tracker = new LossMetric(loss);
        StringAssert.Contains(tracker.GetConfigJson(), "\"loss_class\":\"CubedLoss\"");
    }

    [TestMethod]
    public void ASubclassThatOverridesNothingSaysWhatToOverride()
    {
        var e = Assert.ThrowsExactly<NotSupportedException>(() => new EmptyLoss().Compute(T(Truth, 2, 2), T(Pred, 2, 2)));
        Assert.Contains("must override Loss.Call", e.Message);
    }

    private sealed class EmptyLoss() : Loss("empty");
}
