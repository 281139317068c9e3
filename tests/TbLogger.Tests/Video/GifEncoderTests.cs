using TbLogger.Protos;

namespace TbLogger.Tests.Video;

[TestClass]
public sealed class GifEncoderTests
{
    /// <summary>16 frames of 3×64×64 (HWC) with thousands of colours: gradients, a moving disc and noise.</summary>
    internal static byte[] RichClip(int frames = 16, int size = 64, int seed = 5)
    {
        var rng = new Random(seed);
        var pixels = new byte[frames * size * size * 3];
        for (int t = 0, o = 0; t < frames; t++)
        {
            double cx = size / 2 + size / 3 * Math.Cos(t * 2 * Math.PI / frames), cy = size / 2 + size / 3 * Math.Sin(t * 2 * Math.PI / frames);
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++, o += 3)
                {
                    bool disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < size * size / 36.0;
                    pixels[o] = (byte)(disc ? 250 : x * 255 / (size - 1));
                    pixels[o + 1] = (byte)(disc ? 40 : y * 255 / (size - 1));
                    pixels[o + 2] = (byte)Math.Clamp((t * 16) + rng.Next(-12, 13), 0, 255);
                }
            }
        }
        return pixels;
    }

    [TestMethod]
    public void FewColoursRoundTripExactlyWithDelayAndLoop()
    {
        // 3 frames of 5×7 RGB with 4 colours: the palette is exact.
        byte[][] colors = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]];
        var pixels = new byte[3 * 5 * 7 * 3];
        for (int i = 0; i < pixels.Length / 3; i++)
        {
            colors[(i * 7 + i / 35) % 4].CopyTo(pixels, i * 3);
        }
        var gif = GifTestDecoder.Decode(GifEncoder.Encode(pixels, 3, 5, 7, 3, fps: 4));
        Assert.AreEqual((7, 5, (int?)0, 3), (gif.Width, gif.Height, gif.LoopCount, gif.Frames.Count));
        for (int f = 0; f < 3; f++)
        {
            Assert.AreEqual(25, gif.Frames[f].Delay);
            Assert.AreEqual(4 * 3, gif.Frames[f].Palette.Length, "a 4-entry table for 4 colours");
            CollectionAssert.AreEqual(pixels.AsSpan(f * 105, 105).ToArray(), gif.Frames[f].Rgb, $"frame {f}");
        }
    }

    [TestMethod]
    public void GrayFramesKeepEveryLevel()
    {
        var pixels = new byte[2 * 16 * 16];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7 % 256);
        }
        var gif = GifTestDecoder.Decode(GifEncoder.Encode(pixels, 2, 16, 16, 1, fps: 30));
        for (int f = 0; f < 2; f++)
        {
            Assert.AreEqual(3, gif.Frames[f].Delay, "round(100/30)");
            var rgb = gif.Frames[f].Rgb;
            for (int i = 0; i < 256; i++)
            {
                Assert.AreEqual(pixels[f * 256 + i], rgb[i * 3]);
                Assert.AreEqual(rgb[i * 3], rgb[i * 3 + 1]);
                Assert.AreEqual(rgb[i * 3], rgb[i * 3 + 2]);
            }
        }
    }

    [TestMethod]
    public void ManyColoursDecodeToTheQuantisedFramesWithSmallError()
    {
        byte[] clip = RichClip();
        int area = 64 * 64;
        var gif = GifTestDecoder.Decode(GifEncoder.Encode(clip, 16, 64, 64, 3));
        Assert.AreEqual(16, gif.Frames.Count);
        var quantizer = new ColorQuantizer();
        var palette = new byte[768];
        var indices = new byte[area];
        for (int f = 0; f < 16; f++)
        {
            var frame = clip.AsSpan(f * area * 3, area * 3);
            Array.Clear(palette);
            int colors = quantizer.Quantize(frame, palette, indices);
            Assert.AreEqual(256, colors, "the frame has more than 256 colours, so Wu's quantiser fills the palette");
            CollectionAssert.AreEqual(indices, gif.Frames[f].Indices, $"frame {f}: LZW round trip");
            CollectionAssert.AreEqual(palette, gif.Frames[f].Palette, $"frame {f}: palette");
            // Quality: RMS error per channel, against a uniform 3-3-2 palette of the same size.
            double wu = 0, uniform = 0;
            var rgb = gif.Frames[f].Rgb;
            for (int i = 0; i < frame.Length; i++)
            {
                wu += Math.Pow(rgb[i] - frame[i], 2);
                int levels = i % 3 == 2 ? 4 : 8;
                double step = 255.0 / (levels - 1);
                uniform += Math.Pow(Math.Round(Math.Round(frame[i] / step) * step) - frame[i], 2);
            }
            wu = Math.Sqrt(wu / frame.Length);
            uniform = Math.Sqrt(uniform / frame.Length);
            Assert.IsLessThan(6.0, wu, $"frame {f}: RMS error {wu:0.00}");
            Assert.IsLessThan(uniform * 0.6, wu, $"frame {f}: Wu {wu:0.00} vs uniform 3-3-2 {uniform:0.00}");
        }
    }

    [TestMethod]
    public void LongRunsFillTheLzwTableAndClearIt()
    {
        // 256 colours in a pattern long enough to need more than 4096 codes, so the encoder must clear the table.
        var rng = new Random(3);
        int h = 200, w = 200;
        var pixels = new byte[h * w * 3];
        byte[] palette = new byte[768];
        rng.NextBytes(palette);
        for (int i = 0; i < h * w; i++)
        {
            palette.AsSpan(rng.Next(256) * 3, 3).CopyTo(pixels.AsSpan(i * 3));
        }
        byte[] bytes = GifEncoder.Encode(pixels, 1, h, w, 3);
        var gif = GifTestDecoder.Decode(bytes);
        CollectionAssert.AreEqual(pixels, gif.Frames[0].Rgb);
        Assert.IsGreaterThan(h * w, bytes.Length, "random indices do not compress below a byte per pixel");
    }

    [TestMethod]
    public void DelayFollowsTheFrameRate()
    {
        Assert.AreEqual(25, GifEncoder.DelayOf(4));
        Assert.AreEqual(4, GifEncoder.DelayOf(24));
        Assert.AreEqual(1, GifEncoder.DelayOf(1000));
        Assert.AreEqual(65535, GifEncoder.DelayOf(100.0 / 65535));
        foreach (double bad in new[] { 0, -1, double.NaN, double.PositiveInfinity, 0.001 })
        {
            Assert.AreEqual("fps", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => GifEncoder.DelayOf(bad)).ParamName);
        }
    }

    [TestMethod]
    public void BadShapesAreRejected()
    {
        Assert.AreEqual("4 frames of 2x2x3 need 48 values; got 47. (Parameter 'pixels')",
            Assert.ThrowsExactly<ArgumentException>(() => GifEncoder.Encode(new byte[47], 4, 2, 2, 3)).Message);
        Assert.ThrowsExactly<ArgumentException>(() => GifEncoder.Encode(new byte[16], 1, 2, 2, 4));
        Assert.ThrowsExactly<ArgumentException>(() => GifEncoder.Encode([], 0, 2, 2, 3));
        Assert.ThrowsExactly<ArgumentException>(() => GifEncoder.Encode(new byte[65536], 1, 1, 65536, 1));
    }
}
