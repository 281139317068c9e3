using System.Numerics.Tensors;
using System.Reflection;
using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

/// <summary>
/// Every concrete <see cref="Metric"/> of the library (checked by reflection) through the same contract: k shards merged
/// equal one pass, save/load, allocation-free UpdateState and Result after warm-up, and edge inputs (empty batch, batches
/// of one row, all-zero weights, strided views, rank-1 against [N, 1]).
/// </summary>
[TestClass]
public sealed class AllMetricsSweepTests
{
    /// <summary>Sparse class indices on both sides ([N] labels, [N] predictions), for IoU / MeanIoU.</summary>
    private const Kind SparseBoth = (Kind)100;

    public sealed record Case(string Label, Func<Metric> Create, Kind Kind, int Classes)
    {
        public override string ToString() => Label;
    }

    private static void AbsoluteError(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> perSample)
    {
        for (int i = 0; i < perSample.Length; i++) perSample[i] = MathF.Abs(yPred[i, 0] - yTrue[i, 0]);
    }

    public static IEnumerable<Case> Cases()
    {
        yield return new("Accuracy", () => new Accuracy(), Kind.Binary, 1);
        yield return new("BinaryAccuracy", () => new BinaryAccuracy(), Kind.Binary, 3);
        yield return new("CategoricalAccuracy", () => new CategoricalAccuracy(), Kind.Categorical, 4);
        yield return new("SparseCategoricalAccuracy", () => new SparseCategoricalAccuracy(), Kind.Sparse, 5);
        yield return new("TopKCategoricalAccuracy", () => new TopKCategoricalAccuracy(2), Kind.Categorical, 5);
        yield return new("SparseTopKCategoricalAccuracy", () => new SparseTopKCategoricalAccuracy(2), Kind.Sparse, 5);
        yield return new("MeanSquaredError", () => new MeanSquaredError(), Kind.Regression, 3);
        yield return new("RootMeanSquaredError", () => new RootMeanSquaredError(), Kind.Regression, 3);
        yield return new("MeanAbsoluteError", () => new MeanAbsoluteError(), Kind.Regression, 3);
        yield return new("MeanAbsolutePercentageError", () => new MeanAbsolutePercentageError(), Kind.Positive, 3);
        yield return new("MeanSquaredLogarithmicError", () => new MeanSquaredLogarithmicError(), Kind.Positive, 3);
        yield return new("CosineSimilarity", () => new CosineSimilarity(), Kind.Regression, 4);
        yield return new("LogCoshError", () => new LogCoshError(), Kind.Regression, 3);
        yield return new("R2Score", () => new R2Score(), Kind.Regression, 3);
        yield return new("R2Score-raw-adjusted", () => new R2Score(null, 2), Kind.Regression, 3);
        yield return new("PearsonCorrelation", () => new PearsonCorrelation(), Kind.Regression, 5);
        yield return new("ConcordanceCorrelation", () => new ConcordanceCorrelation(), Kind.Regression, 5);
        yield return new("MeanRelativeError", () => new MeanRelativeError([1f, 2f, 0.5f]), Kind.Regression, 3);
        yield return new("BinaryCrossentropy", () => new BinaryCrossentropy(), Kind.Binary, 2);
        yield return new("CategoricalCrossentropy", () => new CategoricalCrossentropy(), Kind.Categorical, 4);
        yield return new("SparseCategoricalCrossentropy", () => new SparseCategoricalCrossentropy(), Kind.Sparse, 4);
        yield return new("KLDivergence", () => new KLDivergence(), Kind.Categorical, 4);
        yield return new("Poisson", () => new Poisson(), Kind.Positive, 3);
        yield return new("Hinge", () => new Hinge(), Kind.Signed, 3);
        yield return new("SquaredHinge", () => new SquaredHinge(), Kind.Binary, 3);
        yield return new("CategoricalHinge", () => new CategoricalHinge(), Kind.Categorical, 4);
        yield return new("Mean", () => new Mean(), Kind.Regression, 3);
        yield return new("Sum", () => new Sum(), Kind.Regression, 3);
        yield return new("MeanMetricWrapper", () => new MeanMetricWrapper(AbsoluteError), Kind.Regression, 3);
        yield return new("FunctionMetric", () => Metric.FromFunction("abs_error", (t, p) => MathF.Abs(t - p)), Kind.Regression, 3);
        yield return new("LossMetric", () => new TbLogger.Metrics.Losses.LossMetric(new TbLogger.Metrics.Losses.MeanSquaredErrorLoss()), Kind.Regression, 3);
        yield return new("AUC", () => new AUC(), Kind.Binary, 1);
        yield return new("AUC-PR-multi", () => new AUC(curve: AucCurve.PR, multiLabel: true), Kind.Binary, 3);
        yield return new("TruePositives", () => new TruePositives(), Kind.Binary, 2);
        yield return new("FalsePositives", () => new FalsePositives(), Kind.Binary, 2);
        yield return new("TrueNegatives", () => new TrueNegatives(), Kind.Binary, 2);
        yield return new("FalseNegatives", () => new FalseNegatives(), Kind.Binary, 2);
        yield return new("Precision", () => new Precision(), Kind.Binary, 2);
        yield return new("Precision-topk", () => new Precision(topK: 2), Kind.Binary, 4);
        yield return new("Recall", () => new Recall(), Kind.Binary, 2);
        yield return new("Recall-classid", () => new Recall(classId: 1), Kind.Binary, 3);
        yield return new("PrecisionAtRecall", () => new PrecisionAtRecall(0.5), Kind.Binary, 1);
        yield return new("RecallAtPrecision", () => new RecallAtPrecision(0.5), Kind.Binary, 1);
        yield return new("SensitivityAtSpecificity", () => new SensitivityAtSpecificity(0.5), Kind.Binary, 1);
        yield return new("SpecificityAtSensitivity", () => new SpecificityAtSensitivity(0.5), Kind.Binary, 1);
        yield return new("ConfusionMatrix", () => new ConfusionMatrix(4), Kind.Sparse, 4);
        yield return new("F1Score", () => new F1Score(), Kind.Binary, 3);
        yield return new("FBetaScore", () => new FBetaScore(FScoreAverage.Weighted, 2.0, 0.5f), Kind.Binary, 3);
        yield return new("IoU", () => new IoU(4, [0, 2]), SparseBoth, 4);
        yield return new("MeanIoU", () => new MeanIoU(4), SparseBoth, 4);
        yield return new("MeanIoU-ignore", () => new MeanIoU(4, ignoreClass: 0), SparseBoth, 4);
        yield return new("BinaryIoU", () => new BinaryIoU(), Kind.Binary, 1);
        yield return new("OneHotIoU", () => new OneHotIoU(4, [1, 3]), Kind.Categorical, 4);
        yield return new("OneHotMeanIoU", () => new OneHotMeanIoU(4), Kind.Categorical, 4);
    }

