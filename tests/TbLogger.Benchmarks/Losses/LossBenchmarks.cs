using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using TbLogger.Metrics.Losses;

namespace TbLogger.Benchmarks.Losses;

/// <summary>
/// CategoricalCrossentropyLoss(from_logits) over 10,000 × 10 against a <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/>
/// of the same 100,000 floats. Run with <c>-- --filter *LossBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class LossBenchmarks
{
    private const int Classes = 10;
    private float[] _labels = [];
    private float[] _logits = [];
    private float[] _gradient = [];
    private CategoricalCrossentropyLoss _loss = null!;

    /// <summary>Number of rows (samples).</summary>
    [Params(10_000)]
    public int Rows { get; set; }

    /// <summary>Creates deterministic data and a warmed-up loss.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_labels, _logits) = LossBenchmarkData.Create(Rows, Classes);
        _gradient = new float[_logits.Length];
        _loss = new CategoricalCrossentropyLoss(fromLogits: true);
        ValueAndGradient();
    }

    /// <summary>Baseline: one vectorised pass over the logits.</summary>
    [Benchmark(Baseline = true)]
    public float Sum() => TensorPrimitives.Sum<float>(_logits);

    /// <summary>Loss value and gradient in one call, as a training step uses them.</summary>
    [Benchmark]
    public float ValueAndGradient()
        => _loss.ComputeWithGradient(new ReadOnlyTensorSpan<float>(_labels, [Rows, Classes]),
                                     new ReadOnlyTensorSpan<float>(_logits, [Rows, Classes]), _gradient);

    /// <summary>Loss value only.</summary>
    [Benchmark]
    public float Value()
        => _loss.Compute(new ReadOnlyTensorSpan<float>(_labels, [Rows, Classes]), new ReadOnlyTensorSpan<float>(_logits, [Rows, Classes]));

    /// <summary>Gradient only.</summary>
    [Benchmark]
    public void Gradient()
        => _loss.Gradient(new ReadOnlyTensorSpan<float>(_labels, [Rows, Classes]), new ReadOnlyTensorSpan<float>(_logits, [Rows, Classes]), _gradient);
}
