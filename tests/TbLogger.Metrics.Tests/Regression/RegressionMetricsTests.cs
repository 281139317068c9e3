using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Expected values from Keras's regression_metrics / correlation_metrics docstrings and tests, and hand calculation.</summary>
[TestClass]
public sealed class RegressionMetricsTests
{
    private static readonly float[,] KerasTrue = { { 0, 1 }, { 0, 0 } };
    private static readonly float[,] KerasPred = { { 1, 1 }, { 0, 0 } };

    private static (double Unweighted, double Weighted) Run(Metric m)
    {
        m.UpdateState(T2(KerasTrue), T2(KerasPred));
        double u = m.Result();
        m.ResetState();
        m.UpdateState(T2(KerasTrue), T2(KerasPred), T([1, 0], 2));
        return (u, m.Result());
    }

    [TestMethod]
    public void MeanSquaredErrorMatchesKeras()
    {
        var (u, w) = Run(new MeanSquaredError());
        AssertClose(0.25, u);
        AssertClose(0.5, w); // hand: row 0 has mean 0.5, weight 1
    }

    [TestMethod]
    public void RootMeanSquaredErrorMatchesKeras()
    {
        var (u, w) = Run(new RootMeanSquaredError());
        AssertClose(0.5, u);
        AssertClose(0.70710677, w);
    }

    [TestMethod]
    public void MeanAbsoluteErrorMatchesKeras()
    {
        var (u, w) = Run(new MeanAbsoluteError());
        AssertClose(0.25, u);
        AssertClose(0.5, w);
    }

    [TestMethod]
    public void MeanAbsolutePercentageErrorMatchesKerasIncludingZeroLabels()
    {
        var (u, w) = Run(new MeanAbsolutePercentageError());
        AssertClose(250000000.0, u);
        AssertClose(500000000.0, w);
    }

    [TestMethod]
    public void MeanSquaredLogarithmicErrorMatchesKeras()
    {
        var (u, w) = Run(new MeanSquaredLogarithmicError());
        AssertClose(0.12011322, u);
        AssertClose(0.24022643, w);
    }

    [TestMethod]
    public void LogCoshErrorMatchesKeras()
    {
        var (u, w) = Run(new LogCoshError());
        AssertClose(0.10844523, u);
        AssertClose(0.21689045, w);
        Assert.AreEqual("logcosh", new LogCoshError().Name);
    }

    [TestMethod]
    public void LogCoshErrorIsFiniteForHugeErrors()
    {
        var m = new LogCoshError();
        m.UpdateState(T([0], 1), T([1000], 1));
        AssertClose(1000 - Math.Log(2), m.Result());
    }

    [TestMethod]
    public void CosineSimilarityMatchesKeras()
    {
        var m = new CosineSimilarity();
        var yt = T2(new float[,] { { 0, 1 }, { 1, 1 } });
        var yp = T2(new float[,] { { 1, 0 }, { 1, 1 } });
        m.UpdateState(yt, yp);
        AssertClose(0.49999997, m.Result());
        m.ResetState();
        m.UpdateState(yt, yp, T([0.3f, 0.7f], 2));
        AssertClose(0.6999999, m.Result());
    }

    [TestMethod]
    public void CosineSimilarityOfAZeroVectorIsZero()
    {
        var m = new CosineSimilarity();
        m.UpdateState(T([0, 0, 1, 2], 2, 2), T([1, 1, 1, 2], 2, 2));
        AssertClose(0.5, m.Result());
    }

    [TestMethod]
    public void R2ScoreMatchesKeras()
    {
        var m = new R2Score();
        m.UpdateState(T([1, 4, 3], 3, 1), T([2, 4, 4], 3, 1));
        AssertClose(0.57142854, m.Result());
    }

