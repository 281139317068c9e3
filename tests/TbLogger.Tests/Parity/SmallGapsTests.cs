using System.Numerics.Tensors;
using TbLogger.Tests.Images;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Parity;

[TestClass]
public sealed class SmallGapsTests
{
    [TestMethod]
    public void DefaultRunDirectoryIsNamedLikePyTorch()
    {
        // PyTorch: os.path.join("runs", datetime.now().strftime("%b%d_%H-%M-%S") + "_" + socket.gethostname() + comment)
        var when = new DateTime(2026, 12, 3, 9, 5, 7);
        Assert.AreEqual(Path.Combine("runs", "Dec03_09-05-07_gpu1_lr0.01"), SummaryWriter.DefaultRunDirectory("_lr0.01", when, "gpu1"));
        Assert.AreEqual(Path.Combine("runs", "Jan31_23-59-59_h"), SummaryWriter.DefaultRunDirectory("", new DateTime(2027, 1, 31, 23, 59, 59), "h"));
        StringAssert.EndsWith(SummaryWriter.DefaultRunDirectory("_x"), "_" + System.Net.Dns.GetHostName() + "_x");
        foreach (string bad in new[] { "/../x", "a\\b", "a:b", "a\0b" })
        {
            Assert.AreEqual("comment", Assert.ThrowsExactly<ArgumentException>(() => SummaryWriter.DefaultRunDirectory(bad, when, "h")).ParamName, bad);
        }
        Assert.AreEqual("host", Assert.ThrowsExactly<ArgumentException>(() => SummaryWriter.DefaultRunDirectory("", when, "../h")).ParamName);
    }

