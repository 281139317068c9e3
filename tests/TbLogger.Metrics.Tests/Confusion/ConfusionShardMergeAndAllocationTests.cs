using static TbLogger.Metrics.Tests.ConfusionTestData;

namespace TbLogger.Metrics.Tests;

/// <summary>
/// For every metric of the confusion, F-score and IoU families: merging k shards equals one pass over the union,
/// Save/Load round-trips, and steady-state UpdateState allocates nothing.
/// </summary>
[TestClass]
public sealed class ConfusionShardMergeAndAllocationTests
{
    private static List<ConfusionTestBatch> Binary(int batches, int rows, int cols = 1, bool weighted = true)
        => [.. Enumerable.Range(0, batches).Select(i => RandomBinary(100 + i, rows, cols, weighted && i % 2 == 0))];

    private static List<ConfusionTestBatch> Classes(int batches, int rows, int classes, bool oneHotTrue, bool sparsePred, bool weighted = true)
    {
        var list = new List<ConfusionTestBatch>();
        for (int b = 0; b < batches; b++)
        {
            var rng = new Random(200 + b);
            var labels = Enumerable.Range(0, rows).Select(_ => rng.Next(classes)).ToArray();
            float[] t = oneHotTrue ? new float[rows * classes] : [.. labels.Select(l => (float)l)];
            if (oneHotTrue) for (int i = 0; i < rows; i++) t[i * classes + labels[i]] = 1;
            float[] p = sparsePred
                ? [.. labels.Select(l => (float)(rng.NextDouble() < 0.6 ? l : rng.Next(classes)))]
                : [.. Enumerable.Range(0, rows * classes).Select(_ => (float)rng.NextDouble())];
            float[]? w = weighted && b % 2 == 1 ? [.. Enumerable.Range(0, rows).Select(_ => (float)rng.NextDouble())] : null;
            list.Add(new ConfusionTestBatch(t, oneHotTrue ? [rows, classes] : [rows], p, sparsePred ? [rows] : [rows, classes], w, w is null ? null : [rows]));
        }
        return list;
    }

    public static IEnumerable<object[]> Cases()
    {
        object[] Case(string name, Func<Metric> create, List<ConfusionTestBatch> data) => [name, create, data];
        yield return Case("TruePositives", () => new TruePositives([0.2f, 0.5f, 0.9f]), Binary(7, 50));
        yield return Case("FalsePositives", () => new FalsePositives(), Binary(7, 50));
        yield return Case("TrueNegatives", () => new TrueNegatives([0f, 0.5f, 1f]), Binary(7, 50));
        yield return Case("FalseNegatives", () => new FalseNegatives([0.3f]), Binary(7, 50));
        yield return Case("Precision", () => new Precision([0.3f, 0.6f]), Binary(7, 50));
        yield return Case("PrecisionTopK", () => new Precision(topK: 2), Binary(7, 20, 4));
        yield return Case("Recall", () => new Recall(classId: 1), Binary(7, 20, 3));
        yield return Case("SensitivityAtSpecificity", () => new SensitivityAtSpecificity(0.6), Binary(7, 50));
        yield return Case("SpecificityAtSensitivity", () => new SpecificityAtSensitivity(0.6), Binary(7, 50));
        yield return Case("PrecisionAtRecall", () => new PrecisionAtRecall(0.5), Binary(7, 50));
        yield return Case("RecallAtPrecision", () => new RecallAtPrecision(0.7), Binary(7, 50));
        yield return Case("AUC", () => new AUC(), Binary(7, 50));
        yield return Case("AUC-PR", () => new AUC(curve: AucCurve.PR, thresholds: [0.1f, 0.7f, 0.4f]), Binary(7, 50));
        yield return Case("AUC-multi", () => new AUC(multiLabel: true, fromLogits: true), Binary(7, 20, 3));
        yield return Case("AUC-labelweights", () => new AUC(labelWeights: [1f, 0.5f, 2f], summationMethod: AucSummationMethod.Majoring), Binary(7, 20, 3));
        yield return Case("F1Score", () => new F1Score(), Binary(7, 20, 3));
        yield return Case("FBetaScore", () => new FBetaScore(FScoreAverage.Weighted, 2.0, 0.5f), Binary(7, 20, 3));
        yield return Case("F1Micro", () => new F1Score(FScoreAverage.Micro), Binary(7, 20, 3));
        yield return Case("IoU", () => new IoU(4, [0, 2]), Classes(7, 30, 4, false, true));
        yield return Case("MeanIoU", () => new MeanIoU(4), Classes(7, 30, 4, false, true));
        yield return Case("BinaryIoU", () => new BinaryIoU(), Binary(7, 50));
        yield return Case("OneHotIoU", () => new OneHotIoU(4, [1, 3]), Classes(7, 30, 4, true, false));
        yield return Case("OneHotMeanIoU", () => new OneHotMeanIoU(4), Classes(7, 30, 4, true, false));
        yield return Case("ConfusionMatrix", () => new ConfusionMatrix(4, ConfusionMatrixNormalization.True), Classes(7, 30, 4, false, false));
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void ShardsMergeToOnePassAndStateRoundTrips(string name, Func<Metric> create, List<ConfusionTestBatch> batches)
    {
        Assert.IsNotNull(name);
        AssertShardsAndSaveLoad(create, batches, shards: 3);
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void UpdateStateAllocatesNothingAfterWarmUp(string name, Func<Metric> create, List<ConfusionTestBatch> batches)
    {
        var metric = create();
        var batch = batches.First(b => b.Weights is not null);
        var plain = batches.First(b => b.Weights is null);
        long bytes = AllocatedBytes(() =>
        {
            batch.Apply(metric);
            plain.Apply(metric);
        });
        Assert.AreEqual(0L, bytes, name);
    }

    [TestMethod]
    public void MergeRejectsOtherTypesAndConfigs()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new AUC().Merge(new AUC(numThresholds: 100)));
        Assert.ThrowsExactly<ArgumentException>(() => new Precision().Merge(new Recall()));
        Assert.ThrowsExactly<ArgumentException>(() => new MeanIoU(3).Merge(new MeanIoU(4)));
        Assert.ThrowsExactly<ArgumentException>(() => new F1Score().Merge(new F1Score(FScoreAverage.Macro)));
        new AUC(name: "a").Merge(new AUC(name: "b"));   // names may differ
    }

    [TestMethod]
    public void LazilySizedStatesMergeIntoAnEmptyMetric()
    {
        var built = new F1Score();
        built.UpdateState(T(F(1, 0, 0, 1), 2, 2), T(F(0.9, 0.1, 0.2, 0.8), 2, 2));
        var empty = new F1Score();
        empty.Merge(built);
        CollectionAssert.AreEqual(Values(built), Values(empty));
        var multi = new AUC(multiLabel: true);
        multi.State.Load(new AUC(multiLabel: true).State.Save());
        Assert.ThrowsExactly<InvalidOperationException>(() => multi.Result());
    }
}
