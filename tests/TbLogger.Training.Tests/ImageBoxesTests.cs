using TbLogger.Training.Figures;

namespace TbLogger.Training.Tests;

[TestClass]
public sealed class ImageBoxesTests
{
    private static (byte R, byte G, byte B) At(byte[] rgb, int width, int x, int y) =>
        (rgb[(y * width + x) * 3], rgb[(y * width + x) * 3 + 1], rgb[(y * width + x) * 3 + 2]);

    [TestMethod]
    public void OutlinesCoverExactlyTheCornerRowsAndColumns()
    {
        const int h = 40, w = 60;
        var gray = Enumerable.Repeat((byte)100, h * w).ToArray();
        byte[] rgb = ImageBoxes.Draw(gray, ImageShape.Hw(h, w), [10, 20, 30, 35], labels: null);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                bool onOutline = ((x == 10 || x == 30) && y >= 20 && y <= 35) || ((y == 20 || y == 35) && x >= 10 && x <= 30);
                Assert.AreEqual(onOutline ? ((byte)255, (byte)0, (byte)0) : ((byte)100, (byte)100, (byte)100), At(rgb, w, x, y), $"pixel ({x}, {y})");
            }
        }
    }

    [TestMethod]
    public void LabelsSitOnARedBandAboveTheBoxOrInsideItsTop()
    {
        const int h = 64, w = 96;
        var white = Enumerable.Repeat((byte)255, 3 * h * w).ToArray();
        byte[] rgb = ImageBoxes.Draw(white, ImageShape.Chw(3, h, w), [20, 30, 80, 60, 2, 1, 40, 20], ["cat", "dog"]);
        // Box 0 has room above: its band ends just above row 30, with dark text pixels in it.
        int dark0 = 0, dark1 = 0;
        for (int y = 10; y < 30; y++)
            for (int x = 20; x < 50; x++)
                if (At(rgb, w, x, y) is var p && p.R < 100 && p.G < 100) dark0++;
        Assert.IsGreaterThan(5, dark0, "the label 'cat' is drawn above box 0");
        Assert.AreEqual(((byte)255, (byte)0, (byte)0), At(rgb, w, 21, 28), "band pixel just above box 0");
        // Box 1 starts at row 1: its label goes inside, below the top edge.
        for (int y = 1; y < 20; y++)
            for (int x = 2; x < 40; x++)
                if (At(rgb, w, x, y) is var p && p.R < 100 && p.G < 100) dark1++;
        Assert.IsGreaterThan(5, dark1, "the label 'dog' is drawn inside box 1");
        Assert.AreEqual(((byte)255, (byte)255, (byte)255), At(rgb, w, 90, 62), "far from any box: untouched");
    }

    [TestMethod]
    public void WriterLogsTheDrawnImageAndRejectsBadBoxes()
    {
        using var dir = new TempDir();
        var pixels = new byte[8 * 8 * 3];
        using (var writer = new SummaryWriter(dir.Path))
        {
            Assert.IsTrue(writer.AddImageWithBoxes("det", pixels, ImageShape.Hwc(8, 8, 3), [1, 1, 6, 6], ["x"], step: 2));
            Assert.AreEqual("boxes has 3 values; it holds 4 per box (x1, y1, x2, y2). (Parameter 'boxes')",
                Assert.ThrowsExactly<ArgumentException>(() => writer.AddImageWithBoxes("det", pixels, ImageShape.Hwc(8, 8, 3), [1, 2, 3], null, 3)).Message);
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddImageWithBoxes("det", pixels, ImageShape.Hwc(8, 8, 3), [5, 1, 2, 6], null, 3));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddImageWithBoxes("det", pixels, ImageShape.Hwc(8, 8, 3), [1, float.NaN, 2, 6], null, 3));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddImageWithBoxes("det", pixels, ImageShape.Hwc(8, 8, 3), [1, 1, 2, 6], ["a", "b"], 3));
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddImageWithBoxes("det", pixels, ImageShape.Hwc(8, 7, 3), [1, 1, 2, 6], null, 3));
        }
        var image = EventLog.ReadAll(dir.Path).Single(v => v.Tag == "det");
        Assert.AreEqual(2, image.Step);
        var expected = ImageBoxes.Draw(pixels, ImageShape.Hwc(8, 8, 3), [1, 1, 6, 6], ["x"]);
        CollectionAssert.AreEqual(PngEncoder.Encode(expected, 8, 8, 3), Png.Of(image));
    }
}
