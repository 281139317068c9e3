using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Expected values from Keras's losses_test.py (MSE, MAE, MAPE, MSLE, HuberLoss, LogCoshLoss, PoissonLoss, KLD) and hand calculations.</summary>
[TestClass]
public sealed class RegressionLossValueTests
{
    private static readonly float[] YTrue = [1, 9, 2, -5, -2, 6];
    private static readonly float[] YPred = [4, 8, 12, 8, 1, 3];
    private static readonly float[] Timestep = [3, 6, 5, 0, 4, 2];

    private static float Run(Loss loss, float[]? weights = null, params nint[] weightShape)
        => weights is null
            ? loss.Compute(T(YTrue, 2, 3), T(YPred, 2, 3))
            : loss.Compute(T(YTrue, 2, 3), T(YPred, 2, 3), T(weights, weightShape.Length == 0 ? [weights.Length] : weightShape));

    private static float RunTimestep(Loss loss) => loss.Compute(T(YTrue, 2, 3, 1), T(YPred, 2, 3, 1), T(Timestep, 2, 3));

    [TestMethod]
    public void MeanSquaredError_MatchesKeras()
    {
        var mse = new MeanSquaredErrorLoss();
        Assert.AreEqual(0f, mse.Compute(T(YTrue, 2, 3), T(YTrue, 2, 3)));
        Close(49.5, Run(mse));
        Close(113.85, Run(mse, [2.3f]));
        Close(767.8 / 6, Run(mse, [1.2f, 3.4f], 2, 1));
        Close(97.833336, RunTimestep(mse));
        Close(0, Run(mse, [0f]));
        AllClose([84.3333, 143.3666], PerSample(new MeanSquaredErrorLoss(Reduction.None), YTrue, [2, 3], YPred, [2, 3], [2.3f], [1]), rtol: 1e-5, atol: 1e-3);
        Close(227.69998, Run(new MeanSquaredErrorLoss(Reduction.Sum), [2.3f]));
        Close((110.0 / 3 * 1.2 + 187.0 / 3 * 3.4) / (1.2 + 3.4), Run(new MeanSquaredErrorLoss(Reduction.Mean), [1.2f, 3.4f], 2, 1));
        // Hand calculation: only the first sample has a non-zero weight.
        Close(110.0 / 3 * 1.2, Run(new MeanSquaredErrorLoss(Reduction.SumByNonzeroWeights), [1.2f, 0f]));
    }

    [TestMethod]
    public void MeanSquaredError_RankOneLabelsAgainstColumnPredictions_GiveOneValuePerSample()
    {
        // Keras's test_base_function_reduction: y_true [3] against y_pred [3, 1] gives a loss of shape (3,).
        var mse = new MeanSquaredErrorLoss();
        CollectionAssert.AreEqual(new nint[] { 3 }, mse.GetPerSampleShape(T([4, 8, 12]), T([3, 0, 1], 3, 1)));
        AllClose([1, 64, 121], PerSample(mse, [4, 8, 12], [3], [3, 0, 1], [3, 1]));
    }

    [TestMethod]
    public void MeanAbsoluteError_MatchesKeras()
    {
        var mae = new MeanAbsoluteErrorLoss();
        Close(5.5, Run(mae));
        Close(12.65, Run(mae, [2.3f]));
        Close(81.4 / 6, Run(mae, [1.2f, 3.4f], 2, 1));
        Close(13.833333, RunTimestep(mae));
        Close(0, Run(mae, [0f]));
        AllClose([10.7333, 14.5666], PerSample(new MeanAbsoluteErrorLoss(Reduction.None), YTrue, [2, 3], YPred, [2, 3], [2.3f], [1]), atol: 1e-3);
        Close(25.29999, Run(new MeanAbsoluteErrorLoss(Reduction.Sum), [2.3f]));
        Close((14.0 / 3 * 1.2 + 19.0 / 3 * 3.4) / (1.2 + 3.4), Run(new MeanAbsoluteErrorLoss(Reduction.Mean), [1.2f, 3.4f], 2, 1));
    }

    [TestMethod]
    public void MeanAbsolutePercentageError_MatchesKeras()
    {
        var mape = new MeanAbsolutePercentageErrorLoss();
        Assert.AreEqual(0f, mape.Compute(T(YPred, 2, 3), T(YPred, 2, 3)));
        Close(211.8518, Run(mape), atol: 1e-3);
        Close(487.259, Run(mape, [2.3f]), atol: 1e-3);
        Close(422.8888, Run(mape, [1.2f, 3.4f], 2, 1), atol: 1e-3);
        Close(694.4444, RunTimestep(mape), atol: 1e-3);
        AllClose([621.8518, 352.6666], PerSample(new MeanAbsolutePercentageErrorLoss(Reduction.None), YTrue, [2, 3], YPred, [2, 3], [2.3f], [1]), atol: 1e-3);
        Close(183.865, Run(new MeanAbsolutePercentageErrorLoss(Reduction.Mean), [1.2f, 3.4f], 2, 1), atol: 1e-3);
    }

