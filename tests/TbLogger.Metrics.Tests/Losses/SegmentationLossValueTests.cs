using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Expected values from Keras's losses_test.py for DiceLoss, TverskyLoss and CosineSimilarityLoss.</summary>
[TestClass]
public sealed class SegmentationLossValueTests
{
    private static readonly float[] SmallTrue = [1, 2, 1, 2], SmallPred = [4, 1, 6, 1];
    private static readonly float[] SegTrue = [1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1];
    private static readonly float[] SegPred = [0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1];
    private static readonly float[] ImgTrue = [1, 1, 0, 0, 1, 1, 0, 0];
    private static readonly float[] ImgPred = [0, 1, 0, 1, 0.4f, 0, 0, 0.9f];

    [TestMethod]
    public void Dice_MatchesKeras()
    {
        Close(-0.55555546, new DiceLoss().Compute(T(SmallTrue, 2, 2), T(SmallPred, 2, 2)), atol: 1e-6);
        Close(0.77777773, new DiceLoss().Compute(T(SegTrue, 4, 4), T(SegPred, 4, 4)), atol: 1e-6);
        AllClose([0.5, 0.75757575], PerSample(new DiceLoss(axis: [1, 2, 3], reduction: Reduction.None), ImgTrue, [2, 2, 2, 1], ImgPred, [2, 2, 2, 1]), atol: 1e-6);
        Close(0.6164384, new DiceLoss().Compute(T(ImgTrue, 2, 2, 2, 1), T(ImgPred, 2, 2, 2, 1)), atol: 1e-6);
    }

    [TestMethod]
    public void Tversky_MatchesKeras()
    {
        Close(-0.55555558, new TverskyLoss().Compute(T(SmallTrue, 2, 2), T(SmallPred, 2, 2)), atol: 1e-6);
        Close(-0.94444442, new TverskyLoss(0.2f, 0.8f).Compute(T(SmallTrue, 2, 2), T(SmallPred, 2, 2)), atol: 1e-6);
        Close(0.77777779, new TverskyLoss().Compute(T(SegTrue, 4, 4), T(SegPred, 4, 4)), atol: 1e-6);
        AllClose([0.5, 0.75757575], PerSample(new TverskyLoss(reduction: Reduction.None, axis: [1, 2, 3]), ImgTrue, [2, 2, 2, 1], ImgPred, [2, 2, 2, 1]), atol: 1e-6);
        Close(0.76190472, new TverskyLoss(0.2f, 0.8f).Compute(T(SegTrue, 4, 4), T(SegPred, 4, 4)), atol: 1e-6);
        AllClose([0.5, 0.78494626], PerSample(new TverskyLoss(0.2f, 0.8f, axis: [1, 2, 3], reduction: Reduction.None), ImgTrue, [2, 2, 2, 1], ImgPred, [2, 2, 2, 1]), atol: 1e-6);
    }

    [TestMethod]
    public void CosineSimilarity_MatchesKerasFormula()
    {
        float[] t = [1, 9, 2, -5, -2, 6], p = [4, 8, 12, 8, 1, 3];
        var cosine = new CosineSimilarityLoss();
        // cos of the two rows by hand: 0.72048802 and −0.34604988.
        Close(-0.18721907, cosine.Compute(T(t, 2, 3), T(p, 2, 3)), atol: 1e-6);
        Close(-0.18721907 * 2.3, cosine.Compute(T(t, 2, 3), T(p, 2, 3), T([2.3f])), atol: 1e-6);
        Close(0.15599198, cosine.Compute(T(t, 2, 3), T(p, 2, 3), T([1.2f, 3.4f])), atol: 1e-6);
        Close(-0.18721907, new CosineSimilarityLoss(axis: 1).Compute(T(t, 2, 3), T(p, 2, 3)), atol: 1e-6);
        Close(0, cosine.Compute(T(t, 2, 3), T(p, 2, 3), T([0f])));
        // Keras's docstring example: [−0, −0.99999994, 0.99999994]; a zero vector gives 0 instead of NaN.
        AllClose([0, -1, 1], PerSample(new CosineSimilarityLoss(reduction: Reduction.None), [0, 1, 1, 1, 1, 1], [3, 2], [1, 0, 1, 1, -1, -1], [3, 2]), atol: 1e-6);
        AllClose([0], PerSample(new CosineSimilarityLoss(reduction: Reduction.None), [1, 1], [1, 2], [0, 0], [1, 2]));
    }
}
