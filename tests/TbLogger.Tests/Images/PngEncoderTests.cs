using System.IO.Compression;

namespace TbLogger.Tests.Images;

[TestClass]
public sealed class PngEncoderTests
{
    [TestMethod]
    [DataRow(1, 1, 1)]
    [DataRow(1, 17, 3)]
    [DataRow(3, 5, 4)]
    [DataRow(7, 16, 1)]
    [DataRow(9, 33, 3)]
    [DataRow(31, 64, 4)]
    [DataRow(64, 100, 3)]
    public void RandomAndSmoothImagesDecodePixelExactly(int height, int width, int channels)
    {
        var random = new Random(height * 1000 + width * 10 + channels);
        byte[] noise = new byte[height * width * channels];
        random.NextBytes(noise);
        byte[] smooth = new byte[noise.Length];
        for (int i = 0; i < smooth.Length; i++)
        {
            int pixel = i / channels, y = pixel / width, x = pixel % width;
            smooth[i] = (byte)(3 * x + 5 * y + 40 * (i % channels) + random.Next(3));
        }
        foreach (byte[] pixels in new[] { noise, smooth })
        {
            byte[] png = PngEncoder.Encode(pixels, height, width, channels);
            var decoded = PngTestDecoder.Decode(png);
            Assert.AreEqual((width, height, channels), (decoded.Width, decoded.Height, decoded.Channels));
            CollectionAssert.AreEqual(pixels, decoded.Pixels);
            CollectionAssert.AreEqual(new[] { "IHDR", "IDAT", "IEND" }, decoded.Chunks);
        }
    }

    [TestMethod]
    public void EveryFilterTypeRoundTrips()
    {
        // Rows built so that each filter wins somewhere: constant rows (Up), horizontal ramps (Sub),
        // diagonal gradients (Paeth / Average) and noise (None).
        const int width = 40, height = 60, channels = 3;
        var random = new Random(11);
        byte[] pixels = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    pixels[(y * width + x) * channels + c] = (y / 12) switch
                    {
                        0 => (byte)(7 * x + c),
                        1 => (byte)(100 + c),
                        2 => (byte)(x * y + 3 * c),
                        3 => (byte)((x + y) / 2 * 9),
                        _ => (byte)random.Next(256),
                    };
                }
            }
        }
        var decoded = PngTestDecoder.Decode(PngEncoder.Encode(pixels, height, width, channels));
        CollectionAssert.AreEqual(pixels, decoded.Pixels);
        CollectionAssert.IsSubsetOf(new byte[] { 0, 1, 2 }, decoded.FilterTypes.Distinct().ToArray());
        Assert.IsTrue(decoded.FilterTypes.Any(f => f is 3 or 4), "Average or Paeth chosen somewhere");
    }

    [TestMethod]
    public void VectorFiltersMatchTheSpecification()
    {
        var random = new Random(5);
        foreach (int bpp in new[] { 1, 3, 4 })
        {
            foreach (int length in new[] { 1, 3, 15, 16, 17, 48, 100, 1000, 5000 })
            {
                byte[] row = new byte[length], prior = new byte[length];
                random.NextBytes(row);
                random.NextBytes(prior);
                var sub = new byte[length];
                var up = new byte[length];
                var average = new byte[length];
                var paeth = new byte[length];
                long subScore = PngFilter.FilterSub(row, bpp, sub);
                long upScore = PngFilter.FilterUp(row, prior, up);
                long averageScore = PngFilter.FilterAverage(row, prior, bpp, average);
                long paethScore = PngFilter.FilterPaeth(row, prior, bpp, paeth);
                for (int i = 0; i < length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = prior[i], c = i >= bpp ? prior[i - bpp] : 0;
                    Assert.AreEqual((byte)(row[i] - a), sub[i]);
                    Assert.AreEqual((byte)(row[i] - b), up[i]);
                    Assert.AreEqual((byte)(row[i] - (a + b) / 2), average[i]);
                    Assert.AreEqual((byte)(row[i] - PngFilter.PaethPredictor((byte)a, (byte)b, (byte)c)), paeth[i]);
                }
                Assert.AreEqual(Score(sub), subScore);
                Assert.AreEqual(Score(up), upScore);
                Assert.AreEqual(Score(average), averageScore);
                Assert.AreEqual(Score(paeth), paethScore);
                Assert.AreEqual(Score(row), PngFilter.Score(row));
            }
        }
    }

    private static long Score(byte[] data) => data.Sum(b => (long)Math.Abs((int)(sbyte)b));

    [TestMethod]
    public void LargeImageRoundTripsAtEveryLevel()
    {
        const int size = 512;
        byte[] pixels = new byte[size * size * 3];
        for (int i = 0; i < pixels.Length; i++)
        {
            int pixel = i / 3;
            pixels[i] = (byte)((pixel % size) ^ (pixel / size) + i % 3 * 50);
        }
        foreach (var level in new[] { CompressionLevel.Fastest, CompressionLevel.Optimal, CompressionLevel.NoCompression })
        {
            CollectionAssert.AreEqual(pixels, PngTestDecoder.Decode(PngEncoder.Encode(pixels, size, size, 3, level)).Pixels);
        }
    }
}
