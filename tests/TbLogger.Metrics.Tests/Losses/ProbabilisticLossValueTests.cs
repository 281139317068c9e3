using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Expected values from Keras's losses_test.py for the cross-entropies and focal losses.</summary>
[TestClass]
public sealed class ProbabilisticLossValueTests
{
    private static readonly float[] Identity3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    private static readonly float[] Probabilities = [0.9f, 0.05f, 0.05f, 0.5f, 0.89f, 0.6f, 0.05f, 0.01f, 0.94f];
    private static readonly float[] Logits = [8, 1, 1, 0, 9, 1, 2, 3, 5];
    private static readonly float[] SampleWeights = [1.2f, 3.4f, 5.6f];

    [TestMethod]
    public void BinaryCrossentropy_MatchesKeras()
    {
        var bce = new BinaryCrossentropyLoss();
        Close(0, bce.Compute(T(Identity3, 3, 3), T(Identity3, 3, 3)), atol: 1e-6);
        Close(0, new BinaryCrossentropyLoss(fromLogits: true).Compute(T(Identity3, 3, 3), T([10, -10, -10, -10, 10, -10, -10, -10, 10], 3, 3)), atol: 1e-4);
        Close(0.20046903, bce.Compute(T(Identity3, 3, 3), T([0.9f, 0.1f, 0.2f, 0.3f, 0.8f, 0.1f, 0.1f, 0.2f, 0.7f], 3, 3)), rtol: 1e-5);

        // Predictions of exactly 0 and 1 are clipped to 1e-7 and 1 − 1e-7 in float32, as in Keras.
        float[] t = [1, 0, 1, 0], p = [1, 1, 1, 0];
        Close(3.98559, bce.Compute(T(t, 2, 2), T(p, 2, 2)), atol: 1e-4);
        Close(9.1668, bce.Compute(T(t, 2, 2), T(p, 2, 2), T([2.3f])), atol: 1e-3);
        Close(4.7827, bce.Compute(T(t, 2, 2), T(p, 2, 2), T([1.2f, 3.4f], 2, 1)), atol: 1e-3);

        float[] tl = [1, 0, 1, 0, 1, 1], logits = [10, -10, 10, 10, 10, -10];
        var bceLogits = new BinaryCrossentropyLoss(fromLogits: true);
        Close(3.3333, bceLogits.Compute(T(tl, 2, 3), T(logits, 2, 3)), atol: 1e-3);
        Close(7.666, bceLogits.Compute(T(tl, 2, 3), T(logits, 2, 3), T([2.3f])), atol: 1e-3);
        Close(10.0, bceLogits.Compute(T(tl, 2, 3), T(logits, 2, 3), T([4f, 3f])), atol: 1e-3);
        AllClose([0, 6.666], PerSample(new BinaryCrossentropyLoss(fromLogits: true, reduction: Reduction.None), tl, [2, 3], logits, [2, 3]), atol: 1e-3);

        var smoothed = new BinaryCrossentropyLoss(fromLogits: true, labelSmoothing: 0.1f);
        Close((10.0 + 5.0 * 0.1) / 3.0, smoothed.Compute(T([1, 0, 1], 1, 3), T([10, -10, -10], 1, 3)), rtol: 1e-4);
        // Keras's docstring example: [0.916, 0.714].
        AllClose([0.916, 0.714], PerSample(new BinaryCrossentropyLoss(reduction: Reduction.None), [0, 1, 0, 0], [2, 2], [0.6f, 0.4f, 0.4f, 0.6f], [2, 2]), atol: 1e-3);
    }

    [TestMethod]
    public void BinaryCrossentropy_LargeLogitsStayFinite()
    {
        // The stable form gives |x| for a confidently wrong logit instead of overflowing exp.
        Close(1000, new BinaryCrossentropyLoss(fromLogits: true).Compute(T([0f], 1, 1), T([1000f], 1, 1)), rtol: 1e-6);
        Close(0, new BinaryCrossentropyLoss(fromLogits: true).Compute(T([1f], 1, 1), T([1000f], 1, 1)), atol: 1e-6);
    }

