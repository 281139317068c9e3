using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Expected values from TF.js's absolute_difference, compute_weighted_loss, sigmoid and softmax cross-entropy tests.</summary>
[TestClass]
public sealed class TfjsLossValueTests
{
    private static readonly float[] AllWrongLabels = [0, 0, 1, 1, 0, 0, 0, 1, 0];
    private static readonly float[] AllRightLabels = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    private static readonly float[] Logits = [10, -10, -10, -10, 10, -10, -10, -10, 10];

    [TestMethod]
    public void AbsoluteDifference_MatchesTfjs()
    {
        float[] p1 = [1, 2, 3], t1 = [0.3f, -0.6f, -0.1f];
        double a = 0.7, b = 2.6, c = 3.1;
        var loss = new AbsoluteDifferenceLoss();
        Assert.AreEqual(Reduction.SumByNonzeroWeights, loss.Reduction);
        Close((a + b + c) / 3, loss.Compute(T(t1), T(p1)));
        Close((a * 0.1 + b * 0.2 + c * 0.3) / 3, loss.Compute(T(t1), T(p1), T([0.1f, 0.2f, 0.3f])));
        AllClose([a * 0.1, b * 0.2, c * 0.3], PerSample(new AbsoluteDifferenceLoss(Reduction.None), t1, [3], p1, [3], [0.1f, 0.2f, 0.3f]));
        Close((a + b + c) / 3, new AbsoluteDifferenceLoss(Reduction.Mean).Compute(T(t1), T(p1)));
        Close((a * 0.1 + b * 0.2 + c * 0.3) / 0.6, new AbsoluteDifferenceLoss(Reduction.Mean).Compute(T(t1), T(p1), T([0.1f, 0.2f, 0.3f])));

        float[] p2 = [4, 8, 12, 8, 1, 3], t2 = [1, 9, 2, -5, -2, 6];
        Close((3 + 1 + 10 + 13 + 3 + 3) / 6.0, loss.Compute(T(t2, 2, 3), T(p2, 2, 3)));
        Close((3 * 3 + 10 * 5 + 3 * 4 + 3 * 2) / 4.0, loss.Compute(T(t2, 2, 3), T(p2, 2, 3), T([3, 0, 5, 0, 4, 2], 2, 3)));
        AllClose([9, 6, 50, 0, 12, 6], PerSample(new AbsoluteDifferenceLoss(Reduction.None), t2, [2, 3], p2, [2, 3], [3, 6, 5, 0, 4, 2], [2, 3]));
        Close((3 * 3 + 1 * 6 + 10 * 5 + 3 * 4 + 3 * 2) / 20.0,
              new AbsoluteDifferenceLoss(Reduction.Mean).Compute(T(t2, 2, 3), T(p2, 2, 3), T([3, 6, 5, 0, 4, 2], 2, 3)));
    }

    [TestMethod]
    public void ComputeWeightedLoss_MatchesTfjs()
    {
        Close(2, Loss.ComputeWeightedLoss(T([1, 2, 3])));
        Close(2, Loss.ComputeWeightedLoss(T([1, 2, 3]), reduction: Reduction.Mean));
        Close(6, Loss.ComputeWeightedLoss(T([1, 2, 3]), reduction: Reduction.Sum));
        Close((0.1 + 0.9) / 2, Loss.ComputeWeightedLoss(T([1, 2, 3]), T([0.1f, 0, 0.3f])));
        Close(0.06666667, Loss.ComputeWeightedLoss(T([0, 0, 1, 1, 0, 0, 0, 1, 0], 3, 3), T([0.1f, 0.2f, 0.3f], 1, 3)));
        Close((0.1 + 0.4 + 0.9) / 0.6, Loss.ComputeWeightedLoss(T([1, 2, 3]), T([0.1f, 0.2f, 0.3f]), Reduction.Mean));
        Close(0.1 + 0.4 + 0.9, Loss.ComputeWeightedLoss(T([1, 2, 3]), T([0.1f, 0.2f, 0.3f]), Reduction.Sum));
        Close((0.3 + 0.1 + 0.2) / (3 * 0.6), Loss.ComputeWeightedLoss(T([0, 0, 1, 1, 0, 0, 0, 1, 0], 3, 3), T([0.1f, 0.2f, 0.3f], 1, 3), Reduction.Mean));
        float[] losses = [4, 8, 12, 8, 1, 3];
        Close(36 / 6.0, Loss.ComputeWeightedLoss(T(losses, 2, 3)));
        // Negative weights are fine where nothing divides by their sum.
        Close((4 + 24 - 40 + 18) / 4.0, Loss.ComputeWeightedLoss(T(losses, 2, 3), T([1, 0, 2, -5, 0, 6], 2, 3)));
        Close(4 + 24 - 40 + 18, Loss.ComputeWeightedLoss(T(losses, 2, 3), T([1, 0, 2, -5, 0, 6], 2, 3), Reduction.Sum));
        Close(36, Loss.ComputeWeightedLoss(T(losses, 2, 3), reduction: Reduction.Sum));
        // Deliberate difference: TF.js returns (4 + 24 − 40 + 18) / 4 under MEAN; a weighted mean with a negative weight is rejected here.
        var e = Assert.ThrowsExactly<ArgumentException>(() => Loss.ComputeWeightedLoss(T(losses, 2, 3), T([1, 0, 2, -5, 0, 6], 2, 3), Reduction.Mean));
        Assert.Contains("sampleWeight[3] is -5", e.Message);
    }