    public static IEnumerable<object[]> Data => Cases().Select(c => new object[] { c });

    private static Batch MakeBatch(Case c, int n, int seed)
    {
        if (c.Kind != SparseBoth) return Make(c.Kind, n, c.Classes, seed);
        var rng = new Random(seed);
        var t = new float[n]; var p = new float[n]; var w = new float[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = rng.Next(c.Classes);
            p[i] = rng.NextDouble() < 0.6 ? t[i] : rng.Next(c.Classes);
            w[i] = (float)rng.NextDouble() * 2;
        }
        return new Batch(t, [n], p, [n], w);
    }

    private static float[] Values(Metric m)
    {
        var r = m.ResultTensor();
        var values = new float[r.FlattenedLength];
        r.FlattenTo(values);
        return values;
    }

    private static void AssertSameResult(Metric expected, Metric actual, double rel, string what)
    {
        float[] e = Values(expected), a = Values(actual);
        Assert.HasCount(e.Length, a, what);
        for (int i = 0; i < e.Length; i++)
            AssertClose(e[i], a[i], rel, $"{what}, element {i}");
    }

    [TestMethod]
    public void EveryConcreteMetricIsSwept()
    {
        var covered = Cases().Select(c => c.Create().GetType()).ToHashSet();
        var all = typeof(Metric).Assembly.GetTypes()
            .Where(t => typeof(Metric).IsAssignableFrom(t) && !t.IsAbstract && t.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null)
            .ToList();
        var missing = all.Where(t => !covered.Contains(t)).Select(t => t.FullName).ToList();
        Assert.IsEmpty(missing, "not swept: " + string.Join(", ", missing));
    }

    [TestMethod]
    [DynamicData(nameof(Data))]
    public void ThreeShardsMergedAndSavedEqualOnePass(Case c)
    {
        var all = MakeBatch(c, 30, seed: c.Label.Length * 17 + 3);
        var single = c.Create();
        Update(single, all, weighted: true);
        var shards = new[] { all.Slice(0, 11), all.Slice(11, 12), all.Slice(12, 30) };   // one shard of a single row
        var workers = shards.Select(_ => c.Create()).ToArray();
        for (int i = 0; i < 3; i++) Update(workers[i], shards[i], weighted: true);
        var restored = c.Create();
        restored.State.Load(workers[1].State.Save());
        workers[0].Merge(restored);
        workers[0].Merge(workers[2]);
        AssertSameResult(single, workers[0], 1e-5, c.Label);
    }