    [TestMethod]
    public void R2ScoreAggregationsByHand()
    {
        // column 0: y [1, 2, 3], p [1, 2, 4] → SSres 1, SStot 2 → 0.5
        // column 1: y [0, 0, 3], p [1, 0, 3] → SSres 1, SStot 6 → 5/6
        float[] t = [1, 0, 2, 0, 3, 3], p = [1, 1, 2, 0, 4, 3];
        var raw = new R2Score(classAggregation: null);
        raw.UpdateState(T(t, 3, 2), T(p, 3, 2));
        AssertTensorsClose(T([0.5f, 5f / 6], 2), raw.ResultTensor());
        Assert.ThrowsExactly<InvalidOperationException>(() => raw.Result());
        Assert.IsFalse(raw.IsScalar);

        var uniform = new R2Score();
        uniform.UpdateState(T(t, 3, 2), T(p, 3, 2));
        AssertClose((0.5 + 5.0 / 6) / 2, uniform.Result());

        var weighted = new R2Score("variance_weighted_average");
        weighted.UpdateState(T(t, 3, 2), T(p, 3, 2));
        AssertClose((2 * 0.5 + 6 * 5.0 / 6) / 8, weighted.Result());

        // adjusted: n = 3 samples (rows, not 6 values: Keras 3.16), p = 1 → 1 − (1 − r2)(n − 1)/(n − p − 1)
        var adjusted = new R2Score(numRegressors: 1);
        adjusted.UpdateState(T(t, 3, 2), T(p, 3, 2));
        double r2 = (0.5 + 5.0 / 6) / 2;
        AssertClose(1 - (1 - r2) * 2 / 1, adjusted.Result());
        // p = n − 1 (division by zero) and p > n − 1 fall back to the standard score
        foreach (int regressors in new[] { 2, 5 })
        {
            var fallback = new R2Score(numRegressors: regressors);
            fallback.UpdateState(T(t, 3, 2), T(p, 3, 2));
            AssertClose(r2, fallback.Result());
        }
    }

    // keras/src/metrics/regression_metrics_test.py, R2ScoreTest.test_r2_sklearn_comparison / test_r2_tfa_comparison (Keras 3.16:
    // the adjusted score's n counts samples with a non-zero weight, not N·C values).
    [TestMethod]
    [DataRow(null, 0, new[] { 0.37, -1.295, 0.565 })]
    [DataRow(null, 1, new[] { -0.26, -3.59, 0.13 })]
    [DataRow("uniform_average", 0, new[] { -0.12 })]
    [DataRow("variance_weighted_average", 0, new[] { -0.12 })]
    public void R2ScoreMatchesKerasSklearnComparison(string? aggregation, int regressors, double[] expected)
    {
        var m = new R2Score(aggregation, regressors);
        m.UpdateState(T([0, 0, 1, 0, 1, 0, 1, 0, 0], 3, 3), T([0.4f, 0.5f, 0.6f, 0.1f, 0.2f, 0.3f, 0.5f, 0.8f, 0.2f], 3, 3));
        AssertR2(expected, m, 1e-6);
    }

    [TestMethod]
    [DataRow(null, 0, new[] { 0.17305559, -8.836666, -0.521 })]
    [DataRow(null, 1, new[] { -0.65388882, -18.673332, -2.042 })]
    [DataRow(null, 2, new[] { 0.17305559, -8.836666, -0.521 })]
    [DataRow("uniform_average", 0, new[] { -3.0615367889404297 })]
    [DataRow("uniform_average", 1, new[] { -7.123073577880859 })]
    [DataRow("uniform_average", 2, new[] { -3.0615367889404297 })]
    [DataRow("variance_weighted_average", 0, new[] { -1.3710224628448486 })]
    [DataRow("variance_weighted_average", 1, new[] { -3.742044448852539 })]
    [DataRow("variance_weighted_average", 2, new[] { -1.3710224628448486 })]
    public void R2ScoreMatchesKerasTfaComparison(string? aggregation, int regressors, double[] expected)
    {
        var m = new R2Score(aggregation, regressors);
        m.UpdateState(T([0, 0, 1, 0, 1, 0, 1, 0, 0], 3, 3), T([0.4f, 0.9f, 1.6f, 0.1f, 1.2f, 0.6f, 1.5f, 0.8f, 0.6f], 3, 3), T([0.8f, 0.1f, 0.4f], 3));
        AssertR2(expected, m, 1e-5);
    }

