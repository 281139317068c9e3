using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using TbLogger.Metrics;

namespace TbLogger.Benchmarks.Metrics;

/// <summary>
/// Confusion-family UpdateState over 1,000,000 predictions against a <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/>
/// of the same span. Run with <c>-- --filter *ConfusionBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class ConfusionBenchmarks
{
    private float[] _labels = [];
    private float[] _predictions = [];
    private float[] _weights = [];
    private AUC _auc = null!;
    private AUC _aucUneven = null!;
    private Precision _precision = null!;
    private F1Score _f1 = null!;

    /// <summary>Number of predictions.</summary>
    [Params(1_000_000)]
    public int N { get; set; }

    /// <summary>Creates deterministic data and warmed-up metrics.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_labels, _predictions) = ConfusionBenchmarkData.Create(N);
        _weights = [.. Enumerable.Repeat(0.5f, N)];
        _auc = new AUC();
        _aucUneven = new AUC(thresholds: [.. Enumerable.Range(1, 198).Select(i => MathF.Pow(i / 199f, 2))]);
        _precision = new Precision([0.3f, 0.5f, 0.7f]);
        _f1 = new F1Score(FScoreAverage.Macro, 0.5f);
    }

    /// <summary>Baseline: one vectorised pass over the predictions.</summary>
    [Benchmark(Baseline = true)]
    public float Sum() => TensorPrimitives.Sum<float>(_predictions);

    /// <summary>AUC, 200 evenly spaced thresholds: the O(N + T) bucketing path.</summary>
    [Benchmark]
    public void AucUpdate() => _auc.UpdateState(_labels, _predictions);

    /// <summary>AUC with per-sample weights.</summary>
    [Benchmark]
    public void AucUpdateWeighted() => _auc.UpdateState(_labels, _predictions, _weights);

    /// <summary>AUC, 200 uneven thresholds: the O(N log T) binary-search path.</summary>
    [Benchmark]
    public void AucUpdateUnevenThresholds() => _aucUneven.UpdateState(_labels, _predictions);

    /// <summary>Precision at three thresholds (general path).</summary>
    [Benchmark]
    public void PrecisionUpdate() => _precision.UpdateState(_labels, _predictions);

    /// <summary>F1 over [N/10, 10] one-hot-like data.</summary>
    [Benchmark]
    public void F1Update() => _f1.UpdateState(
        new ReadOnlyTensorSpan<float>(_labels, [N / 10, 10]), new ReadOnlyTensorSpan<float>(_predictions, [N / 10, 10]));
}

/// <summary>Deterministic benchmark data: 40 % positives, predictions correlated with labels.</summary>
internal static class ConfusionBenchmarkData
{
    public static (float[] Labels, float[] Predictions) Create(int n)
    {
        var rng = new Random(42);
        var labels = new float[n];
        var predictions = new float[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = rng.NextDouble() < 0.4 ? 1 : 0;
            predictions[i] = (float)Math.Clamp(rng.NextDouble() * 0.8 + labels[i] * 0.2, 0, 1);
        }
        return (labels, predictions);
    }
}
