using System.IO.Compression;
using TbLogger.Benchmarks.Quick;

namespace TbLogger.Benchmarks.Images;

/// <summary>
/// The images goal: PNG encoding of a 3×512×512 image costs at most 1.5× zlib-compressing the same raw bytes at the
/// same level (so row filtering and CRCs add at most half of deflate's time).
/// </summary>
public sealed class ImagesQuickBenchmark : IQuickBenchmark
{
    /// <inheritdoc />
    public string Name => "images";

    /// <inheritdoc />
    public void Run(QuickReport report)
    {
        byte[] hwc = BenchmarkImage.Hwc();
        byte[] chw = BenchmarkImage.Chw(hwc);
        const int size = BenchmarkImage.Size;
        foreach (var level in new[] { CompressionLevel.Optimal, CompressionLevel.Fastest })
        {
            var sink = new MemoryStream();
            long zlibBytes = 0;
            double zlib = QuickReport.MedianNanoseconds(() =>
            {
                sink.SetLength(0);
                using (var stream = new ZLibStream(sink, level, leaveOpen: true))
                {
                    stream.Write(hwc);
                }
                zlibBytes = sink.Length;
            }, runs: 15);
            int pngBytes = 0;
            double png = QuickReport.MedianNanoseconds(() => pngBytes = PngEncoder.Encode(hwc, size, size, 3, level).Length, runs: 15);
            var options = new ImageOptions { Compression = level };
            double summary = QuickReport.MedianNanoseconds(
                () => TbLogger.Summaries.Image("bench", chw, ImageShape.Chw(3, size, size), options), runs: 15);

            report.Add($"{level}: ms (PNG encode / zlib only / Summaries.Image from CHW)", $"{png / 1e6:0.00} / {zlib / 1e6:0.00} / {summary / 1e6:0.00}");
            report.Add($"{level}: bytes (PNG / zlib of raw)", $"{pngBytes:N0} / {zlibBytes:N0}");
            report.AddRatio($"{level}: PNG encode time / ZLibStream time, 3x512x512", png, zlib, level == CompressionLevel.Optimal ? "goal <= 1.5" : "report");
        }
    }
}
