using System.Numerics.Tensors;

namespace TbLogger.Metrics.Tests;

/// <summary>Tensor helpers and seeded data sets for the metric tests.</summary>
public static class TestData
{
    public static Tensor<float> T(float[] data, params nint[] shape) => Tensor.Create(data, shape.Length == 0 ? [data.Length] : shape);

    public static Tensor<float> T2(float[,] data)
    {
        int r = data.GetLength(0), c = data.GetLength(1);
        var flat = new float[r * c];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) flat[i * c + j] = data[i, j];
        return Tensor.Create(flat, [r, c]);
    }

    /// <summary>Kinds of labels/predictions a metric expects.</summary>
    public enum Kind { Binary, Categorical, Sparse, Regression, Positive, Signed }

    /// <summary>A batch: yTrue, yPred, per-sample weights; rows N, classes C.</summary>
    public sealed record Batch(float[] YTrue, nint[] TrueShape, float[] YPred, nint[] PredShape, float[] Weights)
    {
        public int N => (int)PredShape[0];

        public Batch Slice(int from, int to)
        {
            int tw = YTrue.Length / N, pw = YPred.Length / N;
            nint[] ts = [.. TrueShape], ps = [.. PredShape];
            ts[0] = to - from; ps[0] = to - from;
            return new Batch(YTrue[(from * tw)..(to * tw)], ts, YPred[(from * pw)..(to * pw)], ps, Weights[from..to]);
        }
    }

    public static Batch Make(Kind kind, int n, int c, int seed)
    {
        var rng = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float)rng.NextDouble() * 2;
        switch (kind)
        {
            case Kind.Binary:
            {
                var t = new float[n * c]; var p = new float[n * c];
                for (int i = 0; i < t.Length; i++) { t[i] = rng.Next(2); p[i] = (float)rng.NextDouble(); }
                return new Batch(t, [n, c], p, [n, c], w);
            }
            case Kind.Categorical:
            {
                var t = new float[n * c]; var p = new float[n * c];
                for (int i = 0; i < n; i++)
                {
                    t[i * c + rng.Next(c)] = 1;
                    float s = 0;
                    for (int j = 0; j < c; j++) { p[i * c + j] = (float)rng.NextDouble() + 0.01f; s += p[i * c + j]; }
                    for (int j = 0; j < c; j++) p[i * c + j] /= s;
                }
                return new Batch(t, [n, c], p, [n, c], w);
            }
            case Kind.Sparse:
            {
                var t = new float[n]; var p = new float[n * c];
                for (int i = 0; i < n; i++)
                {
                    t[i] = rng.Next(c);
                    float s = 0;
                    for (int j = 0; j < c; j++) { p[i * c + j] = (float)rng.NextDouble() + 0.01f; s += p[i * c + j]; }
                    for (int j = 0; j < c; j++) p[i * c + j] /= s;
                }
                return new Batch(t, [n], p, [n, c], w);
            }
            case Kind.Positive:
            {
                var t = new float[n * c]; var p = new float[n * c];
                for (int i = 0; i < t.Length; i++) { t[i] = (float)rng.NextDouble() * 3 + 0.1f; p[i] = (float)rng.NextDouble() * 3 + 0.1f; }
                return new Batch(t, [n, c], p, [n, c], w);
            }
            case Kind.Signed:
            {
                var t = new float[n * c]; var p = new float[n * c];
                for (int i = 0; i < t.Length; i++) { t[i] = rng.Next(2) * 2 - 1; p[i] = (float)(rng.NextDouble() * 4 - 2); }
                return new Batch(t, [n, c], p, [n, c], w);
            }
            default:
            {
                var t = new float[n * c]; var p = new float[n * c];
                for (int i = 0; i < t.Length; i++) { t[i] = (float)(rng.NextDouble() * 4 - 2); p[i] = t[i] + (float)(rng.NextDouble() - 0.5); }
                return new Batch(t, [n, c], p, [n, c], w);
            }
        }
    }

    public static void Update(Metric m, Batch b, bool weighted)
    {
        var yt = Tensor.Create(b.YTrue, b.TrueShape);
        var yp = Tensor.Create(b.YPred, b.PredShape);
        if (weighted) m.UpdateState(yt, yp, Tensor.Create(b.Weights, [b.N]));
        else m.UpdateState(yt, yp);
    }

    /// <summary>Every metric of part A with a config and the data kind it takes: (identifier, config, kind, classes).</summary>
    public static IEnumerable<object?[]> Catalogue =>
    [
        ["Accuracy", null, Kind.Binary, 1],
        ["BinaryAccuracy", null, Kind.Binary, 1],
        ["BinaryAccuracy", """{"threshold": 0.3}""", Kind.Binary, 3],
        ["CategoricalAccuracy", null, Kind.Categorical, 4],
        ["SparseCategoricalAccuracy", null, Kind.Sparse, 10],
        ["TopKCategoricalAccuracy", """{"k": 2}""", Kind.Categorical, 5],
        ["SparseTopKCategoricalAccuracy", """{"k": 3}""", Kind.Sparse, 6],
        ["MeanSquaredError", null, Kind.Regression, 3],
        ["RootMeanSquaredError", null, Kind.Regression, 3],
        ["MeanAbsoluteError", null, Kind.Regression, 3],
        ["MeanAbsolutePercentageError", null, Kind.Positive, 3],
        ["MeanSquaredLogarithmicError", null, Kind.Positive, 3],
        ["CosineSimilarity", null, Kind.Regression, 4],
        ["LogCoshError", null, Kind.Regression, 3],
        ["R2Score", null, Kind.Regression, 3],
        ["R2Score", """{"class_aggregation": "variance_weighted_average", "num_regressors": 2}""", Kind.Regression, 3],
        ["R2Score", """{"class_aggregation": null}""", Kind.Regression, 3],
        ["PearsonCorrelation", null, Kind.Regression, 5],
        ["ConcordanceCorrelation", null, Kind.Regression, 5],
        ["MeanRelativeError", """{"normalizer": [1, 2, 0.5]}""", Kind.Regression, 3],
        ["BinaryCrossentropy", null, Kind.Binary, 2],
        ["BinaryCrossentropy", """{"from_logits": true, "label_smoothing": 0.1}""", Kind.Regression, 2],
        ["CategoricalCrossentropy", null, Kind.Categorical, 4],
        ["CategoricalCrossentropy", """{"from_logits": true, "label_smoothing": 0.2}""", Kind.Categorical, 4],
        ["SparseCategoricalCrossentropy", null, Kind.Sparse, 4],
        ["SparseCategoricalCrossentropy", """{"from_logits": true}""", Kind.Sparse, 4],
        ["KLDivergence", null, Kind.Categorical, 4],
        ["Poisson", null, Kind.Positive, 3],
        ["Hinge", null, Kind.Signed, 3],
        ["SquaredHinge", null, Kind.Binary, 3],
        ["CategoricalHinge", null, Kind.Categorical, 4],
        ["Mean", null, Kind.Regression, 3],
        ["Sum", null, Kind.Regression, 3],
    ];

    public static void AssertClose(double expected, double actual, double rel = 1e-5, string? message = null)
    {
        double tol = rel * Math.Max(1, Math.Abs(expected));
        Assert.IsTrue(Math.Abs(expected - actual) <= tol || (double.IsNaN(expected) && double.IsNaN(actual)),
            $"expected {expected:R} but got {actual:R} (tolerance {tol:E2}). {message}");
    }

    public static void AssertTensorsClose(Tensor<float> expected, Tensor<float> actual, double rel = 1e-5)
    {
        CollectionAssert.AreEqual(expected.Lengths.ToArray(), actual.Lengths.ToArray());
        var e = new float[expected.FlattenedLength]; expected.FlattenTo(e);
        var a = new float[actual.FlattenedLength]; actual.FlattenTo(a);
        for (int i = 0; i < e.Length; i++) AssertClose(e[i], a[i], rel, $"element {i}");
    }
}
