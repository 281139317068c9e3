using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace TbLogger.Benchmarks.Histograms;

/// <summary>Histogram and PR curve summaries of 1,000,000 values against TensorPrimitives.Sum over the same span.</summary>
[MemoryDiagnoser]
public class HistogramBenchmarks
{
    private const int Count = 1_000_000;
    private float[] _values = [];
    private float[] _predictions = [];
    private bool[] _labels = [];

    /// <summary>Normally distributed values, uniform predictions, random labels.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_values, _predictions, _labels) = HistogramData.Create(Count);
    }

    /// <summary>The floor: one vectorised pass.</summary>
    [Benchmark(Baseline = true)]
    public float Sum() => TensorPrimitives.Sum(_values);

    /// <summary>Default (exponential) buckets.</summary>
    [Benchmark]
    public object HistogramExponential() => Summaries.Histogram("h", _values);

    /// <summary>100 equal-width buckets.</summary>
    [Benchmark]
    public object HistogramUniform100() => Summaries.Histogram("h", _values, HistogramBins.Uniform(100));

    /// <summary>127 thresholds.</summary>
    [Benchmark]
    public object PrCurve127() => Summaries.PrCurve("p", _labels, _predictions, 127);
}
