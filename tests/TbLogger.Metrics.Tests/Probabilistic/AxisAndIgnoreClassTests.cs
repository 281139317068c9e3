using System.Numerics.Tensors;
using TbLogger.Metrics.Losses;
using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>
/// Issue 16 items 1 and 2 for the metrics that average a loss function: <c>axis</c> anywhere (negative or not) and the
/// SCCE metric's <c>ignore_class</c>. Numbers from keras/src/metrics/*_test.py (Keras 3.16) and hand calculation.
/// </summary>
[TestClass]
public sealed class AxisAndIgnoreClassTests
{
    private static readonly float[] ScceLabels = [0, 1, 2];
    private static readonly float[] ScceProbabilities = [0.8f, 0.1f, 0.1f, 0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f];

    [TestMethod]
    public void SparseCategoricalCrossentropyIgnoreClassMatchesKerasTests()
    {
        // probabilistic_metrics_test.py: test_ignore_class, test_ignore_class_weighted, test_ignore_class_from_logits.
        var m = new SparseCategoricalCrossentropy(ignoreClass: 0);
        m.UpdateState(T(ScceLabels, 3), T(ScceProbabilities, 3, 3));
        // Keras counts the ignored row in the denominator when no weights are given: (0 + 0.05129 + 2.30259) / 3.
        AssertClose((-Math.Log(0.95) - Math.Log(0.1)) / 3, m.Result(), 1e-6);
        AssertClose(0.78462, m.Result(), 1e-3);

        m.ResetState();
        m.UpdateState(T(ScceLabels, 3), T(ScceProbabilities, 3, 3), T([0.5f, 1.5f, 2.0f], 3));
        AssertClose((-1.5 * Math.Log(0.95) - 2.0 * Math.Log(0.1)) / 3.5, m.Result(), 1e-6);
        AssertClose(1.33774646, m.Result(), 1e-3);

        var logits = new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 0);
        logits.UpdateState(T(ScceLabels, 3), T([10, 1, 1, 1, 9, 0, 1, 8, 1], 3, 3));
        AssertClose(2.33409, logits.Result(), 1e-3);
    }

    [TestMethod]
    public void SparseCategoricalCrossentropyIgnoreClassOnTimeStepsWithPerSampleWeights()
    {
        // yPred [2, 2, 3], labels [2, 2]; values (hand): [[ignored, −ln .95], [−ln .1, ignored]].
        float[] p = [0.8f, 0.1f, 0.1f, 0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f, 0.2f, 0.3f, 0.5f];
        float[] labels = [0, 1, 2, 0];
        double a = -Math.Log(0.95), b = -Math.Log(0.1);
        var m = new SparseCategoricalCrossentropy(ignoreClass: 0);
        m.UpdateState(T(labels, 2, 2), T(p, 2, 2, 3));
        AssertClose((a + b) / 4, m.Result(), 1e-6);                 // no weights: the mask is not applied to the count
        m.ResetState();
        m.UpdateState(T(labels, 2, 2), T(p, 2, 2, 3), T([2f, 3f], 2)); // weights [2, 3] → [[0, 2], [3, 0]]
        AssertClose((2 * a + 3 * b) / 5, m.Result(), 1e-6);
        m.ResetState();
        m.UpdateState(T(labels, 2, 2, 1), T(p, 2, 2, 3), T([1f, 1f, 1f, 4f], 2, 2)); // per-time-step weights; labels [N, T, 1]
        AssertClose((a + b) / 2, m.Result(), 1e-6);
    }

    [TestMethod]
    public void SparseCategoricalCrossentropyEverythingIgnored()
    {
        var m = new SparseCategoricalCrossentropy(ignoreClass: 1);
        m.UpdateState(T([1, 1], 2), T([0.3f, 0.7f, 0.6f, 0.4f], 2, 2), T([1f, 1f], 2));
        Assert.AreEqual(0.0, m.Result());                            // all weights masked: 0 / 0 → 0 (divide_no_nan)
        m.ResetState();
        m.UpdateState(T([1, 1], 2), T([0.3f, 0.7f, 0.6f, 0.4f], 2, 2));
        Assert.AreEqual(0.0, m.Result());                            // unweighted: 0 / 2
        m.UpdateState(T([0], 1), T([0.25f, 0.75f], 1, 2));
        AssertClose(-Math.Log(0.25) / 3, m.Result(), 1e-6);          // the two ignored rows still count
    }

    [TestMethod]
    public void SparseCategoricalCrossentropyIgnoreClassConfigRoundTrips()
    {
        var m = new SparseCategoricalCrossentropy(fromLogits: true, name: "scce", ignoreClass: 255);
        string json = m.GetConfigJson();
        Assert.AreEqual("""{"name":"scce","dtype":"float32","from_logits":true,"ignore_class":255,"axis":-1}""", json);
        var back = (SparseCategoricalCrossentropy)MetricFactory.Create("SparseCategoricalCrossentropy", json);
        Assert.AreEqual(255, back.IgnoreClass);
        Assert.AreEqual(json, back.GetConfigJson());
        var none = (SparseCategoricalCrossentropy)MetricFactory.Create("sparse_categorical_crossentropy",
            """{"name": "sparse_categorical_crossentropy", "dtype": "float32", "from_logits": false, "ignore_class": null, "axis": -1}""");
        Assert.IsNull(none.IgnoreClass);
    }

    [TestMethod]
    public void CosineSimilarityAxisMatchesKerasTest()
    {
        // regression_metrics_test.py CosineSimilarityTest: y_true [[1, 9, 2], [-5, -2, 6]], y_pred [[4, 8, 12], [8, 1, 3]].
        var yt = T([1, 9, 2, -5, -2, 6], 2, 3);
        var yp = T([4, 8, 12, 8, 1, 3], 2, 3);
        foreach (int axis in new[] { 1, -1 })
        {
            var m = new CosineSimilarity(axis: axis);
            m.UpdateState(yt, yp);
            AssertClose(0.18721907084660513, m.Result(), 1e-6);
        }
        var w = new CosineSimilarity(axis: 1);
        w.UpdateState(yt, yp, T([1.2f, 3.4f], 2));
        AssertClose(-0.06782260150646335, w.Result(), 1e-6);
        foreach (int axis in new[] { 0, -2 })
        {
            var m = new CosineSimilarity(axis: axis); // one value per column (hand: cosines of the three columns, averaged)
            m.UpdateState(yt, yp);
            AssertClose(0.2297550621372235, m.Result(), 1e-6);
        }
        Assert.ThrowsExactly<ArgumentException>(() => new CosineSimilarity(axis: 2).UpdateState(yt, yp));
    }

    [TestMethod]
    public void CategoricalCrossentropyAxisZeroMatchesKerasDocstringTransposed()
    {
        // The docstring's batch with classes along axis 0 instead of the last axis: same 1.1769392 and 1.6271976.
        var yt = T([0, 0, 1, 0, 0, 1], 3, 2);
        var yp = T([0.05f, 0.1f, 0.95f, 0.8f, 0f, 0.1f], 3, 2);
        var m = new CategoricalCrossentropy(axis: 0);
        m.UpdateState(yt, yp);
        AssertClose(1.1769392, m.Result(), 1e-6);
        m.ResetState();
        m.UpdateState(yt, yp, T([0.3f, 0.7f], 2));
        AssertClose(1.6271976, m.Result(), 1e-6);
        StringAssert.Contains(m.GetConfigJson(), "\"axis\":0");
    }

    [TestMethod]
    public void CrossentropyAxisOneOnThreeDimensionsEqualsLastAxisOnTheTransposedBatch()
    {
        // [N=2, C=3, T=2] with the class axis 1, against the same numbers laid out [N, T, C].
        float[] pNct = [0.2f, 0.5f, 0.3f, 0.25f, 0.5f, 0.25f, 0.6f, 0.1f, 0.3f, 0.3f, 0.1f, 0.6f];
        float[] tNct = [0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1];
        float[] pNtc = Transpose(pNct), tNtc = Transpose(tNct);
        float[] sparse = [1, 0, 0, 2]; // argmax of each one-hot [n, t]
        var weights = T([0.5f, 2f], 2);

        var axis1 = new CategoricalCrossentropy(axis: 1);
        axis1.UpdateState(T(tNct, 2, 3, 2), T(pNct, 2, 3, 2), weights);
        var last = new CategoricalCrossentropy();
        last.UpdateState(T(tNtc, 2, 2, 3), T(pNtc, 2, 2, 3), weights);
        var sparse1 = new SparseCategoricalCrossentropy(axis: 1);
        sparse1.UpdateState(T(sparse, 2, 2), T(pNct, 2, 3, 2), weights);

        // Hand: −ln of the labelled probability per [n, t], each sample the mean over t, weighted over samples.
        double s0 = (-Math.Log(0.3) - Math.Log(0.5)) / 2, s1 = (-Math.Log(0.6) - Math.Log(0.6)) / 2;
        double expected = (0.5 * s0 + 2 * s1) / 2.5;
        AssertClose(expected, axis1.Result(), 1e-6);
        AssertClose(expected, last.Result(), 1e-6);
        AssertClose(expected, sparse1.Result(), 1e-6);
    }

    [TestMethod]
    public void EveryMetricThatWrapsALossAveragesTheLossPerSampleValues()
    {
        // One kernel per Keras function: the metric's mean is the mean of the loss's unweighted per-sample values.
        var rng = new Random(5);
        float[] t = new float[24], p = new float[24];
        for (int i = 0; i < t.Length; i++)
        {
            t[i] = rng.Next(2);
            p[i] = 0.05f + 0.9f * (float)rng.NextDouble();
        }
        (Metric Metric, Loss Loss)[] pairs =
        [
            (new MeanSquaredError(), new MeanSquaredErrorLoss()), (new MeanAbsoluteError(), new MeanAbsoluteErrorLoss()),
            (new MeanAbsolutePercentageError(), new MeanAbsolutePercentageErrorLoss()),
            (new MeanSquaredLogarithmicError(), new MeanSquaredLogarithmicErrorLoss()), (new LogCoshError(), new LogCoshLoss()),
            (new Hinge(), new HingeLoss()), (new SquaredHinge(), new SquaredHingeLoss()), (new CategoricalHinge(), new CategoricalHingeLoss()),
            (new BinaryCrossentropy(), new BinaryCrossentropyLoss()), (new CategoricalCrossentropy(), new CategoricalCrossentropyLoss()),
            (new KLDivergence(), new KLDivergenceLoss()), (new Poisson(), new PoissonLoss()),
        ];
        var yt = T(t, 6, 4);
        var yp = T(p, 6, 4);
        var perSample = new float[6];
        foreach (var (metric, loss) in pairs)
        {
            metric.UpdateState(yt, yp);
            loss.ComputePerSample(yt, yp, perSample);
            AssertClose(perSample.Select(v => (double)v).Average(), metric.Result(), 1e-6);
        }
        var cosine = new CosineSimilarity();
        cosine.UpdateState(yt, yp);
        new CosineSimilarityLoss().ComputePerSample(yt, yp, perSample);
        AssertClose(-perSample.Select(v => (double)v).Average(), cosine.Result(), 1e-6);
    }

    private static float[] Transpose(float[] nct)
    {
        var ntc = new float[nct.Length];
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int t = 0; t < 2; t++)
                    ntc[n * 6 + t * 3 + c] = nct[n * 6 + c * 2 + t];
        return ntc;
    }
}