    [TestMethod]
    public void R2ScoreAdjustedCountsOnlySamplesWithANonZeroWeight()
    {
        // Rows 0..3 with weights [1, 1, 1, 0]: n = 3 active samples, so p = 1 gives 1 − (1 − r2)·2/1.
        // Active data y [1, 2, 4], p [1, 3, 4]: SSres 1, mean 7/3, SStot 1 + 4 + 16 − 3·(7/3)² = 14/3 → r2 = 1 − 3/14.
        var m = new R2Score(numRegressors: 1);
        m.UpdateState(T([1, 2, 4, 9], 4, 1), T([1, 3, 4, 0], 4, 1), T([1, 1, 1, 0], 4));
        double r2 = 1 - 3.0 / 14;
        AssertClose(1 - (1 - r2) * 2, m.Result());
        // Per-element weights [N, C]: a row counts if any of its weights is non-zero (rows 0 and 1 here, so p = 1 = n − 1 falls back).
        var perElement = new R2Score(classAggregation: null, numRegressors: 1);
        perElement.UpdateState(T([1, 0, 2, 1, 3, 5], 3, 2), T([1, 1, 2, 0, 0, 0], 3, 2), T([1, 0, 0, 1, 0, 0], 3, 2));
        var plain = new R2Score(classAggregation: null);
        plain.UpdateState(T([1, 0, 2, 1, 3, 5], 3, 2), T([1, 1, 2, 0, 0, 0], 3, 2), T([1, 0, 0, 1, 0, 0], 3, 2));
        AssertTensorsClose(plain.ResultTensor(), perElement.ResultTensor(), 0);
    }

    private static void AssertR2(double[] expected, R2Score m, double tolerance)
    {
        var result = m.ResultTensor();
        var actual = new float[result.FlattenedLength];
        result.FlattenTo(actual);
        Assert.HasCount(expected.Length, actual);
        for (int i = 0; i < expected.Length; i++)
            Assert.AreEqual(expected[i], actual[i], tolerance * Math.Max(1, Math.Abs(expected[i])), $"element {i}");
    }

    [TestMethod]
    public void R2ScoreWeightsAndConstantLabels()
    {
        var m = new R2Score();
        // weight 0 removes the third sample: y [1, 2], p [1, 3] → SSres 1, SStot 0.5 → −1
        m.UpdateState(T([1, 2, 10], 3), T([1, 3, 0], 3), T([1, 1, 0], 3));
        AssertClose(-1.0, m.Result());
        var constant = new R2Score();
        constant.UpdateState(T([2, 2], 2), T([1, 3], 2));
        Assert.AreEqual(0.0, constant.Result(), "an infinite raw score becomes 0, as in Keras");
    }