    [TestMethod]
    [DoNotParallelize]   // changes the process's working directory
    public void WriterWithoutADirectoryUsesTheRunsFolderAndTheComment()
    {
        using var dir = new TempDirectory();
        string previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir.Path;
        try
        {
            string log;
            using (var writer = new SummaryWriter(new SummaryWriterOptions { Comment = "_trial7" }))
            {
                log = writer.LogDirectory;
                writer.AddScalar("x", 1, 0);
            }
            StringAssert.StartsWith(log, "runs" + Path.DirectorySeparatorChar);
            StringAssert.EndsWith(log, "_" + System.Net.Dns.GetHostName() + "_trial7");
            Assert.AreEqual(1, Directory.GetFiles(Path.Combine(dir.Path, log), "events.out.tfevents.*").Length);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [TestMethod]
    public void PrCurveWeightsInDoubleKeepTheirPrecision()
    {
        bool[] labels = [true, false, true, false];
        double[] predictions = [0.9, 0.8, 0.3, 0.1];
        // 1 + 1e-9 is 1 in float: the float64 overload keeps the difference (TP at threshold 0 = 2 + 2e-9 in double,
        // stored as float like TensorBoard's tensor, so compare the row that float can resolve: precision).
        double[] weights = [3.0, 1e-9, 1.0, 5.0];
        var ours = TbLogger.Summaries.PrCurve("pr", labels, predictions, weights, numThresholds: 3).Value[0].Tensor.FloatVal.ToArray();
        // Thresholds 0, 0.5, 1: at 0.5 the positives are 0.9 (TP 3) and 0.8 (FP 1e-9): precision 3 / (3 + 1e-9).
        Assert.AreEqual((float)(3 / (3 + 1e-9)), ours[4 * 3 + 1]);
        Assert.AreEqual(4f, ours[0], "TP at threshold 0");
        Assert.AreEqual((float)(1e-9 + 5), ours[3], "FP at threshold 0");
        Assert.AreEqual(0.75f, ours[5 * 3 + 1], "recall at 0.5: 3 of 4");
        // Same numbers as the float-weight overload when the weights are floats.
        var asFloat = TbLogger.Summaries.PrCurve("pr", labels, predictions, 3, weights.Select(w => (float)w).ToArray()).Value[0].Tensor.FloatVal.ToArray();
        CollectionAssert.AreEqual(asFloat, ours);
        var numeric = TbLogger.Summaries.PrCurve("pr", [1.0, 0, 1, 0], predictions, weights, 3).Value[0].Tensor.FloatVal.ToArray();
        CollectionAssert.AreEqual(ours, numeric);
        Assert.AreEqual("weights[1] is -1; weights must be finite and not negative. (Parameter 'weights')",
            Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.PrCurve("pr", labels, predictions, [1.0, -1, 1, 1], 3)).Message);
        Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.PrCurve("pr", labels, predictions, [1.0, double.NaN, 1, 1], 3));
        Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.PrCurve("pr", labels, predictions, [1.0], 3));
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        Assert.IsTrue(writer.AddPrCurve("pr", labels, predictions, weights, step: 1, numThresholds: 3));
    }

    [TestMethod]
    public void WhLayoutIsTransposedToRows()
    {
        // A 3-wide, 2-high image given column by column: columns [1, 2], [3, 4], [5, 6].
        byte[] columns = [1, 2, 3, 4, 5, 6];
        var png = TbLogger.Summaries.Image("wh", columns, ImageShape.Wh(3, 2)).Value[0].Image;
        Assert.AreEqual((2, 3, 1), (png.Height, png.Width, png.Colorspace));
        var rows = TbLogger.Summaries.Image("hw", [1, 3, 5, 2, 4, 6], ImageShape.Hw(2, 3)).Value[0].Image;
        Assert.AreEqual(rows.EncodedImageString, png.EncodedImageString);
        var fromFloats = TbLogger.Summaries.Image("wh", columns.Select(b => (b + 0.5f) / 255f).ToArray(), ImageShape.Wh(3, 2)).Value[0].Image;
        Assert.AreEqual(rows.EncodedImageString, fromFloats.EncodedImageString);
        var tensor = TbLogger.Summaries.Image("wh", new ReadOnlyTensorSpan<byte>(columns, [3, 2]), ImageLayout.WH).Value[0].Image;
        Assert.AreEqual(rows.EncodedImageString, tensor.EncodedImageString);
        Assert.AreEqual("WH [3, 2]", ImageShape.Wh(3, 2).ToString());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("wh", new byte[18], new ImageShape(ImageLayout.WH, 2, 3, 3))).Message,
            "Layout WH has one channel; got 3 channels.");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("wh", new byte[5], ImageShape.Wh(3, 2))).Message, "WH [3, 2]");
    }

    [TestMethod]
    public void BoolMasksAreBlackAndWhite()
    {
        bool[] mask = [true, false, false, true, true, true];
        var image = TbLogger.Summaries.Image("mask", mask, ImageShape.Hw(2, 3)).Value[0].Image;
        var expected = TbLogger.Summaries.Image("mask", [255, 0, 0, 255, 255, 255], ImageShape.Hw(2, 3)).Value[0].Image;
        Assert.AreEqual(expected.EncodedImageString, image.EncodedImageString);
        Assert.ThrowsExactly<ArgumentException>(() => TbLogger.Summaries.Image("mask", mask, ImageShape.Hw(2, 2)));
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        Assert.IsTrue(writer.AddImage("mask", mask, ImageShape.Hwc(1, 2, 3), step: 0));
    }

    [TestMethod]
    public void BoolMaskBatchesAreTheGridOfTheirBlackAndWhiteImages()
    {
        // Two 1-channel 2×3 masks, NCHW: the same grid PNG as the bytes 0/255 give.
        bool[] masks = [true, false, false, true, true, true, false, false, true, false, true, false];
        byte[] bytes = masks.Select(m => m ? (byte)255 : (byte)0).ToArray();
        var shape = ImageBatchShape.Nchw(2, 1, 2, 3);
        byte[] Png(Action<SummaryWriter> write)
        {
            using var dir = new TempDirectory();
            using (var writer = new SummaryWriter(dir.Path))
            {
                write(writer);
            }
            return new TbLogger.Reading.LogDirReader(dir.Path).ReadImages().Single().Encoded.ToArray();
        }
        byte[] fromMasks = Png(w => Assert.IsTrue(w.AddImages("m", masks, shape, step: 1)));
        CollectionAssert.AreEqual(Png(w => w.AddImages("m", bytes, shape, step: 1)), fromMasks);
        Assert.IsGreaterThan(0, fromMasks.Length);
        using var bad = new TempDirectory();
        using var writer = new SummaryWriter(bad.Path);
        var error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddImages("m", masks.AsSpan(0, 11), shape, step: 1));
        Assert.AreEqual("masks", error.ParamName);
    }
}
