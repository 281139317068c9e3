using System.Numerics.Tensors;

namespace TbLogger.Metrics.Tests;

/// <summary>One batch kept as arrays (tensor spans are ref structs), for shard and allocation tests.</summary>
public sealed record ConfusionTestBatch(float[] YTrue, nint[] TrueShape, float[] YPred, nint[] PredShape, float[]? Weights = null, nint[]? WeightShape = null)
{
    public void Apply(Metric metric)
    {
        var t = new ReadOnlyTensorSpan<float>(YTrue, TrueShape);
        var p = new ReadOnlyTensorSpan<float>(YPred, PredShape);
        if (Weights is null) metric.UpdateState(t, p);
        else metric.UpdateState(t, p, new ReadOnlyTensorSpan<float>(Weights, WeightShape ?? [Weights.Length]));
    }
}

/// <summary>Helpers shared by the confusion, F-score and IoU tests.</summary>
internal static class ConfusionTestData
{
    public static ReadOnlyTensorSpan<float> T(float[] data, params nint[] shape)
        => new(data, shape.Length == 0 ? [data.Length] : shape);

    public static float[] F(params double[] values) => [.. values.Select(v => (float)v)];

    /// <summary>Row-major flattening of a jagged literal.</summary>
    public static float[] Rows(params double[][] rows) => [.. rows.SelectMany(r => r).Select(v => (float)v)];

    /// <summary>Keras's numbers are float32: 1e-5 relative, with an absolute floor for values near 0.</summary>
    public static void Close(double expected, double actual, double relative = 1e-5, string? message = null)
    {
        double tolerance = Math.Max(relative * Math.Abs(expected), 1e-6);
        Assert.IsTrue(Math.Abs(expected - actual) <= tolerance, $"expected {expected:R} but got {actual:R}. {message}");
    }

    public static void Close(double[] expected, Tensor<float> actual, double relative = 1e-5)
    {
        var values = actual.ToArray();
        Assert.AreEqual(expected.Length, values.Length, "result length");
        for (int i = 0; i < expected.Length; i++) Close(expected[i], values[i], relative, $"at index {i}");
    }

    private static float[] ToArray(this Tensor<float> t)
    {
        var a = new float[t.FlattenedLength];
        t.FlattenTo(a);
        return a;
    }

    public static float[] Values(Metric m) => m.ResultTensor().ToArray();

    /// <summary>
    /// k shards merged equal one pass over all batches, and a saved/loaded state gives the same result; both compare
    /// every value of <see cref="Metric.ResultTensor"/> exactly (merging adds the same doubles, maybe in another order,
    /// so 1e-12 relative).
    /// </summary>
    public static void AssertShardsAndSaveLoad(Func<Metric> create, IReadOnlyList<ConfusionTestBatch> batches, int shards = 3)
    {
        var whole = create();
        foreach (var b in batches) b.Apply(whole);
        var expected = Values(whole);

        var parts = Enumerable.Range(0, shards).Select(_ => create()).ToArray();
        for (int i = 0; i < batches.Count; i++) batches[i].Apply(parts[i % shards]);
        var merged = create();
        foreach (var part in parts) merged.Merge(part);
        AssertSame(expected, Values(merged), "merged shards");

        var restored = create();
        restored.State.Load(whole.State.Save());
        AssertSame(expected, Values(restored), "save/load");
        // The restored metric keeps accumulating like the original.
        batches[0].Apply(whole);
        batches[0].Apply(restored);
        AssertSame(Values(whole), Values(restored), "update after load");
    }

    private static void AssertSame(float[] expected, float[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        for (int i = 0; i < expected.Length; i++)
            Assert.IsTrue(Math.Abs(expected[i] - actual[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"{what}: {expected[i]} vs {actual[i]} at {i}");
    }

    /// <summary>Bytes allocated on this thread by 50 further calls after two warm-up calls.</summary>
    public static long AllocatedBytes(Action action)
    {
        action();
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>A deterministic batch of binary labels and probabilities.</summary>
    public static ConfusionTestBatch RandomBinary(int seed, int rows, int cols = 1, bool weighted = false)
    {
        var rng = new Random(seed);
        var t = new float[rows * cols];
        var p = new float[rows * cols];
        for (int i = 0; i < t.Length; i++)
        {
            t[i] = rng.NextDouble() < 0.4 ? 1 : 0;
            p[i] = (float)Math.Clamp(rng.NextDouble() * 0.7 + t[i] * 0.3, 0, 1);
        }
        nint[] shape = cols == 1 ? [rows] : [rows, cols];
        float[]? w = weighted ? [.. Enumerable.Range(0, rows).Select(_ => (float)rng.NextDouble() * 2)] : null;
        return new ConfusionTestBatch(t, shape, p, shape, w, weighted ? [rows] : null);
    }
}