    [TestMethod]
    public void CategoricalCrossentropy_MatchesKeras()
    {
        var cce = new CategoricalCrossentropyLoss();
        var cceLogits = new CategoricalCrossentropyLoss(fromLogits: true);
        Close(0, cce.Compute(T(Identity3, 3, 3), T(Identity3, 3, 3)), atol: 1e-6);
        Close(0, cceLogits.Compute(T(Identity3, 3, 3), T([10, 0, 0, 0, 10, 0, 0, 0, 10], 3, 3)), atol: 1e-3);
        Close(0.3239, cce.Compute(T(Identity3, 3, 3), T(Probabilities, 3, 3)), atol: 1.5e-3);
        Close(0.0573, cceLogits.Compute(T(Identity3, 3, 3), T(Logits, 3, 3)), atol: 1.5e-3);
        // Keras asserts these to 3 decimals (|Δ| < 1.5e-3); 0.3239 · 2.3 is itself rounded.
        Close(0.7449, cce.Compute(T(Identity3, 3, 3), T(Probabilities, 3, 3), T([2.3f])), atol: 1.5e-3);
        Close(0.1317, cceLogits.Compute(T(Identity3, 3, 3), T(Logits, 3, 3), T([2.3f])), atol: 1.5e-3);
        Close(1.0696, cce.Compute(T(Identity3, 3, 3), T(Probabilities, 3, 3), T(SampleWeights, 3, 1)), atol: 1.5e-3);
        Close(0.31829, cceLogits.Compute(T(Identity3, 3, 3), T(Logits, 3, 3), T(SampleWeights, 3, 1)), atol: 1.5e-3);
        AllClose([0.001822, 0.000459, 0.169846],
                 PerSample(new CategoricalCrossentropyLoss(fromLogits: true, reduction: Reduction.None), Identity3, [3, 3], Logits, [3, 3]), atol: 1e-5);
        Close(400.0 * 0.1 / 3.0, new CategoricalCrossentropyLoss(fromLogits: true, labelSmoothing: 0.1f).Compute(T([1, 0, 0], 1, 3), T([100, -100, -100], 1, 3)), rtol: 1e-5);
        // Keras's docstring example: [0.0513, 2.303].
        AllClose([0.0513, 2.303], PerSample(new CategoricalCrossentropyLoss(reduction: Reduction.None), [0, 1, 0, 0, 0, 1], [2, 3], [0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f], [2, 3]), atol: 1e-3);
    }

    [TestMethod]
    public void CategoricalCrossentropy_Logits_AreStableForRowsFarApart()
    {
        // Row 2 lies 2000 below row 1: a batch-wide shift alone would underflow it, so it must fall back to its own maximum.
        float[] t = [1, 0, 0, 1, 0, 0], x = [1000, 0, 0, -1000, -1001, -1002];
        var values = PerSample(new CategoricalCrossentropyLoss(fromLogits: true, reduction: Reduction.None), t, [2, 3], x, [2, 3]);
        // lse − x at magnitude 1000 keeps float32's absolute precision there (ulp ≈ 6e-5), as in Keras.
        AllClose([0, Math.Log(1 + Math.Exp(-1) + Math.Exp(-2))], values, rtol: 0, atol: 1e-4);
        var grad = new float[6];
        new CategoricalCrossentropyLoss(fromLogits: true, reduction: Reduction.Sum).Gradient(T(t, 2, 3), T(x, 2, 3), grad);
        double z = 1 + Math.Exp(-1) + Math.Exp(-2);
        AllClose([0, 0, 0, 1 / z - 1, Math.Exp(-1) / z, Math.Exp(-2) / z], grad, rtol: 1e-5, atol: 1e-6);
    }

    [TestMethod]
    public void CategoricalCrossentropy_LabelSmoothingWithAxis_MatchesKeras()
    {
        // (batch, classes, spatial) with axis = 1: expected = mean(−Σ_axis smoothed · log p).
        float[] t = [1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0];
        float[] p = [0.8f, 0.1f, 0.1f, 0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.8f, 0.1f, 0.1f, 0.1f];
        double expected = 0;
        for (int b = 0; b < 2; b++)
            for (int s = 0; s < 2; s++)
                for (int k = 0; k < 3; k++)
                {
                    int i = b * 6 + k * 2 + s;
                    expected -= (t[i] * 0.9 + 0.1 / 3) * Math.Log(p[i]);
                }
        var loss = new CategoricalCrossentropyLoss(labelSmoothing: 0.1f, axis: 1);
        Close(expected / 4, loss.Compute(T(t, 2, 3, 2), T(p, 2, 3, 2)), atol: 1e-5);
        CollectionAssert.AreEqual(new nint[] { 2, 2 }, loss.GetPerSampleShape(T(t, 2, 3, 2), T(p, 2, 3, 2)));
    }

