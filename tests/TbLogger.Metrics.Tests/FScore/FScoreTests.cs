using static TbLogger.Metrics.Tests.ConfusionTestData;

namespace TbLogger.Metrics.Tests;

/// <summary>Expected values from keras/src/metrics/f_score_metrics_test.py and the class docstrings.</summary>
[TestClass]
public sealed class FScoreTests
{
    private static FScoreAverage Avg(string? a) => a switch
    {
        null => FScoreAverage.None,
        "micro" => FScoreAverage.Micro,
        "macro" => FScoreAverage.Macro,
        _ => FScoreAverage.Weighted,
    };

    private static double[] Run(float[] yTrue, float[] yPred, int classes, string? average, double beta, float? threshold, float[]? weights = null)
    {
        var m = new FBetaScore(Avg(average), beta, threshold);
        int rows = yTrue.Length / classes;
        if (weights is null) m.UpdateState(T(yTrue, rows, classes), T(yPred, rows, classes));
        else m.UpdateState(T(yTrue, rows, classes), T(yPred, rows, classes), T(weights));
        return [.. Values(m).Select(v => (double)v)];
    }

    private static readonly float[] PerfectTrue = Rows([1, 1, 1], [1, 0, 0], [1, 1, 0]);
    private static readonly float[] WorstTrue = Rows([0, 0, 0], [0, 1, 0], [0, 0, 1]);
    private static readonly float[] ThreePred = Rows([0.7, 0.7, 0.7], [1, 0, 0], [0.9, 0.8, 0]);
    private static readonly float[] RandomTrue = Rows([0, 0, 1], [1, 1, 0], [1, 1, 1]);
    private static readonly float[] SixTrue = Rows([1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [1, 0, 0], [0, 0, 1]);
    private static readonly float[] SixPred = Rows([0.9, 0.1, 0], [0.2, 0.6, 0.2], [0, 0, 1], [0.4, 0.3, 0.3], [0, 0.9, 0.1], [0, 0, 1]);

    [TestMethod]
    [DataRow("micro", 0.5)] [DataRow("micro", 1.0)] [DataRow("micro", 2.0)]
    [DataRow("macro", 0.5)] [DataRow("macro", 1.0)] [DataRow("macro", 2.0)]
    [DataRow("weighted", 0.5)] [DataRow("weighted", 1.0)] [DataRow("weighted", 2.0)]
    public void PerfectAndWorst(string average, double beta)
    {
        Close(1.0, Run(PerfectTrue, ThreePred, 3, average, beta, 0.66f)[0]);
        Close(0.0, Run(WorstTrue, ThreePred, 3, average, beta, 0.66f)[0]);
    }

    [TestMethod]
    [DataRow(null, 0.5, new[] { 0.71428573, 0.5, 0.833334 })]
    [DataRow(null, 1.0, new[] { 0.8, 0.5, 0.6666667 })]
    [DataRow(null, 2.0, new[] { 0.9090904, 0.5, 0.555556 })]
    [DataRow("micro", 0.5, new[] { 0.6666667 })]
    [DataRow("micro", 1.0, new[] { 0.6666667 })]
    [DataRow("micro", 2.0, new[] { 0.6666667 })]
    [DataRow("macro", 0.5, new[] { 0.6825397 })]
    [DataRow("macro", 1.0, new[] { 0.6555555 })]
    [DataRow("macro", 2.0, new[] { 0.6548822 })]
    [DataRow("weighted", 0.5, new[] { 0.6825397 })]
    [DataRow("weighted", 1.0, new[] { 0.6555555 })]
    [DataRow("weighted", 2.0, new[] { 0.6548822 })]
    public void RandomScoreWithThreshold(string? average, double beta, double[] expected)
    {
        var actual = Run(RandomTrue, ThreePred, 3, average, beta, 0.66f);
        // Keras's table is checked with atol 1e-6 against float32 and lists 6–7 digits.
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], 2e-6);
    }

    [TestMethod]
    [DataRow(null, 0.5, new[] { 0.9090904, 0.555556, 1.0 })]
    [DataRow(null, 1.0, new[] { 0.8, 0.6666667, 1.0 })]
    [DataRow(null, 2.0, new[] { 0.71428573, 0.833334, 1.0 })]
    [DataRow("micro", 0.5, new[] { 0.833334 })]
    [DataRow("micro", 2.0, new[] { 0.833334 })]
    [DataRow("macro", 0.5, new[] { 0.821549 })]
    [DataRow("macro", 1.0, new[] { 0.822222 })]
    [DataRow("macro", 2.0, new[] { 0.849206 })]
    [DataRow("weighted", 0.5, new[] { 0.880471 })]
    [DataRow("weighted", 1.0, new[] { 0.844445 })]
    [DataRow("weighted", 2.0, new[] { 0.829365 })]
    public void ArgmaxWithoutThreshold(string? average, double beta, double[] expected)
    {
        var actual = Run(SixTrue, SixPred, 3, average, beta, null);
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], 2e-6);
    }

    [TestMethod]
    [DataRow(null, 0.5, new[] { 1.0, 0.0, 1.0, 1.0, 0.0, 1.0 }, new[] { 1.0, 0.0, 1.0 })]
    [DataRow(null, 0.5, new[] { 0.5, 1.0, 1.0, 1.0, 0.5, 1.0 }, new[] { 0.9375, 0.714286, 1.0 })]
    [DataRow(null, 1.0, new[] { 0.5, 1.0, 1.0, 1.0, 0.5, 1.0 }, new[] { 0.857143, 0.8, 1.0 })]
    [DataRow(null, 2.0, new[] { 0.5, 1.0, 1.0, 1.0, 0.5, 1.0 }, new[] { 0.789474, 0.909091, 1.0 })]
    [DataRow("micro", 1.0, new[] { 0.5, 1.0, 1.0, 1.0, 0.5, 1.0 }, new[] { 0.9 })]
    [DataRow("macro", 0.5, new[] { 1.0, 0.0, 1.0, 1.0, 0.0, 1.0 }, new[] { 0.666667 })]
    [DataRow("macro", 0.5, new[] { 0.5, 1.0, 1.0, 1.0, 0.5, 1.0 }, new[] { 0.883929 })]
    [DataRow("macro", 2.0, new[] { 0.5, 1.0, 1.0, 1.0, 0.5, 1.0 }, new[] { 0.899522 })]
    [DataRow("weighted", 0.5, new[] { 0.5, 1.0, 1.0, 1.0, 0.5, 1.0 }, new[] { 0.917857 })]
    [DataRow("weighted", 1.0, new[] { 0.5, 1.0, 1.0, 1.0, 0.5, 1.0 }, new[] { 0.902857 })]
    [DataRow("weighted", 2.0, new[] { 0.5, 1.0, 1.0, 1.0, 0.5, 1.0 }, new[] { 0.897608 })]
    [DataRow("weighted", 2.0, new[] { 1.0, 0.0, 1.0, 1.0, 0.0, 1.0 }, new[] { 1.0 })]
    public void RowWeights(string? average, double beta, double[] weights, double[] expected)
    {
        var actual = Run(SixTrue, SixPred, 3, average, beta, null, [.. weights.Select(w => (float)w)]);
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], 2e-6);
    }

    [TestMethod]
    public void ScalarAndElementWeights()
    {
        float[] t = Rows([1, 1], [1, 0]);
        float[] p = Rows([0.2, 0.6], [0.2, 0.6]);
        var scalar = new FBetaScore(threshold: 0.5f);
        scalar.UpdateState(T(t, 2, 2), T(p, 2, 2), T(F(0.5), 1));
        Close([0.0, 0.6666665], scalar.ResultTensor());
        var element = new FBetaScore(threshold: 0.5f);
        element.UpdateState(T(t, 2, 2), T(p, 2, 2), T(Rows([0.5, 0.2], [0.3, 0.8]), 2, 2));
        Close([0.0, 0.333333], element.ResultTensor());
    }

    [TestMethod]
    public void EpsilonInsteadOfDivideNoNan()
    {
        // Precision = recall = 0.5 exactly: the epsilons make the score slightly smaller (Keras: 0.49999994).
        var m = new F1Score(FScoreAverage.Micro, threshold: 0.5f);
        m.UpdateState(T(F(1, 1, 0), 3, 1), T(F(0.9, 0.1, 0.9), 3, 1));
        double score = m.Result();
        Assert.IsTrue(score < 0.5);
        Close(0.49999994, score);
        // Nothing positive anywhere: 0, not NaN.
        var zero = new F1Score(FScoreAverage.Macro, threshold: 0.5f);
        zero.UpdateState(T(F(0, 0), 2, 1), T(F(0.1, 0.2), 2, 1));
        Assert.AreEqual(0.0, zero.Result());
    }

    [TestMethod]
    public void F1MatchesFBetaOneAndDocstrings()
    {
        var f1 = new F1Score();
        var fb = new FBetaScore(beta: 1.0);
        f1.UpdateState(T(SixTrue, 6, 3), T(SixPred, 6, 3));
        fb.UpdateState(T(SixTrue, 6, 3), T(SixPred, 6, 3));
        CollectionAssert.AreEqual(Values(fb), Values(f1));

        float[] t = Rows([1, 1, 1], [1, 0, 0], [1, 1, 0]);
        float[] p = Rows([0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]);
        var doc = new F1Score(threshold: 0.5f);
        doc.UpdateState(T(t, 3, 3), T(p, 3, 3));
        Close([0.5, 0.8, 0.6666667], doc.ResultTensor());
        var docB = new FBetaScore(beta: 2.0, threshold: 0.5f);
        docB.UpdateState(T(t, 3, 3), T(p, 3, 3));
        Close([0.3846154, 0.90909094, 0.8333334], docB.ResultTensor());
    }

    [TestMethod]
    public void NoResultBeforeTheFirstUpdate()
    {
        foreach (var average in Enum.GetValues<FScoreAverage>())
        {
            var m = new F1Score(average);
            Assert.ThrowsExactly<InvalidOperationException>(() => m.Result());
            Assert.ThrowsExactly<InvalidOperationException>(() => m.ResultTensor());
        }
        var vector = new F1Score();
        vector.UpdateState(T(SixTrue, 6, 3), T(SixPred, 6, 3));
        Assert.ThrowsExactly<InvalidOperationException>(() => vector.Result());   // a vector result
        CollectionAssert.AreEqual(new nint[] { 3 }, vector.ResultTensor().Lengths.ToArray());
    }

    [TestMethod]
    public void InvalidArgumentsAndShapes()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FBetaScore(beta: 0.0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FBetaScore(beta: -0.5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FBetaScore(threshold: 1.1f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new FBetaScore(threshold: 0f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new F1Score((FScoreAverage)9));
        var m = new FBetaScore();
        var e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T(new float[24], 2, 3, 4), T(new float[24], 2, 3, 4)));
        StringAssert.Contains(e.Message, "[2, 3, 4]");
        e = Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T(new float[6], 2, 3), T(new float[8], 2, 4)));
        StringAssert.Contains(e.Message, "[2, 4]");
        m.UpdateState(T(new float[6], 2, 3), T(new float[6], 2, 3));
        Assert.ThrowsExactly<ArgumentException>(() => m.UpdateState(T(new float[8], 2, 4), T(new float[8], 2, 4)));
    }

    [TestMethod]
    public void Config()
    {
        Assert.AreEqual("""{"name":"fbeta_score","dtype":"float32","average":null,"beta":0.5,"threshold":0.3}""",
            new FBetaScore(beta: 0.5, threshold: 0.3f).GetConfigJson());
        Assert.AreEqual("""{"name":"f1_score","dtype":"float32","average":"macro","threshold":null}""", new F1Score(FScoreAverage.Macro).GetConfigJson());
    }
}
