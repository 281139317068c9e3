using TbLogger.Benchmarks.Quick;

namespace TbLogger.Benchmarks.Video;

/// <summary>
/// The video goal (issue 14): GIF encoding (a palette per frame, then LZW) of 16 frames of 3×64×64 costs at most 3×
/// our PNG encoding of the same 16 frames for a noisy, camera-like clip. The ratio is also reported for a smooth clip
/// (gradients and a moving disc). Both clips have thousands of colours per frame, so Wu's quantiser runs on every
/// frame, and at this small size its fixed cost (a 33³ moment table per frame) dominates.
/// </summary>
public sealed class VideoQuickBenchmark : IQuickBenchmark
{
    private const int Frames = 16, Size = 64;

    /// <inheritdoc />
    public string Name => "video";

    /// <inheritdoc />
    public void Run(QuickReport report)
    {
        // Both encoders run until tiered JIT has optimised them, so neither is timed in unoptimised code.
        byte[] warm = Clip(12);
        for (int i = 0; i < 40; i++)
        {
            GifEncoder.Encode(warm, Frames, Size, Size, 3);
            PngEncoder.Encode(warm.AsSpan(0, Size * Size * 3), Size, Size, 3);
        }
        Thread.Sleep(300);
        foreach (int noise in new[] { 0, 12 })
        {
            byte[] clip = Clip(noise);
            int frameBytes = Size * Size * 3;
            int gifBytes = 0, pngBytes = 0;
            double gif = QuickReport.MedianNanoseconds(() => gifBytes = GifEncoder.Encode(clip, Frames, Size, Size, 3, fps: 4).Length, runs: 15);
            double png = QuickReport.MedianNanoseconds(() =>
            {
                pngBytes = 0;
                for (int f = 0; f < Frames; f++)
                {
                    pngBytes += PngEncoder.Encode(clip.AsSpan(f * frameBytes, frameBytes), Size, Size, 3).Length;
                }
            }, runs: 15);
            string kind = noise == 0 ? "smooth" : "noisy";
            report.Add($"{kind}: ms (GIF of 16 frames / 16 PNGs), bytes", $"{gif / 1e6:0.00} / {png / 1e6:0.00}, {gifBytes:N0} / {pngBytes:N0}");
            // The smooth clip is a pure gradient that deflate compresses almost for free (about 400 B a frame), so only
            // the camera-like noisy clip carries the goal; the smooth ratio shows the quantiser's fixed cost.
            report.AddRatio($"{kind}: GIF encode / PNG encode, 16 frames 3x64x64", gif, png, noise == 0 ? "report" : "goal <= 3");
        }
    }

    private static byte[] Clip(int noise)
    {
        var rng = new Random(5);
        var pixels = new byte[Frames * Size * Size * 3];
        for (int t = 0, o = 0; t < Frames; t++)
        {
            double cx = Size / 2 + Size / 3 * Math.Cos(t * 2 * Math.PI / Frames), cy = Size / 2 + Size / 3 * Math.Sin(t * 2 * Math.PI / Frames);
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++, o += 3)
                {
                    bool disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < Size * Size / 36.0;
                    pixels[o] = (byte)(disc ? 250 : x * 255 / (Size - 1));
                    pixels[o + 1] = (byte)(disc ? 40 : y * 255 / (Size - 1));
                    pixels[o + 2] = (byte)Math.Clamp(t * 16 + (noise == 0 ? 0 : rng.Next(-noise, noise + 1)), 0, 255);
                }
            }
        }
        return pixels;
    }
}