    [TestMethod]
    public void CategoricalCrossentropy_RescalesProbabilitiesToSumToOne()
    {
        // [2, 2] / 4 = [0.5, 0.5]: −log 0.5, not −log 2.
        Close(Math.Log(2), new CategoricalCrossentropyLoss().Compute(T([1, 0], 1, 2), T([2, 2], 1, 2)), rtol: 1e-6);
    }

    [TestMethod]
    public void SparseCategoricalCrossentropy_MatchesKeras()
    {
        var scce = new SparseCategoricalCrossentropyLoss();
        var logits = new SparseCategoricalCrossentropyLoss(fromLogits: true);
        Close(0, scce.Compute(T([0, 1, 2], 3, 1), T(Identity3, 3, 3)), atol: 1e-3);
        Close(0.3239, scce.Compute(T([0, 1, 2]), T(Probabilities, 3, 3)), atol: 1e-3);
        Close(0.0573, logits.Compute(T([0, 1, 2]), T(Logits, 3, 3)), atol: 1e-3);
        Close(0.7449, scce.Compute(T([0, 1, 2], 3, 1), T(Probabilities, 3, 3), T([2.3f])), atol: 1e-3);
        Close(0.1317, logits.Compute(T([0, 1, 2], 3, 1), T(Logits, 3, 3), T([2.3f])), atol: 1e-3);
        Close(1.0696, scce.Compute(T([0, 1, 2], 3, 1), T(Probabilities, 3, 3), T(SampleWeights, 3, 1)), atol: 1e-3);
        Close(0.31829, logits.Compute(T([0, 1, 2], 3, 1), T(Logits, 3, 3), T(SampleWeights, 3, 1)), atol: 1e-3);
        AllClose([0.001822, 0.000459, 0.169846],
                 PerSample(new SparseCategoricalCrossentropyLoss(fromLogits: true, reduction: Reduction.None), [0, 1, 2], [3, 1], Logits, [3, 3]), atol: 1e-5);
    }

    [TestMethod]
    public void SparseCategoricalCrossentropy_IgnoreClass_MatchesKeras()
    {
        float[] logits = [0.854f, 0.698f, 0.598f, 0.088f, 0.86f, 0.018f];
        var loss = new SparseCategoricalCrossentropyLoss(fromLogits: true, ignoreClass: -1, reduction: Reduction.None);
        AllClose([0, 1.480129], PerSample(loss, [-1, 2], [1, 2], logits, [1, 2, 3]), atol: 1e-5);
        AllClose([0, 1.480129], PerSample(loss, [-1, 2], [1, 2, 1], logits, [1, 2, 3]), atol: 1e-5);
        // Keras's masking: sum_over_batch_size divides by the number of valid labels only.
        var sobs = new SparseCategoricalCrossentropyLoss(fromLogits: true, ignoreClass: -1);
        Close(1.480129, sobs.Compute(T([-1, 2], 1, 2), T(logits, 1, 2, 3)), atol: 1e-5);
        Close(0, sobs.Compute(T([-1, -1], 1, 2), T(logits, 1, 2, 3)));
    }

    [TestMethod]
    public void SparseCategoricalCrossentropy_Segmentation_MatchesKeras()
    {
        float[] labels = [0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1];
        var p = new float[32];
        for (int i = 0; i < 16; i++) p[i * 2 + (int)labels[i]] = 1f;
        Close(0, new SparseCategoricalCrossentropyLoss().Compute(T(labels, 4, 4), T(p, 4, 4, 2)), atol: 1e-5);
        // Two pixels get 0.8/0.2 and 0.4/0.6 with their true class at 0.2 and 0.4.
        p[3 * 2] = 0.2f; p[3 * 2 + 1] = 0.8f;
        p[15 * 2] = 0.6f; p[15 * 2 + 1] = 0.4f;
        Close((-Math.Log(0.2) - Math.Log(0.4)) / 16, new SparseCategoricalCrossentropyLoss().Compute(T(labels, 4, 4), T(p, 4, 4, 2)), atol: 1e-5);
    }