    [TestMethod]
    public void R2ScoreHasNoResultBeforeTheFirstUpdate()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => new R2Score().Result());
        StringAssert.Contains(e.Message, "before the first update");
    }

    [TestMethod]
    public void R2ScoreRejectsAChangeOfColumnCount()
    {
        var m = new R2Score();
        m.UpdateState(T([1, 2, 3, 4], 2, 2), T([1, 2, 3, 4], 2, 2));
        var e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T([1, 2, 3], 1, 3), T([1, 2, 3], 1, 3)));
        StringAssert.Contains(e.Message, "built for 2 outputs");
    }

    private static readonly float[] CorrTrue = [0, 1, 0.5f, 1, 1, 0.2f, 1, 1, 0.1f, 0.1f, 0.7f, 0.0f];
    private static readonly float[] CorrPred = [0.1f, 0.9f, 0.5f, 1, 0.9f, 0.2f, 0.2f, 0.8f, 0, 0.3f, 0.3f, 0.9f];

    [TestMethod]
    public void ConcordanceCorrelationMatchesKerasTest()
    {
        double[] expected = [0.97560976, 0.98765432, 0.46511628, -0.46376812];
        var m = new ConcordanceCorrelation();
        m.UpdateState(T(CorrTrue[..6], 2, 3), T(CorrPred[..6], 2, 3));
        AssertClose((expected[0] + expected[1]) / 2, m.Result());
        m.UpdateState(T(CorrTrue[6..], 2, 3), T(CorrPred[6..], 2, 3));
        AssertClose(expected.Average(), m.Result());
    }

    [TestMethod]
    public void PearsonCorrelationMatchesKerasTest()
    {
        double[] expected = [1, 0.99339927, 0.69337525, -0.60999428];
        var m = new PearsonCorrelation();
        m.UpdateState(T(CorrTrue[..6], 2, 3), T(CorrPred[..6], 2, 3));
        AssertClose((expected[0] + expected[1]) / 2, m.Result());
        m.UpdateState(T(CorrTrue[6..], 2, 3), T(CorrPred[6..], 2, 3));
        AssertClose(expected.Average(), m.Result());
    }

    [TestMethod]
    public void PearsonCorrelationIsPerRowNotARunningCorrelation()
    {
        // Two rows each perfectly correlated, but with opposite overall trends: per-row mean = 1.
        var m = new PearsonCorrelation();
        m.UpdateState(T([0, 1, 10, 11], 2, 2), T([5, 6, -5, -4], 2, 2));
        AssertClose(1.0, m.Result());
    }

    [TestMethod]
    public void MeanRelativeErrorMatchesTheTfExampleAndZeroNormalizerGivesZero()
    {
        var m = new MeanRelativeError([1, 3, 2, 3]);
        m.UpdateState(T([1, 3, 2, 3], 4), T([2, 4, 6, 8], 4));
        AssertClose(1.25, m.Result());
        var z = new MeanRelativeError([0, 2]);
        z.UpdateState(T([1, 1], 1, 2), T([5, 3], 1, 2));
        AssertClose(0.5, z.Result()); // mean(0, 2/2... |3−1|/2 = 1) = 0.5
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MeanRelativeError([1, 2, 3]).UpdateState(T([1, 1], 1, 2), T([5, 3], 1, 2)));
        StringAssert.Contains(e.Message, "normalizer has 3 values");
    }

    [TestMethod]
    public void FullPerElementWeightsAreRejectedForMeanOverLastAxisMetrics()
    {
        var m = new MeanSquaredError();
        var e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T2(KerasTrue), T2(KerasPred), T([1, 0, 1, 1], 2, 2)));
        StringAssert.Contains(e.Message, "sampleWeight has shape [2, 2] but yPred has shape [2, 2]");
        StringAssert.Contains(e.Message, "one weight per sample ([2] or [2, 1])");
    }

    [TestMethod]
    public void ShapeMismatchNamesBothShapes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MeanAbsoluteError().UpdateState(T(new float[12], 4, 3), T(new float[8], 4, 2)));
        StringAssert.Contains(e.Message, "yTrue has shape [4, 3] but yPred has shape [4, 2]");
    }

    [TestMethod]
    public void WeightsOfShapeNByOneAndScalarWeightsBroadcast()
    {
        var a = new MeanSquaredError();
        a.UpdateState(T2(KerasTrue), T2(KerasPred), T([1, 0], 2, 1));
        AssertClose(0.5, a.Result());
        var b = new MeanSquaredError();
        b.UpdateState(T2(KerasTrue), T2(KerasPred), T([3], 1));
        AssertClose(0.25, b.Result());
    }

    [TestMethod]
    public void AllZeroWeightsGiveZeroNotNaN()
    {
        var m = new MeanAbsoluteError();
        m.UpdateState(T2(KerasTrue), T2(KerasPred), T([0, 0], 2));
        Assert.AreEqual(0.0, m.Result());
    }
}
