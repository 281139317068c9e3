using ScottPlot;
using SkiaSharp;
using TbLogger.Training.Figures;

namespace TbLogger.Training.Tests;

[TestClass]
public sealed class FigureTests
{
    private static SKColor PixelAt(byte[] rgb, int width, Pixel p)
    {
        int o = ((int)p.Y * width + (int)p.X) * 3;
        return new SKColor(rgb[o], rgb[o + 1], rgb[o + 2]);
    }

    [TestMethod]
    public void AddFigureStoresOurPngOfTheRenderedPixels()
    {
        using var dir = new TempDir();
        using var plot = new Plot();
        plot.Add.Scatter(new double[] { 0, 1, 2 }, new double[] { 1, 3, 2 });
        byte[] rgb = FigureExtensions.RenderRgb(plot, 320, 200);
        using (var writer = new SummaryWriter(dir.Path))
        {
            Assert.IsTrue(writer.AddFigure("fig/line", plot, step: 7, width: 320, height: 200));
        }
        var image = EventLog.ReadAll(dir.Path).Single(w => w.Tag == "fig/line");
        Assert.AreEqual(7, image.Step);
        Assert.AreEqual((200, 320, 3), (image.Value.Image.Height, image.Value.Image.Width, image.Value.Image.Colorspace));
        byte[] png = Png.Of(image);
        // Encoded by TbLogger's PNG encoder from exactly the rendered pixels (not by Skia).
        CollectionAssert.AreEqual(PngEncoder.Encode(rgb, 200, 320, 3), png);
        var (w, h, colors, _) = Png.Inspect(png);
        Assert.AreEqual((320, 200), (w, h));
        Assert.IsGreaterThan(10, colors, "axes, line and labels are drawn");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FigureExtensions.RenderRgb(plot, 0, 10));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FigureExtensions.RenderRgb(plot, 10, 9000));
    }

    [TestMethod]
    public void ConfusionMatrixKeepsASingleErrorVisibleAndNormalises()
    {
        double[,] counts = { { 500, 1 }, { 0, 499 } };
        using var plot = PerformanceFigures.ConfusionMatrix(counts, ["cat", "dog"], step: 4);
        Assert.AreEqual("Confusion matrix (step 4, 1000 samples)", plot.Axes.Title.Label.Text);
        byte[] rgb = FigureExtensions.RenderRgb(plot, 400, 400);
        // Cell (true cat, predicted dog) holds 1 of 1000: tinted; cell (true dog, predicted cat) holds 0: white.
        // Sample off-centre so the number printed in the cell is not hit.
        var oneError = PixelAt(rgb, 400, plot.GetPixel(new Coordinates(1.3, 1.3)));
        var empty = PixelAt(rgb, 400, plot.GetPixel(new Coordinates(0.3, 0.3)));
        Assert.AreEqual(new SKColor(255, 255, 255), empty);
        Assert.IsLessThan(235, (int)oneError.Red, $"one error is visibly tinted: {oneError}");
        Assert.AreEqual(FigureRenderer.NonZeroShade + 0.8 * Math.Sqrt(1 / 500.0), FigureRenderer.Shade(1 / 500.0), 1e-12);

        using var normalised = PerformanceFigures.ConfusionMatrix(counts, null, normalize: true);
        Assert.AreEqual("Confusion matrix (1000 samples, normalised by row)", normalised.Axes.Title.Label.Text);
        var texts = normalised.GetPlottables().OfType<ScottPlot.Plottables.Text>().Select(t => t.LabelText).ToArray();
        CollectionAssert.AreEquivalent(new[] { "1.00", "0.00", "0.00", "1.00" }, texts, "500/501 and 1/501 round to 1.00 and 0.00; 0/499 and 499/499");

        Assert.ThrowsExactly<ArgumentException>(() => PerformanceFigures.ConfusionMatrix(new double[2, 3]));
        Assert.ThrowsExactly<ArgumentException>(() => PerformanceFigures.ConfusionMatrix(new double[0, 0]));
        Assert.AreEqual("counts[1, 0] is -1; counts must be finite and not negative. (Parameter 'counts')",
            Assert.ThrowsExactly<ArgumentException>(() => PerformanceFigures.ConfusionMatrix(new double[,] { { 1, 0 }, { -1, 2 } })).Message);
        Assert.ThrowsExactly<ArgumentException>(() => PerformanceFigures.ConfusionMatrix(new double[,] { { double.NaN } }));
    }

    [TestMethod]
    public void RocAndPrCurvesCarryTheirAreasAndSteps()
    {
        bool[] labels = [true, false, true, false, true];
        float[] scores = [0.9f, 0.8f, 0.7f, 0.3f, 0.2f];
        using var roc = PerformanceFigures.Roc(labels, scores, step: 2);
        Assert.AreEqual("ROC (step 2)", roc.Axes.Title.Label.Text);
        // ROC: AUC = P(score of a positive > score of a negative) = 3 of 6 pairs (0.9 > 0.8, 0.9 > 0.3, 0.7 > 0.3).
        Assert.AreEqual(3 / 6.0, PerformanceFigures.RocPoints(labels, scores).Auc, 1e-12);
        StringAssert.Contains(roc.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().First().LegendText, "AUC 0.500");

        // PR points: after 0.9 (r 1/3, p 1), 0.8 (1/3, 1/2), 0.7 (2/3, 2/3), 0.3 (2/3, 1/2), 0.2 (1, 3/5).
        var (recall, precision, ap) = PerformanceFigures.PrPoints(labels, scores);
        CollectionAssert.AreEqual(new[] { 0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 2 / 3.0, 1 }, recall);
        CollectionAssert.AreEqual(new[] { 1, 1, 0.5, 2 / 3.0, 0.5, 0.6 }, precision);
        Assert.AreEqual(1 / 3.0 * 1 + 1 / 3.0 * (2 / 3.0) + 1 / 3.0 * 0.6, ap, 1e-12);
        using var pr = PerformanceFigures.PrCurve(labels, scores);
        Assert.AreEqual("Precision-recall", pr.Axes.Title.Label.Text);
        Assert.ThrowsExactly<ArgumentException>(() => PerformanceFigures.PrCurve(labels, [0.1f]));
        Assert.ThrowsExactly<ArgumentException>(() => PerformanceFigures.Roc([true], [float.NaN]));
    }
}
