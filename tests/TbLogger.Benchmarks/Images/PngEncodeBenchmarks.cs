using System.IO.Compression;
using BenchmarkDotNet.Attributes;

namespace TbLogger.Benchmarks.Images;

/// <summary>PNG encoding of a 3×512×512 image against plain zlib compression of the same raw bytes at the same level.</summary>
[MemoryDiagnoser]
public class PngEncodeBenchmarks
{
    private byte[] _hwc = [];
    private byte[] _chw = [];
    private readonly MemoryStream _sink = new();

    /// <summary>The zlib level for both sides.</summary>
    [Params(CompressionLevel.Optimal, CompressionLevel.Fastest)]
    public CompressionLevel Level { get; set; }

    /// <summary>Builds the image once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _hwc = BenchmarkImage.Hwc();
        _chw = BenchmarkImage.Chw(_hwc);
    }

    /// <summary>The floor: deflate the raw pixels, nothing else.</summary>
    [Benchmark(Baseline = true)]
    public long ZLibOnly()
    {
        _sink.SetLength(0);
        using (var zlib = new ZLibStream(_sink, Level, leaveOpen: true))
        {
            zlib.Write(_hwc);
        }
        return _sink.Length;
    }

    /// <summary>Our PNG: row filters, zlib, CRCs.</summary>
    [Benchmark]
    public int PngEncode() => PngEncoder.Encode(_hwc, BenchmarkImage.Size, BenchmarkImage.Size, 3, Level).Length;

    /// <summary>The whole image summary from a CHW tensor-like buffer (copy, transpose, PNG, proto).</summary>
    [Benchmark]
    public int ImageSummaryFromChw() =>
        TbLogger.Summaries.Image("bench", _chw, ImageShape.Chw(3, BenchmarkImage.Size, BenchmarkImage.Size), new ImageOptions { Compression = Level }).CalculateSize();
}
