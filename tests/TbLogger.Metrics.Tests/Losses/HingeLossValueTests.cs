using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Expected values from Keras's losses_test.py for HingeLoss, SquaredHingeLoss and CategoricalHingeLoss, every reduction.</summary>
[TestClass]
public sealed class HingeLossValueTests
{
    private static readonly float[] YTrue = [0, 1, 0, 0];
    private static readonly float[] YPred = [0.6f, 0.4f, 0.4f, 0.6f];

    private static void Check(Func<Reduction, Loss> create, double sobs, double sum, double[] none, double weightedSobs, double weightedSum, double[] weightedNone)
    {
        Close(sobs, create(Reduction.SumOverBatchSize).Compute(T(YTrue, 2, 2), T(YPred, 2, 2)), atol: 1e-3);
        Close(sum, create(Reduction.Sum).Compute(T(YTrue, 2, 2), T(YPred, 2, 2)), atol: 1e-3);
        AllClose(none, PerSample(create(Reduction.None), YTrue, [2, 2], YPred, [2, 2]), atol: 1e-5);
        Close(weightedSobs, create(Reduction.SumOverBatchSize).Compute(T(YTrue, 2, 2), T(YPred, 2, 2), T([1f, 0f])), atol: 1e-3);
        Close(weightedSum, create(Reduction.Sum).Compute(T(YTrue, 2, 2), T(YPred, 2, 2), T([1f, 0f])), atol: 1e-3);
        AllClose(weightedNone, PerSample(create(Reduction.None), YTrue, [2, 2], YPred, [2, 2], [1f, 0f]), atol: 1e-5);
        // Hand calculation for the two weighted means: only sample 0 counts, so both equal its value.
        Close(weightedNone[0], create(Reduction.Mean).Compute(T(YTrue, 2, 2), T(YPred, 2, 2), T([1f, 0f])), atol: 1e-5);
        Close(weightedNone[0], create(Reduction.SumByNonzeroWeights).Compute(T(YTrue, 2, 2), T(YPred, 2, 2), T([1f, 0f])), atol: 1e-5);
        Assert.AreEqual(0f, create(Reduction.SumOverBatchSize).Compute(T(YTrue, 2, 2), T(YPred, 2, 2), T([0f])));
    }

    [TestMethod]
    public void Hinge_MatchesKeras() => Check(r => new HingeLoss(r), 1.3, 2.6, [1.1, 1.5], 0.55, 1.1, [1.1, 0]);

    [TestMethod]
    public void SquaredHinge_MatchesKeras() => Check(r => new SquaredHingeLoss(r), 1.86, 3.72, [1.46, 2.26], 0.73, 1.46, [1.46, 0]);

    [TestMethod]
    public void CategoricalHinge_MatchesKeras() => Check(r => new CategoricalHingeLoss(r), 1.4, 2.8, [1.2, 1.6], 0.6, 1.2, [1.2, 0]);

    [TestMethod]
    public void Hinge_ConvertsLabelsOnlyWhenAllAreZeroOrOne()
    {
        // Labels already in {−1, 1} are used as they are: max(1 − (−1)(0.5), 0) = 1.5 and max(1 − 1·0.5, 0) = 0.5.
        AllClose([1.5, 0.5], PerSample(new HingeLoss(), [-1, 1], [2, 1], [0.5f, 0.5f], [2, 1]));
        // Mixed labels (one is 0.5) are not converted either: 1 − 0·0.5 = 1, 1 − 0.5·0.5 = 0.75.
        AllClose([1, 0.75], PerSample(new HingeLoss(), [0, 0.5f], [2, 1], [0.5f, 0.5f], [2, 1]));
    }
}