    [TestMethod]
    public void SigmoidCrossEntropy_MatchesTfjs()
    {
        var loss = new SigmoidCrossEntropyLoss();
        Close(6.6667123, loss.Compute(T(AllWrongLabels, 3, 3), T(Logits, 3, 3)), rtol: 1e-5);
        Close(0, loss.Compute(T(AllRightLabels, 3, 3), T(Logits, 3, 3)), atol: 1e-4);
        Close(1.3333424, loss.Compute(T(AllWrongLabels, 3, 3), T(Logits, 3, 3), T([0.1f, 0.2f, 0.3f], 1, 3)), rtol: 1e-5);
        AllClose([1.0000046, 9.0797803e-06, 3.0000138e+00, 1.0000046e+00, 2.0000093e+00, 1.3619671e-05, 4.5398901e-06, 2.0000093e+00, 3.0000138e+00],
                 PerSample(new SigmoidCrossEntropyLoss(reduction: Reduction.None), AllWrongLabels, [3, 3], Logits, [3, 3], [0.1f, 0.2f, 0.3f], [1, 3]), rtol: 1e-4, atol: 1e-6);
        Close(6.6667123, new SigmoidCrossEntropyLoss(reduction: Reduction.Mean).Compute(T(AllWrongLabels, 3, 3), T(Logits, 3, 3)), rtol: 1e-5);
        Close(6.666712284088135, new SigmoidCrossEntropyLoss(reduction: Reduction.Mean).Compute(T(AllWrongLabels, 3, 3), T(Logits, 3, 3), T([0.1f, 0.2f, 0.3f], 1, 3)), rtol: 1e-5);
        Close(6.1667128, new SigmoidCrossEntropyLoss(0.3f, Reduction.Mean).Compute(T(AllWrongLabels, 3, 3), T(Logits, 3, 3), T([0.1f, 0.2f, 0.3f], 1, 3)), rtol: 1e-5);
    }

    [TestMethod]
    public void SoftmaxCrossEntropy_MatchesTfjs()
    {
        var loss = new SoftmaxCrossEntropyLoss();
        Close(20, loss.Compute(T(AllWrongLabels, 3, 3), T(Logits, 3, 3)), rtol: 1e-5);
        Close(0, loss.Compute(T(AllRightLabels, 3, 3), T(Logits, 3, 3)), atol: 1e-5);
        AllClose([2, 4, 6], PerSample(new SoftmaxCrossEntropyLoss(reduction: Reduction.None), AllWrongLabels, [3, 3], Logits, [3, 3], [0.1f, 0.2f, 0.3f], [3]), rtol: 1e-5);
        Close(20, new SoftmaxCrossEntropyLoss(reduction: Reduction.Mean).Compute(T(AllWrongLabels, 3, 3), T(Logits, 3, 3)), rtol: 1e-5);
        Close(20, new SoftmaxCrossEntropyLoss(reduction: Reduction.Mean).Compute(T(AllWrongLabels, 3, 3), T(Logits, 3, 3), T([0.1f, 0.2f, 0.3f])), rtol: 1e-5);
        Close(18, new SoftmaxCrossEntropyLoss(0.3f, Reduction.Mean).Compute(T(AllWrongLabels, 3, 3), T(Logits, 3, 3), T([0.1f, 0.2f, 0.3f], 1, 3)), rtol: 1e-5);
        // TF.js's weights of [3, 3] for 3 per-sample losses broadcast the losses up; here weights must fit the per-sample shape.
        Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(T(AllWrongLabels, 3, 3), T(Logits, 3, 3), T(new float[9], 3, 3)));
    }
}
