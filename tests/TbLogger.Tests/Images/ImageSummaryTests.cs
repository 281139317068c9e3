using System.IO.Compression;
using System.Numerics.Tensors;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.Image;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Images;

[TestClass]
public sealed class ImageSummaryTests
{
    private static byte[] RgbInput(int blue)
    {
        // CHW 3x8x12: R = 20x, G = 30y, B constant (README: image/rgb).
        var pixels = new byte[3 * 8 * 12];
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 12; x++)
            {
                pixels[0 * 96 + y * 12 + x] = (byte)(20 * x);
                pixels[1 * 96 + y * 12 + x] = (byte)(30 * y);
                pixels[2 * 96 + y * 12 + x] = (byte)blue;
            }
        }
        return pixels;
    }

    private static float[] GrayInput()
    {
        var pixels = new float[6 * 10];
        for (int k = 0; k < pixels.Length; k++)
        {
            pixels[k] = k / 59f;
        }
        return pixels;
    }

    private static float[] BatchInput()
    {
        // NCHW 4x3x5x7: image n has channel n mod 3 = 1.0 and row n (all channels) = 0.5.
        var pixels = new float[4 * 3 * 5 * 7];
        for (int n = 0; n < 4; n++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < 5; y++)
                {
                    for (int x = 0; x < 7; x++)
                    {
                        pixels[((n * 3 + c) * 5 + y) * 7 + x] = y == n ? 0.5f : c == n % 3 ? 1f : 0f;
                    }
                }
            }
        }
        return pixels;
    }

    private static PngTestDecoder.Decoded Decode(Summary.Types.Value value) => PngTestDecoder.Decode(value.Image.EncodedImageString.Span);

    private static void AssertImageMetadata(SummaryMetadata metadata)
    {
        Assert.AreEqual("images", metadata.PluginData.PluginName);
        Assert.AreEqual(DataClass.BlobSequence, metadata.DataClass);
        var content = ImagePluginData.Parser.ParseFrom(metadata.PluginData.Content);
        Assert.AreEqual(0, content.Version);
        Assert.IsTrue(content.ConvertedToTensor);
    }

    [TestMethod]
    public void RgbMatchesTheGoldenImagePixelForPixel()
    {
        var golden = GoldenMedia.Tag("image/rgb");
        Assert.HasCount(2, golden);
        for (int step = 0; step < 2; step++)
        {
            var ours = TbLogger.Summaries.Image("image/rgb", RgbInput(step == 0 ? 128 : 255), ImageShape.Chw(3, 8, 12)).Value.Single();
            var theirs = golden[step].Value;
            Assert.AreEqual("image/rgb", ours.Tag);
            Assert.AreEqual((theirs.Image.Height, theirs.Image.Width, theirs.Image.Colorspace), (ours.Image.Height, ours.Image.Width, ours.Image.Colorspace));
            Assert.AreEqual((8, 12, 3), (ours.Image.Height, ours.Image.Width, ours.Image.Colorspace));
            CollectionAssert.AreEqual(Decode(theirs).Pixels, Decode(ours).Pixels);
            AssertImageMetadata(ours.Metadata);
        }
    }

    [TestMethod]
    public void GrayMatchesTheGoldenImageAsGrayAndAsRgb()
    {
        var theirs = GoldenMedia.Tag("image/gray").Single().Value;
        var goldenPixels = Decode(theirs).Pixels;

        var gray = TbLogger.Summaries.Image("image/gray", GrayInput(), ImageShape.Hw(6, 10)).Value.Single();
        Assert.AreEqual((6, 10, 1), (gray.Image.Height, gray.Image.Width, gray.Image.Colorspace));
        var decoded = Decode(gray);
        Assert.AreEqual(1, decoded.Channels);
        CollectionAssert.AreEqual(goldenPixels.Where((_, i) => i % 3 == 0).ToArray(), decoded.Pixels);
        for (int k = 0; k < 60; k++)
        {
            Assert.AreEqual((byte)(int)(255 * (k / 59f)), decoded.Pixels[k]);
        }

        var rgb = TbLogger.Summaries.Image("image/gray", GrayInput(), ImageShape.Hw(6, 10), new ImageOptions { GrayAsRgb = true }).Value.Single();
        Assert.AreEqual((theirs.Image.Height, theirs.Image.Width, theirs.Image.Colorspace), (rgb.Image.Height, rgb.Image.Width, rgb.Image.Colorspace));
        CollectionAssert.AreEqual(goldenPixels, Decode(rgb).Pixels);
    }

    [TestMethod]
    public void BatchGridMatchesTheGoldenMakeGrid()
    {
        var theirs = GoldenMedia.Tag("images/batch").Single().Value;
        Assert.AreEqual((5, 28, 3), (theirs.Image.Height, theirs.Image.Width, theirs.Image.Colorspace));
        var ours = TbLogger.Summaries.Images("images/batch", BatchInput(), ImageBatchShape.Nchw(4, 3, 5, 7)).Value.Single();
        Assert.AreEqual((5, 28, 3), (ours.Image.Height, ours.Image.Width, ours.Image.Colorspace));
        CollectionAssert.AreEqual(Decode(theirs).Pixels, Decode(ours).Pixels);
    }

    [TestMethod]
    public void TensorOverloadsMatchSpanOverloads()
    {
        byte[] rgb = RgbInput(128);
        var fromSpan = TbLogger.Summaries.Image("t", rgb, ImageShape.Chw(3, 8, 12));
        var fromTensor = TbLogger.Summaries.Image("t", Tensor.Create(rgb, [3, 8, 12]), ImageLayout.CHW);
        Assert.AreEqual(fromSpan, fromTensor);

        // A strided HWC view of the same CHW memory must give the same pixels.
        var hwcView = new ReadOnlyTensorSpan<byte>(rgb, [8, 12, 3], [12, 1, 96]);
        var fromView = TbLogger.Summaries.Image("t", hwcView, ImageLayout.HWC).Value.Single();
        CollectionAssert.AreEqual(Decode(fromSpan.Value[0]).Pixels, Decode(fromView).Pixels);

        float[] batch = BatchInput();
        Assert.AreEqual(
            TbLogger.Summaries.Images("b", batch, ImageBatchShape.Nchw(4, 3, 5, 7)),
            TbLogger.Summaries.Images("b", Tensor.Create(batch, [4, 3, 5, 7]), ImageBatchLayout.NCHW));
        float[] gray = GrayInput();
        Assert.AreEqual(
            TbLogger.Summaries.Image("g", gray, ImageShape.Hw(6, 10)),
            TbLogger.Summaries.Image("g", Tensor.Create(gray, [6, 10]), ImageLayout.HW));
    }

    [TestMethod]
    public void LayoutsGiveTheSameImage()
    {
        // One RGBA image in HWC and in CHW order; one batch in NHWC and NCHW order.
        var random = new Random(7);
        byte[] hwc = new byte[5 * 6 * 4];
        random.NextBytes(hwc);
        byte[] chw = new byte[hwc.Length];
        for (int y = 0; y < 5; y++)
        {
            for (int x = 0; x < 6; x++)
            {
                for (int c = 0; c < 4; c++)
                {
                    chw[(c * 5 + y) * 6 + x] = hwc[(y * 6 + x) * 4 + c];
                }
            }
        }
        var a = TbLogger.Summaries.Image("x", hwc, ImageShape.Hwc(5, 6, 4)).Value[0];
        var b = TbLogger.Summaries.Image("x", chw, ImageShape.Chw(4, 5, 6)).Value[0];
        Assert.AreEqual(4, a.Image.Colorspace);
        CollectionAssert.AreEqual(hwc, Decode(a).Pixels);
        Assert.AreEqual(a, b);

        var nhwc = TbLogger.Summaries.Images("x", [.. hwc, .. hwc], ImageBatchShape.Nhwc(2, 5, 6, 4)).Value[0];
        var nchw = TbLogger.Summaries.Images("x", [.. chw, .. chw], ImageBatchShape.Nchw(2, 4, 5, 6)).Value[0];
        Assert.AreEqual(nhwc, nchw);
        Assert.AreEqual((5, 12), (nhwc.Image.Height, nhwc.Image.Width));
    }

    [TestMethod]
    public void GridHonoursColumnsPaddingAndPadValue()
    {
        // Five 2x2 gray images valued 10, 20, ..., 50 in 2 columns with padding 1 and pad value 255.
        byte[] pixels = Enumerable.Range(0, 5).SelectMany(n => Enumerable.Repeat((byte)(10 * (n + 1)), 4)).ToArray();
        var options = new ImageOptions { Columns = 2, Padding = 1, PadValue = 255 };
        var value = TbLogger.Summaries.Images("grid", pixels, ImageBatchShape.Nchw(5, 1, 2, 2), options).Value[0];
        Assert.AreEqual((10, 7, 1), (value.Image.Height, value.Image.Width, value.Image.Colorspace));
        var decoded = Decode(value).Pixels;
        for (int y = 0; y < 10; y++)
        {
            for (int x = 0; x < 7; x++)
            {
                int cellY = (y - 1) / 3, cellX = (x - 1) / 3;
                bool inCell = y % 3 != 0 && x % 3 != 0;
                int n = cellY * 2 + cellX;
                byte expected = inCell && n < 5 ? (byte)(10 * (n + 1)) : (byte)255;
                Assert.AreEqual(expected, decoded[y * 7 + x], $"pixel ({y}, {x})");
            }
        }

        // A batch of one is not padded, as in torchvision.
        var single = TbLogger.Summaries.Images("one", pixels.AsSpan(0, 4), ImageBatchShape.Nchw(1, 1, 2, 2), options).Value[0];
        Assert.AreEqual((2, 2), (single.Image.Height, single.Image.Width));
    }

    [TestMethod]
    public void FloatsAreClampedAndTruncatedLikePyTorch()
    {
        float[] values = [-1f, 0f, 0.5f, 0.999f, 1f, 7f, float.NegativeInfinity, float.PositiveInfinity];
        var value = TbLogger.Summaries.Image("c", values, ImageShape.Hw(1, values.Length)).Value[0];
        CollectionAssert.AreEqual(new byte[] { 0, 0, 127, 254, 255, 255, 0, 255 }, Decode(value).Pixels);
    }

    [TestMethod]
    public void EncodedImagesAreStoredAsGivenWithHeaderDimensions()
    {
        byte[] png = PngEncoder.Encode(new byte[3 * 4 * 4], 3, 4, 4);
        var value = TbLogger.Summaries.ImageEncoded("enc", png).Value[0];
        Assert.AreEqual((3, 4, 4), (value.Image.Height, value.Image.Width, value.Image.Colorspace));
        CollectionAssert.AreEqual(png, value.Image.EncodedImageString.ToByteArray());
        AssertImageMetadata(value.Metadata);

        // A JPEG header: SOI, an APP0 segment, then SOF0 with height 480, width 640 and 3 components.
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xD9];
        var jpegValue = TbLogger.Summaries.ImageEncoded("jpg", jpeg).Value[0];
        Assert.AreEqual((480, 640, 3), (jpegValue.Image.Height, jpegValue.Image.Width, jpegValue.Image.Colorspace));

        var error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.ImageEncoded("bad", "GIF89a.."u8));
        StringAssert.Contains(error.Message, "PNG or JPEG");
    }

    [TestMethod]
    public void BadShapesNameTheExpectedAndActualShape()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("x", new byte[95], ImageShape.Chw(3, 8, 4)));
        StringAssert.Contains(error.Message, "CHW [3, 8, 4]");
        StringAssert.Contains(error.Message, "96");
        StringAssert.Contains(error.Message, "95");
        Assert.AreEqual("pixels", error.ParamName);

        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("x", new byte[16], ImageShape.Chw(2, 2, 4)));
        StringAssert.Contains(error.Message, "got 2 in shape CHW [2, 2, 4]");
        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("x", Array.Empty<byte>(), ImageShape.Hw(0, 4)));
        StringAssert.Contains(error.Message, "HW [0, 4]");
        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("x", new byte[12], new ImageShape(ImageLayout.HW, 2, 2, 3)));
        StringAssert.Contains(error.Message, "HW has one channel");
        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Images("x", new float[10], ImageBatchShape.Nhwc(0, 1, 1, 1)));
        StringAssert.Contains(error.Message, "NHWC [0, 1, 1, 1]");
        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Images("x", new float[4 * 3 * 5 * 7 - 1], ImageBatchShape.Nchw(4, 3, 5, 7)));
        StringAssert.Contains(error.Message, "NCHW [4, 3, 5, 7] needs 420 values; got 419");
        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("x", new float[] { 0, float.NaN }, ImageShape.Hw(1, 2)));
        StringAssert.Contains(error.Message, "NaN");
        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("x", Tensor.Create(new float[24], [2, 3, 4]), ImageLayout.HW));
        StringAssert.Contains(error.Message, "rank-2 tensor [H, W]; got shape [2, 3, 4]");
        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Images("x", Tensor.Create(new byte[24], [2, 3, 4]), ImageBatchLayout.NHWC));
        StringAssert.Contains(error.Message, "[N, H, W, C]; got shape [2, 3, 4]");
        error = Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("x", new byte[4], ImageShape.Hw(2, 2), new ImageOptions { Columns = 0 }));
        Assert.AreEqual("options", error.ParamName);
        Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("x", new byte[4], ImageShape.Hw(2, 2), new ImageOptions { Padding = -1 }));
        Assert.ThrowsExactly<ArgumentException>(() => PngEncoder.Encode(new byte[5], 2, 2, 1));
        Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image(" ", new byte[4], ImageShape.Hw(2, 2)));
    }

    [TestMethod]
    public void WriterLogsImagesAndStaysUsableAfterBadInput()
    {
        using var dir = new TempDirectory();
        var t0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        string path;
        using (var writer = new SummaryWriter(dir.Path))
        {
            path = writer.FilePath;
            byte[] rgb = RgbInput(128);
            Assert.IsTrue(writer.AddImage("image/rgb", rgb, ImageShape.Chw(3, 8, 12), step: 0, t0));
            Array.Clear(rgb); // the writer copied the pixels before returning
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddImage("bad", new byte[3], ImageShape.Hw(2, 2), 1));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddImages("bad", new float[] { float.NaN }, ImageBatchShape.Nchw(1, 1, 1, 1), 1));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddImageEncoded("bad", new byte[10], 1));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddImage("bad", Tensor.Create(new float[6], [6]), ImageLayout.CHW, 1));
            Assert.IsTrue(writer.AddImage("image/gray", GrayInput(), ImageShape.Hw(6, 10), step: 0, t0, new ImageOptions { GrayAsRgb = true }));
            Assert.IsTrue(writer.AddImages("images/batch", BatchInput(), ImageBatchShape.Nchw(4, 3, 5, 7), step: 0, t0));
            Assert.IsTrue(writer.AddImages("images/tensor", Tensor.Create(BatchInput(), [4, 3, 5, 7]), ImageBatchLayout.NCHW, step: 2, t0));
            Assert.IsTrue(writer.AddImage("image/tensor", Tensor.Create(RgbInput(255), [3, 8, 12]), ImageLayout.CHW, step: 1, t0.AddSeconds(1)));
            Assert.IsTrue(writer.AddImageEncoded("image/encoded", PngEncoder.Encode([1, 2, 3, 4], 2, 2, 1), step: 3, t0));
            writer.AddScalar("still/works", 1, step: 0, t0);
        }

        var values = EventFileReader.Read(path).Where(e => e.Summary is not null)
            .SelectMany(e => e.Summary.Value.Select(v => (e.Step, e.WallTime, v))).ToList();
        Assert.AreEqual("image/rgb,image/gray,images/batch,images/tensor,image/tensor,image/encoded,still/works", string.Join(',', values.Select(v => v.v.Tag)));
        Assert.AreEqual((0L, 1_700_000_000.0), (values[0].Step, values[0].WallTime));
        CollectionAssert.AreEqual(Decode(GoldenMedia.Tag("image/rgb")[0].Value).Pixels, Decode(values[0].v).Pixels);
        CollectionAssert.AreEqual(Decode(GoldenMedia.Tag("image/gray")[0].Value).Pixels, Decode(values[1].v).Pixels);
        CollectionAssert.AreEqual(Decode(GoldenMedia.Tag("images/batch")[0].Value).Pixels, Decode(values[2].v).Pixels);
        CollectionAssert.AreEqual(Decode(GoldenMedia.Tag("images/batch")[0].Value).Pixels, Decode(values[3].v).Pixels);
        CollectionAssert.AreEqual(Decode(GoldenMedia.Tag("image/rgb")[1].Value).Pixels, Decode(values[4].v).Pixels);
        Assert.AreEqual((1L, 1_700_000_001.0), (values[4].Step, values[4].WallTime));
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3, 4 }, Decode(values[5].v).Pixels);
        foreach (var (_, _, v) in values.Take(6))
        {
            AssertImageMetadata(v.Metadata);
        }
    }

    [TestMethod]
    public void WriterRejectsUseAfterDispose()
    {
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path);
        writer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddImage("x", new byte[4], ImageShape.Hw(2, 2), 0));
    }

    [TestMethod]
    public void CompressionLevelIsHonoured()
    {
        byte[] pixels = new byte[64 * 64 * 3];
        new Random(3).NextBytes(pixels.AsSpan(0, pixels.Length / 2));
        var stored = TbLogger.Summaries.Image("s", pixels, ImageShape.Hwc(64, 64, 3), new ImageOptions { Compression = CompressionLevel.NoCompression }).Value[0];
        var small = TbLogger.Summaries.Image("s", pixels, ImageShape.Hwc(64, 64, 3), new ImageOptions { Compression = CompressionLevel.SmallestSize }).Value[0];
        Assert.IsGreaterThan(small.Image.EncodedImageString.Length, stored.Image.EncodedImageString.Length);
        CollectionAssert.AreEqual(Decode(stored).Pixels, Decode(small).Pixels);
    }
}