    [TestMethod]
    public void MeanSquaredLogarithmicError_MatchesKeras()
    {
        var msle = new MeanSquaredLogarithmicErrorLoss();
        Close(1.4370, Run(msle), atol: 1e-3);
        Close(3.3051, Run(msle, [2.3f]), atol: 1e-3);
        Close(3.7856, Run(msle, [1.2f, 3.4f], 2, 1), atol: 1e-3);
        Close(2.647374, RunTimestep(msle), atol: 1e-5);
        Close(1.646, Run(new MeanSquaredLogarithmicErrorLoss(Reduction.Mean), [1.2f, 3.4f], 2, 1), atol: 1e-3);
    }

    [TestMethod]
    public void Huber_MatchesKerasFormula()
    {
        float[] t = [1, 0, 1, 1, 0, 0], p = [0.9f, 0.2f, 0.2f, 0.8f, 0.4f, 0.6f];
        var huber = new HuberLoss();
        Assert.AreEqual(0f, huber.Compute(T(t, 2, 3), T(t, 2, 3)));
        Close(0.10416667, huber.Compute(T(t, 2, 3), T(p, 2, 3)));
        Close(0.23958333, huber.Compute(T(t, 2, 3), T(p, 2, 3), T([2.3f])));
        Close(0.22766667, huber.Compute(T(t, 2, 3), T(p, 2, 3), T([1.2f, 3.4f], 2, 1)));
        Close(0.4025, huber.Compute(T(t, 2, 3, 1), T(p, 2, 3, 1), T(Timestep, 2, 3, 1)));
        Close(0.23958333, new HuberLoss(0.8f).Compute(T(t, 2, 3), T(p, 2, 3), T([2.3f])));
        // Linear region by hand: |e| = 3 > δ = 1 gives 1·3 − 0.5 = 2.5.
        Close(2.5, huber.Compute(T([0f]), T([3f])));
        // Keras's docstring example: huber([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]) = 0.155.
        Close(0.155, huber.Compute(T([0, 1, 0, 0], 2, 2), T([0.6f, 0.4f, 0.4f, 0.6f], 2, 2)), atol: 1e-3);
    }

    [TestMethod]
    public void LogCosh_MatchesKerasFormula()
    {
        var logCosh = new LogCoshLoss();
        Close(4.8292453, Run(logCosh), rtol: 1e-5);
        Close(11.1072643, Run(logCosh, [2.3f]), rtol: 1e-5);
        Close(12.0011147, Run(logCosh, [1.2f, 3.4f]), rtol: 1e-5);
        Close(11.6534843, logCosh.Compute(T(YTrue, 2, 3, 1), T(YPred, 2, 3, 1), T(Timestep, 2, 3, 1)), rtol: 1e-5);
        // Keras's docstring example: 0.108.
        Close(0.108, logCosh.Compute(T([0, 1, 0, 0], 2, 2), T([1, 1, 0, 0], 2, 2)), atol: 1e-3);
        // Large errors stay finite: log cosh(100) = 100 − log 2.
        Close(100 - Math.Log(2), logCosh.Compute(T([0f]), T([100f])), rtol: 1e-6);
    }

    [TestMethod]
    public void Poisson_MatchesKerasFormula()
    {
        float[] p = [1, 9, 2, 5, 2, 6], t = [4, 8, 12, 8, 1, 3];
        var poisson = new PoissonLoss();
        Close(-3.3065819, poisson.Compute(T(t, 2, 3), T(p, 2, 3)), rtol: 1e-5);
        Close(-7.6051385, poisson.Compute(T(t, 2, 3), T(p, 2, 3), T([2.3f])), rtol: 1e-5);
        Close(-6.1473389, poisson.Compute(T(t, 2, 3), T(p, 2, 3), T([1.2f, 3.4f], 2, 1)), rtol: 1e-5);
        Close(-12.263126, poisson.Compute(T(t, 2, 3, 1), T(p, 2, 3, 1), T(Timestep, 2, 3)), rtol: 1e-5);
        Close(0, poisson.Compute(T(t, 2, 3), T(p, 2, 3), T([0f])));
    }

    [TestMethod]
    public void KLDivergence_MatchesKerasFormula()
    {
        float[] p = [0.4f, 0.9f, 0.12f, 0.36f, 0.3f, 0.4f], t = [0.5f, 0.8f, 0.12f, 0.7f, 0.43f, 0.8f];
        var kld = new KLDivergenceLoss();
        Close(0.59607384, kld.Compute(T(t, 2, 3), T(p, 2, 3)), rtol: 1e-5);
        Close(1.37096983, kld.Compute(T(t, 2, 3), T(p, 2, 3), T([2.3f])), rtol: 1e-5);
        Close(2.00757117, kld.Compute(T(t, 2, 3), T(p, 2, 3), T([1.2f, 3.4f], 2, 1)), rtol: 1e-5);
        Close(0.24959949, kld.Compute(T(t, 2, 3, 1), T(p, 2, 3, 1), T(Timestep, 2, 3)), rtol: 1e-5);
        Close(0, kld.Compute(T(t, 2, 3), T(p, 2, 3), T([0f])));
    }
}