    [TestMethod]
    public void BinaryFocalCrossentropy_MatchesKeras()
    {
        float[] t = [1, 0, 1, 0], p = [0.9f, 0.8f, 0.7f, 0.2f];
        float[] tl = [1, 1, 0, 0, 1, 0], logits = [1.5f, -2.7f, 2.9f, -3.8f, 1.2f, -4.5f];
        Close(0, new BinaryFocalCrossentropyLoss(gamma: 1.5f).Compute(T(Identity3, 3, 3), T(Identity3, 3, 3)), atol: 1e-3);
        Close(0, new BinaryFocalCrossentropyLoss(fromLogits: true).Compute(T(Identity3, 3, 3), T([100, -100, -100, -100, 100, -100, -100, -100, 100], 3, 3)), atol: 1e-3);
        var focal = new BinaryFocalCrossentropyLoss(gamma: 2f);
        var focalLogits = new BinaryFocalCrossentropyLoss(gamma: 3f, fromLogits: true);
        Close(0.268, focal.Compute(T(t, 2, 2), T(p, 2, 2)), atol: 1e-3);
        Close(0.799, focalLogits.Compute(T(tl, 2, 3), T(logits, 2, 3)), atol: 1e-3);
        Close(0.3296, focal.Compute(T(t, 2, 2), T(p, 2, 2), T([1.23f])), atol: 1e-3);
        Close(2.565, focalLogits.Compute(T(tl, 2, 3), T(logits, 2, 3), T([3.21f])), atol: 1e-3);
        Close(0.34415, focal.Compute(T(t, 2, 2), T(p, 2, 2), T([1.2f, 3.4f], 2, 1)), atol: 1e-3);
        Close(0.95977, focalLogits.Compute(T(tl, 2, 3), T(logits, 2, 3), T([1.2f, 3.4f], 2, 1)), atol: 1e-3);
        AllClose([0.515547, 0.020513], PerSample(new BinaryFocalCrossentropyLoss(gamma: 2f, reduction: Reduction.None), t, [2, 2], p, [2, 2]), atol: 1e-5);
        // gamma = 0 without balancing is plain binary cross-entropy.
        Close(new BinaryCrossentropyLoss().Compute(T(t, 2, 2), T(p, 2, 2)), new BinaryFocalCrossentropyLoss(gamma: 0f).Compute(T(t, 2, 2), T(p, 2, 2)), rtol: 1e-6);
    }

    [TestMethod]
    public void CategoricalFocalCrossentropy_MatchesKeras()
    {
        var focal = new CategoricalFocalCrossentropyLoss();
        var focalLogits = new CategoricalFocalCrossentropyLoss(fromLogits: true);
        Close(0, new CategoricalFocalCrossentropyLoss(0.25f, 2f).Compute(T(Identity3, 3, 3), T(Identity3, 3, 3)), atol: 1e-3);
        Close(0, focalLogits.Compute(T(Identity3, 3, 3), T([10, 0, 0, 0, 10, 0, 0, 0, 10], 3, 3)), atol: 1e-3);
        Close(0.02059, focal.Compute(T(Identity3, 3, 3), T(Probabilities, 3, 3)), atol: 1e-4);
        Close(0.000345, focalLogits.Compute(T(Identity3, 3, 3), T(Logits, 3, 3)), atol: 1e-5);
        Close(0.047368, focal.Compute(T(Identity3, 3, 3), T(Probabilities, 3, 3), T([2.3f])), atol: 1e-4);
        Close(0.000794, focalLogits.Compute(T(Identity3, 3, 3), T(Logits, 3, 3), T([2.3f])), atol: 1e-5);
        Close(0.06987, focal.Compute(T(Identity3, 3, 3), T(Probabilities, 3, 3), T(SampleWeights, 3, 1)), atol: 1e-4);
        Close(0.001933, focalLogits.Compute(T(Identity3, 3, 3), T(Logits, 3, 3), T(SampleWeights, 3, 1)), atol: 1e-5);
        AllClose([1.5096224e-09, 2.4136547e-11, 1.0360638e-03],
                 PerSample(new CategoricalFocalCrossentropyLoss(fromLogits: true, reduction: Reduction.None), Identity3, [3, 3], Logits, [3, 3]), rtol: 1e-3, atol: 1e-9);
        Close(0.06685, new CategoricalFocalCrossentropyLoss(fromLogits: true, labelSmoothing: 0.1f).Compute(T([1, 0, 0], 1, 3), T([4.9f, -0.5f, 2.05f], 1, 3)), atol: 1e-4);
        // Keras's docstring example: [2.63401289e-04, 6.75912094e-01].
        AllClose([2.63401289e-04, 6.75912094e-01],
                 PerSample(new CategoricalFocalCrossentropyLoss(reduction: Reduction.None), [0, 1, 0, 0, 0, 1], [2, 3], [0.05f, 0.9f, 0.05f, 0.1f, 0.85f, 0.05f], [2, 3]), rtol: 1e-4, atol: 1e-7);
    }
}
