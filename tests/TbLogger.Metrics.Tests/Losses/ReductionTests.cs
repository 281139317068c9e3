using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>
/// The base class's weighting and reductions, for every built-in: each reduction of the weighted values equals the
/// formula applied by hand to the unweighted per-sample values.
/// </summary>
[TestClass]
public sealed class ReductionTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (var c in LossCase.All())
            foreach (var reduction in Enum.GetValues<Reduction>())
                yield return [c, reduction];
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void EveryReductionFollowsItsFormula(LossCase c, Reduction reduction)
    {
        var loss = c.Create(reduction);
        float[] raw = PerSample(c.Create(Reduction.None), c.YTrue, c.TrueShape, c.YPred, c.PredShape);
        double[] w = BroadcastByHand(c, raw.Length);
        // The ignore-class case masks its second row: that is a weight of 0 on top of the sample weight.
        if (c.Label.Contains("ignore", StringComparison.Ordinal)) w[1] = 0;
        double sum = 0, weightSum = 0;
        int nonzero = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            sum += w[i] * raw[i];
            weightSum += w[i];
            if (w[i] != 0) nonzero++;
        }
        int valid = c.Label.Contains("ignore", StringComparison.Ordinal) ? raw.Length - 1 : raw.Length;
        bool masked = c.Label.Contains("ignore", StringComparison.Ordinal);
        double expected = reduction switch
        {
            Reduction.None or Reduction.Sum => sum,
            Reduction.SumOverBatchSize => sum / valid,
            Reduction.SumOverBroadcastWeights => sum / weightSum,
            // Keras's mean_with_sample_weight: the weights as passed (a mask is first multiplied into them).
            Reduction.SumOverGivenWeights => sum / (masked ? weightSum : c.Weights.Sum(x => (double)x)),
            Reduction.SumByNonzeroWeights => sum / nonzero,
            _ => throw new AssertFailedException(),
        };
        if (reduction == Reduction.None)
        {
            var e = Assert.ThrowsExactly<InvalidOperationException>(
                () => loss.Compute(T(c.YTrue, c.TrueShape), T(c.YPred, c.PredShape), T(c.Weights, c.WeightShape)));
            Assert.Contains("ComputeUnreduced", e.Message);
            var unreduced = loss.ComputeUnreduced(T(c.YTrue, c.TrueShape), T(c.YPred, c.PredShape), T(c.Weights, c.WeightShape));
            Close(sum, unreduced.ToArray().Sum(x => (double)x), rtol: 1e-5, atol: 1e-6);
        }
        else
        {
            float actual = loss.Compute(T(c.YTrue, c.TrueShape), T(c.YPred, c.PredShape), T(c.Weights, c.WeightShape));
            Close(expected, actual, rtol: 1e-5, atol: 1e-6);
        }

        var weighted = PerSample(loss, c.YTrue, c.TrueShape, c.YPred, c.PredShape, c.Weights, c.WeightShape);
        for (int i = 0; i < raw.Length; i++) Close(w[i] * raw[i], weighted[i], rtol: 1e-6, atol: 1e-7);
    }

    // The weight shapes used by LossCase: one per sample, [N, 1] or [1, C] over an [N, C] per-sample shape, or a scalar.
    private static double[] BroadcastByHand(LossCase c, int count)
    {
        var w = new double[count];
        if (c.Weights.Length == 1) { Array.Fill(w, c.Weights[0]); return w; }
        if (c.Weights.Length == count) { for (int i = 0; i < count; i++) w[i] = c.Weights[i]; return w; }
        int stride = count / c.Weights.Length;
        bool perRow = c.WeightShape.Length == 2 && c.WeightShape[1] == 1;
        for (int i = 0; i < count; i++) w[i] = perRow ? c.Weights[i / stride] : c.Weights[i % c.Weights.Length];
        return w;
    }

    [TestMethod]
    public void ZeroDivisors_GiveZeroLikeKerasDivideNoNan()
    {
        float[] t = [1, 2], p = [2, 4];
        Assert.AreEqual(0f, new MeanSquaredErrorLoss(Reduction.Mean).Compute(T(t, 2, 1), T(p, 2, 1), T([0f, 0f])));
        Assert.AreEqual(0f, new MeanSquaredErrorLoss(Reduction.SumByNonzeroWeights).Compute(T(t, 2, 1), T(p, 2, 1), T([0f, 0f])));
        var grad = new float[2];
        new MeanSquaredErrorLoss(Reduction.Mean).Gradient(T(t, 2, 1), T(p, 2, 1), grad, T([0f, 0f]));
        CollectionAssert.AreEqual(new float[2], grad);
    }

    [TestMethod]
    public void ReductionNone_GivesPerElementLossesAndGradientIsTheGradientOfTheirSum()
    {
        float[] t = [1, 2, 3, 4], p = [2, 2, 5, 4];
        var none = new MeanSquaredErrorLoss(Reduction.None);
        var sum = new MeanSquaredErrorLoss(Reduction.Sum);
        var values = none.ComputeUnreduced(T(t, 2, 2), T(p, 2, 2), T([1f, 3f], 2));
        CollectionAssert.AreEqual(new nint[] { 2 }, values.Lengths.ToArray());
        CollectionAssert.AreEqual(new[] { 0.5f, 6f }, values.ToArray());  // mean((1, 0)²) · 1, mean((2, 0)²) · 3
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => none.Compute(T(t, 2, 2), T(p, 2, 2)));
        Assert.Contains("Reduction.None", e.Message);
        Assert.AreEqual(sum.Compute(T(t, 2, 2), T(p, 2, 2)), none.ComputeWithGradient(T(t, 2, 2), T(p, 2, 2), new float[4]));
        float[] g1 = new float[4], g2 = new float[4];
        none.Gradient(T(t, 2, 2), T(p, 2, 2), g1);
        sum.Gradient(T(t, 2, 2), T(p, 2, 2), g2);
        CollectionAssert.AreEqual(g2, g1);
        var tracker = new LossMetric(none);                                 // Keras's fit tracks their sum
        tracker.UpdateState(T(t, 2, 2), T(p, 2, 2));
        Close(sum.Compute(T(t, 2, 2), T(p, 2, 2)), tracker.Result());
    }

    [TestMethod]
    public void BroadcastWeightsDivideByEachFrameworksSum()
    {
        // Issue 16: MAE over (4, 3) with weight [2.0]. Keras's mean_with_sample_weight divides by 2.0 (the weight as
        // passed): 4.35333 in Keras 3.16; TF.js's MEAN divides by 8 (the weights after broadcasting onto 4 values).
        float[] t = new float[12], p = new float[12];
        for (int i = 0; i < 12; i++) { t[i] = i % 5; p[i] = (i * 7 % 11) / 2f; }
        double perSampleSum = 0;
        for (int r = 0; r < 4; r++)
        {
            double row = 0;
            for (int k = 0; k < 3; k++) row += Math.Abs(t[r * 3 + k] - p[r * 3 + k]);
            perSampleSum += row / 3;
        }
        var keras = new MeanAbsoluteErrorLoss(Reduction.SumOverGivenWeights);
        var tfjs = new MeanAbsoluteErrorLoss(Reduction.SumOverBroadcastWeights);
        var batch = new MeanAbsoluteErrorLoss(Reduction.SumOverBatchSize);
        var nonzero = new MeanAbsoluteErrorLoss(Reduction.SumByNonzeroWeights);
        Close(2 * perSampleSum / 2, keras.Compute(T(t, 4, 3), T(p, 4, 3), T([2f], 1)), rtol: 1e-6);
        Close(2 * perSampleSum / 8, tfjs.Compute(T(t, 4, 3), T(p, 4, 3), T([2f], 1)), rtol: 1e-6);
        Close(2 * perSampleSum / 4, batch.Compute(T(t, 4, 3), T(p, 4, 3), T([2f], 1)), rtol: 1e-6);
        Close(2 * perSampleSum / 4, nonzero.Compute(T(t, 4, 3), T(p, 4, 3), T([2f], 1)), rtol: 1e-6);
        // [1, C] weights over [N, C] per-element values: Keras divides by Σ of the 3 given, TF.js by Σ over all 12.
        var elementwise = new AbsoluteDifferenceLoss(Reduction.SumOverGivenWeights);
        var tfjsElementwise = new AbsoluteDifferenceLoss(Reduction.Mean);
        double weighted = 0;
        for (int i = 0; i < 12; i++) weighted += (1 + i % 3) * Math.Abs(t[i] - p[i]);
        Close(weighted / 6, elementwise.Compute(T(t, 4, 3), T(p, 4, 3), T([1f, 2f, 3f], 1, 3)), rtol: 1e-6);
        Close(weighted / 24, tfjsElementwise.Compute(T(t, 4, 3), T(p, 4, 3), T([1f, 2f, 3f], 1, 3)), rtol: 1e-6);
        Close(2 * perSampleSum / 2, Loss.ComputeWeightedLoss(keras.ComputeUnreduced(T(t, 4, 3), T(p, 4, 3)), T([2f], 1), Reduction.SumOverGivenWeights), rtol: 1e-6);
    }

    [TestMethod]
    public void ReductionNames_FollowKeras()
    {
        Assert.AreEqual(Reduction.SumOverBatchSize, ReductionNames.Parse("sum_over_batch_size"));
        Assert.AreEqual(Reduction.SumOverBatchSize, ReductionNames.Parse("mean"), "Keras's \"mean\" divides by the number of values.");
        Assert.AreEqual(Reduction.SumOverGivenWeights, ReductionNames.Parse("mean_with_sample_weight"));
        Assert.AreEqual(Reduction.SumOverBroadcastWeights, ReductionNames.Parse("MEAN"), "TF.js's MEAN divides by the broadcast weights.");
        Assert.AreEqual(Reduction.SumOverBatchSize, ReductionNames.Parse("SUM_OVER_BATCH_SIZE"));
        Assert.AreEqual(Reduction.SumByNonzeroWeights, ReductionNames.Parse("SUM_BY_NONZERO_WEIGHTS"));
        Assert.AreEqual(Reduction.None, ReductionNames.Parse("NONE"));
        Assert.AreEqual(Reduction.Sum, ReductionNames.Parse("SUM"));
        Assert.AreEqual(Reduction.Sum, ReductionNames.Parse("sum"));
        Assert.AreEqual(Reduction.None, ReductionNames.Parse("none"));
        Assert.AreEqual(Reduction.None, ReductionNames.Parse(null));
        Assert.AreEqual(Reduction.SumByNonzeroWeights, ReductionNames.Parse("sum_by_nonzero_weights"));
        foreach (var r in Enum.GetValues<Reduction>()) Assert.AreEqual(r, ReductionNames.Parse(ReductionNames.ToKeras(r)));
        var e = Assert.ThrowsExactly<ArgumentException>(() => ReductionNames.Parse("abc"));
        Assert.Contains("sum_over_batch_size", e.Message);
    }

    [TestMethod]
    public void Weights_BroadcastTheWayKerasAndTfjsDo()
    {
        float[] t = [0, 0, 0, 0, 0, 0], p = [1, 2, 3, 4, 5, 6];
        var mae = new AbsoluteDifferenceLoss(Reduction.Sum);
        // [N, 1] over [N, C], [1, C] over [N, C], [C] over [N, C], and a full [N, C].
        Close(1 + 2 + 3 + 2 * (4 + 5 + 6), mae.Compute(T(t, 2, 3), T(p, 2, 3), T([1, 2], 2, 1)));
        Close(1 + 4 + 2 * (2 + 5) + 3 * (3 + 6), mae.Compute(T(t, 2, 3), T(p, 2, 3), T([1, 2, 3], 1, 3)));
        Close(1 + 4 + 2 * (2 + 5) + 3 * (3 + 6), mae.Compute(T(t, 2, 3), T(p, 2, 3), T([1, 2, 3])));
        Close(1 + 4 + 9 + 16 + 25 + 36, mae.Compute(T(t, 2, 3), T(p, 2, 3), T(p, 2, 3)));
        var e = Assert.ThrowsExactly<ArgumentException>(() => mae.Compute(T(t, 2, 3), T(p, 2, 3), T([1, 2])));
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }
}
