using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using TbLogger.Metrics;

namespace TbLogger.Benchmarks.Metrics;

/// <summary>
/// UpdateState of the hot metrics against <see cref="TensorPrimitives.Sum(ReadOnlySpan{float})"/> over the same floats
/// (the baselines); MemoryDiagnoser shows 0 B per call.
/// Run: <c>dotnet run -c Release --project tests/TbLogger.Benchmarks -- --filter *MetricUpdateBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class MetricUpdateBenchmarks
{
    private const int Values = 1_000_000;
    private const int Rows = 100_000;
    private const int Classes = 10;

    private float[] _labels = [], _probs = [], _sparseLabels = [], _scores = [];
    private readonly BinaryAccuracy _binaryAccuracy = new();
    private readonly MeanSquaredError _mse = new();
    private readonly SparseCategoricalAccuracy _sparse = new();

    /// <summary>Seeded data.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_labels, _probs, _sparseLabels, _scores) = MetricBenchmarkData.Create(Values, Rows, Classes);
    }

    /// <summary>Baseline: a vectorised sum over 1,000,000 floats.</summary>
    [Benchmark(Baseline = true)]
    public float SumBaseline() => TensorPrimitives.Sum<float>(_probs);

    /// <summary>BinaryAccuracy over 1,000,000 values.</summary>
    [Benchmark]
    public void BinaryAccuracyUpdate() => _binaryAccuracy.UpdateState(new ReadOnlyTensorSpan<float>(_labels), new ReadOnlyTensorSpan<float>(_probs));

    /// <summary>MeanSquaredError over 1,000,000 values.</summary>
    [Benchmark]
    public void MeanSquaredErrorUpdate() => _mse.UpdateState(new ReadOnlyTensorSpan<float>(_labels), new ReadOnlyTensorSpan<float>(_probs));

    /// <summary>SparseCategoricalAccuracy over 100,000 × 10 scores.</summary>
    [Benchmark]
    public void SparseCategoricalAccuracyUpdate()
        => _sparse.UpdateState(new ReadOnlyTensorSpan<float>(_sparseLabels), new ReadOnlyTensorSpan<float>(_scores, [Rows, Classes]));
}

/// <summary>Seeded inputs shared by the BenchmarkDotNet and quick runs.</summary>
internal static class MetricBenchmarkData
{
    public static (float[] Labels, float[] Probs, float[] SparseLabels, float[] Scores) Create(int values, int rows, int classes)
    {
        var rng = new Random(42);
        var labels = new float[values];
        var probs = new float[values];
        for (int i = 0; i < values; i++) { labels[i] = rng.Next(2); probs[i] = (float)rng.NextDouble(); }
        var sparse = new float[rows];
        var scores = new float[rows * classes];
        for (int i = 0; i < rows; i++) sparse[i] = rng.Next(classes);
        for (int i = 0; i < scores.Length; i++) scores[i] = (float)rng.NextDouble();
        return (labels, probs, sparse, scores);
    }
}