    [TestMethod]
    [DynamicData(nameof(Data))]
    public void MergeWithAnotherTypeThrows(Case c)
    {
        Metric other = c.Create() is Mean ? new Sum() : new Mean();
        var e = Assert.ThrowsExactly<ArgumentException>(() => c.Create().Merge(other));
        StringAssert.Contains(e.Message, "Cannot merge");
    }

    [TestMethod]
    [DynamicData(nameof(Data))]
    public void UpdateStateAndResultAllocateNothingAfterWarmUp(Case c)
    {
        var b = MakeBatch(c, 40, seed: 5);
        var m = c.Create();
        var yt = Tensor.Create(b.YTrue, b.TrueShape);
        var yp = Tensor.Create(b.YPred, b.PredShape);
        var w = Tensor.Create(b.Weights, [b.N]);
        double sink = 0;
        void Round()
        {
            m.UpdateState(yt, yp);
            m.UpdateState(yt, yp, w);
            if (m.IsScalar) sink += m.Result();
        }
        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) Round();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.AreEqual(0L, allocated, $"{c.Label} allocated {allocated} bytes in 20 rounds (sink {sink}).");
    }

    [TestMethod]
    [DynamicData(nameof(Data))]
    public void EmptyBatchChangesNothing(Case c)
    {
        var b = MakeBatch(c, 10, seed: 11);
        var empty = b.Slice(0, 0);
        var withEmpty = c.Create();
        Update(withEmpty, b, weighted: true);
        Update(withEmpty, empty, weighted: false);
        Update(withEmpty, empty, weighted: true);
        var plain = c.Create();
        Update(plain, b, weighted: true);
        AssertSameResult(plain, withEmpty, 0, c.Label);
    }

    [TestMethod]
    [DynamicData(nameof(Data))]
    public void RowByRowEqualsOneBatch(Case c)
    {
        var b = MakeBatch(c, 9, seed: 13);
        var whole = c.Create();
        Update(whole, b, weighted: true);
        var rows = c.Create();
        for (int i = 0; i < b.N; i++) Update(rows, b.Slice(i, i + 1), weighted: true);
        AssertSameResult(whole, rows, 1e-5, c.Label);
    }

    [TestMethod]
    [DynamicData(nameof(Data))]
    public void AllZeroWeightsAddNothing(Case c)
    {
        // Keras's loss tracker weights each batch's reduced loss by the batch size, whatever the sample weights.
        if (c.Label == "LossMetric") return;
        var b = MakeBatch(c, 10, seed: 17);
        var other = MakeBatch(c, 6, seed: 19);
        var zeros = c.Create();
        Update(zeros, b, weighted: true);
        zeros.UpdateState(Tensor.Create(other.YTrue, other.TrueShape), Tensor.Create(other.YPred, other.PredShape), Tensor.Create(new float[other.N], [other.N]));
        var plain = c.Create();
        Update(plain, b, weighted: true);
        AssertSameResult(plain, zeros, 1e-6, c.Label);
    }

    [TestMethod]
    [DynamicData(nameof(Data))]
    public void StridedViewsGiveTheDenseResult(Case c)
    {
        var b = MakeBatch(c, 12, seed: 23);
        var dense = c.Create();
        Update(dense, b, weighted: true);

        var strided = c.Create();
        // Every tensor is a view that skips one element after each innermost run (a column slice of a wider buffer).
        strided.UpdateState(Strided(b.YTrue, b.TrueShape), Strided(b.YPred, b.PredShape), Strided(b.Weights, [b.N]));
        AssertSameResult(dense, strided, 0, c.Label);
    }

    private static ReadOnlyTensorSpan<float> Strided(float[] data, nint[] shape)
    {
        if (shape.Length == 1)
        {
            // Every other element of a buffer twice as long.
            var every = Enumerable.Repeat(float.NaN, Math.Max(1, 2 * data.Length)).ToArray();
            for (int i = 0; i < data.Length; i++) every[2 * i] = data[i];
            return new ReadOnlyTensorSpan<float>(every, shape, [2]);
        }
        int inner = (int)shape[^1];
        int rows = inner == 0 ? 0 : data.Length / inner;
        var buffer = Enumerable.Repeat(float.NaN, rows * (inner + 1) + 1).ToArray();   // the extra column is never read
        for (int r = 0; r < rows; r++) Array.Copy(data, r * inner, buffer, r * (inner + 1), inner);
        var strides = new nint[shape.Length];
        strides[^1] = 1;
        strides[^2] = inner + 1;
        for (int k = shape.Length - 3; k >= 0; k--) strides[k] = strides[k + 1] * shape[k + 1];
        for (int k = 0; k < shape.Length; k++) if (shape[k] == 1) strides[k] = 0;   // System.Numerics.Tensors wants 0 on length-1 axes
        return new ReadOnlyTensorSpan<float>(buffer, shape, strides);
    }

    [TestMethod]
    [DynamicData(nameof(Data))]
    public void RankOneEqualsAColumn(Case c)
    {
        // Metrics that take one value per sample: [N] on both sides must equal [N, 1] on both sides.
        if (c.Kind is not (Kind.Binary or Kind.Regression or Kind.Positive or Kind.Signed)) return;
        // Multi-column metrics, and row-wise ones for which [N] is a single row (as in Keras), are left out.
        if (c.Label is "AUC-PR-multi" or "F1Score" or "FBetaScore" or "MeanRelativeError" or "MeanMetricWrapper" or "Precision-topk" or "Recall-classid"
            or "CosineSimilarity" or "PearsonCorrelation" or "ConcordanceCorrelation" or "LossMetric") return;
        var b = MakeBatch(c, 8, seed: 29);
        int n = b.N, width = b.YPred.Length / n;
        float[] t = [.. Enumerable.Range(0, n).Select(i => b.YTrue[i * width])];
        float[] p = [.. Enumerable.Range(0, n).Select(i => b.YPred[i * width])];
        var column = c.Create();
        column.UpdateState(Tensor.Create(t, [n, 1]), Tensor.Create(p, [n, 1]), Tensor.Create(b.Weights, [n]));
        var rank1 = c.Create();
        rank1.UpdateState(Tensor.Create(t, [n]), Tensor.Create(p, [n]), Tensor.Create(b.Weights, [n]));
        AssertSameResult(column, rank1, 1e-6, c.Label);
    }

    [TestMethod]
    public void KerasStringIdentifiersAndEveryClassNameResolve()
    {
        // Keras's own snake_case of FBetaScore is "f_beta_score" (keras.utils.naming.to_snake_case); "fbeta_score" is only its default name.
        string[] ids = ["accuracy", "acc", "mse", "mae", "mape", "msle", "binary_crossentropy", "categorical_crossentropy",
                        "sparse_categorical_crossentropy", "kl_divergence", "kld", "poisson", "cosine_similarity", "logcosh",
                        "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "auc", "precision", "recall", "f1_score",
                        "f_beta_score", "r2_score", "mean_io_u", "binary_io_u", "one_hot_mean_io_u", "squared_hinge", "hinge", "categorical_hinge",
                        "root_mean_squared_error", "concordance_correlation", "pearson_correlation", "true_positives", "precision_at_recall"];
        var configs = new Dictionary<string, string>
        {
            ["precision_at_recall"] = """{"recall": 0.5}""",
            ["mean_io_u"] = """{"num_classes": 3}""",
            ["one_hot_mean_io_u"] = """{"num_classes": 3}""",
        };
        foreach (string id in ids)
        {
            var m = MetricFactory.Create(id, configs.GetValueOrDefault(id));
            Assert.IsNotNull(m, id);
        }
        // Every built-in class by its Keras class name and its snake_case name.
        foreach (var c in Cases())
        {
            var type = c.Create().GetType();
            if (type == typeof(MeanMetricWrapper) || type.Name == "FunctionMetric" || type.Namespace != typeof(Metric).Namespace) continue;
            string config = type.Name switch
            {
                "PrecisionAtRecall" => """{"recall": 0.5}""",
                "RecallAtPrecision" => """{"precision": 0.5}""",
                "SensitivityAtSpecificity" => """{"specificity": 0.5}""",
                "SpecificityAtSensitivity" => """{"sensitivity": 0.5}""",
                "MeanRelativeError" => """{"normalizer": [1, 2]}""",
                "IoU" or "OneHotIoU" => """{"num_classes": 3, "target_class_ids": [1]}""",
                "MeanIoU" or "OneHotMeanIoU" or "ConfusionMatrix" => """{"num_classes": 3}""",
                _ => "{}",
            };
            Assert.AreEqual(type, MetricFactory.Create(type.Name, config).GetType(), type.Name);
            Assert.AreEqual(type, MetricFactory.Create(MetricFactory.ToSnakeCase(type.Name), config).GetType(), type.Name);
        }
        var e = Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("no_such_metric"));
        StringAssert.Contains(e.Message, "Unknown metric 'no_such_metric'. Valid identifiers: ");
        StringAssert.Contains(e.Message, "f1_score");
    }
}
