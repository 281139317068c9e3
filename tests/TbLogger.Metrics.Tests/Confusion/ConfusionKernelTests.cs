using static TbLogger.Metrics.Tests.ConfusionTestData;

namespace TbLogger.Metrics.Tests;

[TestClass]
public sealed class ConfusionKernelTests
{
    /// <summary>Brute force O(N·T): positive means strictly greater than the threshold, compared in float32.</summary>
    private static void BruteForce(float[] labels, float[] preds, float[]? weights, float[] thresholds, double[] tp, double[] fp, double[] tn, double[] fn)
    {
        for (int i = 0; i < preds.Length; i++)
        {
            double w = weights is null ? 1 : weights.Length == 1 ? weights[0] : weights[i];
            for (int t = 0; t < thresholds.Length; t++)
            {
                bool positive = preds[i] > thresholds[t];
                bool label = labels[i] != 0;
                if (positive && label) tp[t] += w;
                else if (positive) fp[t] += w;
                else if (label) fn[t] += w;
                else tn[t] += w;
            }
        }
    }

    private static (float[] Labels, float[] Preds, float[] Weights) Data(int n, int seed, bool onGrid)
    {
        var rng = new Random(seed);
        var l = new float[n];
        var p = new float[n];
        var w = new float[n];
        for (int i = 0; i < n; i++)
        {
            l[i] = rng.Next(3) == 0 ? 0 : rng.Next(1, 3);   // non-zero labels of any value are positive
            // Many predictions exactly on grid points, 0 and 1, to exercise the strict comparison.
            p[i] = onGrid && rng.Next(2) == 0 ? rng.Next(0, 11) / 10f : (float)rng.NextDouble();
            w[i] = (float)rng.NextDouble();
        }
        return (l, p, w);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void SortedPathMatchesBruteForce(bool weighted)
    {
        var (l, p, w) = Data(5000, 1, onGrid: true);
        float[] thresholds = [0f, 0.1f, 0.15f, 0.5f, 0.5f, 0.7f, 1f];
        var expected = new double[4][];
        for (int k = 0; k < 4; k++) expected[k] = new double[thresholds.Length];
        BruteForce(l, p, weighted ? w : null, thresholds, expected[0], expected[1], expected[2], expected[3]);

        var hist = new double[ConfusionKernel.HistogramLength(thresholds.Length)];
        var counts = new int[4 * hist.Length];
        ConfusionKernel.BucketSorted(l, p, weighted ? w : [], thresholds, hist, counts);
        double[] tp = new double[7], fp = new double[7], tn = new double[7], fn = new double[7];
        ConfusionKernel.AddCounts(hist, [], tp, fp, tn, fn);
        for (int t = 0; t < thresholds.Length; t++)
        {
            Close(expected[0][t], tp[t], 1e-9); Close(expected[1][t], fp[t], 1e-9);
            Close(expected[2][t], tn[t], 1e-9); Close(expected[3][t], fn[t], 1e-9);
        }
    }

    [TestMethod]
    [DataRow(3, false)]
    [DataRow(11, false)]
    [DataRow(200, false)]
    [DataRow(200, true)]
    public void EvenlySpacedPathMatchesBruteForceOffTheGrid(int numThresholds, bool weighted)
    {
        // Off the grid the float32 bucket formula and the exact comparison agree.
        var (l, p, w) = Data(20000, 2, onGrid: false);
        var thresholds = new float[numThresholds];
        for (int i = 0; i < numThresholds; i++) thresholds[i] = (float)i / (numThresholds - 1);
        for (int i = 0; i < p.Length; i++)
        {
            float scaled = p[i] * (numThresholds - 1);
            if (scaled == MathF.Round(scaled)) p[i] = 0.5f / (numThresholds - 1);
        }
        double[] etp = new double[numThresholds], efp = new double[numThresholds], etn = new double[numThresholds], efn = new double[numThresholds];
        BruteForce(l, p, weighted ? w : null, thresholds, etp, efp, etn, efn);

        var hist = new double[ConfusionKernel.HistogramLength(numThresholds)];
        var counts = new int[4 * hist.Length];
        ConfusionKernel.BucketEvenlySpaced(l, p, weighted ? w : [], numThresholds, withEpsilon: false, hist, counts);
        double[] tp = new double[numThresholds], fp = new double[numThresholds], tn = new double[numThresholds], fn = new double[numThresholds];
        ConfusionKernel.AddCounts(hist, [], tp, fp, tn, fn);
        for (int t = 0; t < numThresholds; t++)
        {
            Close(etp[t], tp[t], 1e-9); Close(efp[t], fp[t], 1e-9); Close(etn[t], tn[t], 1e-9); Close(efn[t], fn[t], 1e-9);
        }
    }

    [TestMethod]
    public void EvenlySpacedHandlesExactGridPointsLikeKeras()
    {
        // T = 3, thresholds [0, 0.5, 1]: 0 is positive nowhere, 0.5 only above 0, 1 above 0 and 0.5 (not above 1).
        float[] labels = [1, 1, 1, 1];
        float[] preds = [0f, 0.5f, 1f, 0.7f];
        var hist = new double[ConfusionKernel.HistogramLength(3)];
        var counts = new int[4 * hist.Length];
        ConfusionKernel.BucketEvenlySpaced(labels, preds, [], 3, withEpsilon: false, hist, counts);
        var tp = new double[3];
        ConfusionKernel.AddCounts(hist, [], tp, [], [], []);
        CollectionAssert.AreEqual(new double[] { 3, 2, 0 }, tp);

        // With the AUC end epsilons the first threshold is −1e-7, so 0 is positive there.
        Array.Clear(hist);
        ConfusionKernel.BucketEvenlySpaced(labels, preds, [], 3, withEpsilon: true, hist, counts);
        Array.Clear(tp);
        ConfusionKernel.AddCounts(hist, [], tp, [], [], []);
        CollectionAssert.AreEqual(new double[] { 4, 2, 0 }, tp);
    }

    [TestMethod]
    public void EvenlySpacedClipsOutOfRangePredictions()
    {
        float[] labels = [0, 0, 1];
        float[] preds = [-3f, 7f, float.PositiveInfinity];
        var hist = new double[ConfusionKernel.HistogramLength(5)];
        var counts = new int[4 * hist.Length];
        ConfusionKernel.BucketEvenlySpaced(labels, preds, [], 5, withEpsilon: false, hist, counts);
        double[] tp = new double[5], fp = new double[5], tn = new double[5], fn = new double[5];
        ConfusionKernel.AddCounts(hist, [], tp, fp, tn, fn);
        CollectionAssert.AreEqual(new double[] { 1, 1, 1, 1, 0 }, fp);
        CollectionAssert.AreEqual(new double[] { 1, 1, 1, 1, 0 }, tp);
        CollectionAssert.AreEqual(new double[] { 1, 1, 1, 1, 2 }, tn);
    }

    [TestMethod]
    public void ScalarWeightScalesCounts()
    {
        float[] labels = [1, 0, 1];
        float[] preds = [0.9f, 0.9f, 0.1f];
        var hist = new double[ConfusionKernel.HistogramLength(1)];
        var counts = new int[4 * hist.Length];
        ConfusionKernel.BucketSorted(labels, preds, [2.5f], [0.5f], hist, counts);
        double[] tp = new double[1], fp = new double[1], tn = new double[1], fn = new double[1];
        ConfusionKernel.AddCounts(hist, [], tp, fp, tn, fn);
        Assert.AreEqual(2.5, tp[0]);
        Assert.AreEqual(2.5, fp[0]);
        Assert.AreEqual(0.0, tn[0]);
        Assert.AreEqual(2.5, fn[0]);
    }

    [TestMethod]
    public void OrderMapsSortedPositionsBackToCallerOrder()
    {
        // Thresholds given as [0.85, 0.15, 0.5]: sorted [0.15, 0.5, 0.85], order [1, 2, 0].
        float[] labels = [1, 1, 1];
        float[] preds = [0.2f, 0.6f, 0.9f];
        var hist = new double[ConfusionKernel.HistogramLength(3)];
        var counts = new int[4 * hist.Length];
        ConfusionKernel.BucketSorted(labels, preds, [], [0.15f, 0.5f, 0.85f], hist, counts);
        var tp = new double[3];
        ConfusionKernel.AddCounts(hist, [1, 2, 0], tp, [], [], []);
        CollectionAssert.AreEqual(new double[] { 1, 3, 2 }, tp);
    }

    [TestMethod]
    public void KernelAllocatesNothing()
    {
        var (l, p, w) = Data(4096, 3, onGrid: false);
        var hist = new double[ConfusionKernel.HistogramLength(200)];
        var counts = new int[4 * hist.Length];
        double[] tp = new double[200], fp = new double[200], tn = new double[200], fn = new double[200];
        float[] thresholds = [0.2f, 0.4f];
        long bytes = AllocatedBytes(() =>
        {
            ConfusionKernel.BucketEvenlySpaced(l, p, [], 200, true, hist, counts);
            ConfusionKernel.BucketEvenlySpaced(l, p, w, 200, true, hist, counts);
            ConfusionKernel.BucketSorted(l, p, w, thresholds, hist.AsSpan(0, 6), counts.AsSpan(0, 24));
            ConfusionKernel.AddCounts(hist, [], tp, fp, tn, fn);
        });
        Assert.AreEqual(0L, bytes);
    }

    [TestMethod]
    public void EvenlyDistributedDetectionFollowsKeras()
    {
        Assert.IsTrue(ThresholdedConfusion.IsEvenlyDistributed([0.0, 0.5, 1.0]));
        Assert.IsTrue(ThresholdedConfusion.IsEvenlyDistributed([0.0, 0.25, 0.5, 0.75, 1.0]));
        Assert.IsFalse(ThresholdedConfusion.IsEvenlyDistributed([0.0, 1.0]));          // fewer than 3
        Assert.IsFalse(ThresholdedConfusion.IsEvenlyDistributed([1.0, 0.5, 0.0]));     // not ascending
        Assert.IsFalse(ThresholdedConfusion.IsEvenlyDistributed([0.15, 0.5, 0.85]));
    }
}
