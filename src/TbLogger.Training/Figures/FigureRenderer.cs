using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace TbLogger.Training.Figures;

/// <summary>One line of a history panel: values at epochs (from 0).</summary>
internal sealed record Series(IReadOnlyList<int> Epochs, IReadOnlyList<double> Values);

/// <summary>One panel of a history plot: a quantity, its training and validation lines.</summary>
internal sealed record HistoryPanel(string Name, Series? Train, Series? Validation);

/// <summary>Draws the figures (ScottPlot on Skia) as PNG bytes. Thread-safe: each call builds its own plot.</summary>
internal static class FigureRenderer
{
    /// <summary>White for zero counts to dark blue for the largest, so the diagonal stands out and empty cells stay quiet.</summary>
    private static readonly IColormap CountColormap = Colormap.FromColors(
        [new Color(255, 255, 255), new Color(198, 219, 239), new Color(107, 174, 214), new Color(33, 113, 181), new Color(8, 48, 107)], true);

    private static readonly Color TrainColor = new(31, 119, 180), ValidationColor = new(255, 127, 14);

    /// <summary>A confusion-matrix heatmap as PNG bytes (see <see cref="BuildConfusionMatrix"/>).</summary>
    public static byte[] ConfusionMatrixPng(double[,] counts, IReadOnlyList<string> classNames, string title, int size)
    {
        using var plot = BuildConfusionMatrix(counts, classNames, title, normalize: false);
        return plot.GetImageBytes(size, size, ImageFormat.Png);
    }

    /// <summary>
    /// A confusion-matrix heatmap: rows true classes (top to bottom), columns predicted classes, counts (or, when
    /// <paramref name="normalize"/>, each row's fractions) in the cells. Empty cells are white; any other cell gets
    /// at least a clear tint (<see cref="NonZeroShade"/>) plus the square root of its share of the largest cell, so a
    /// single error among hundreds of correct samples is still visibly blue. The colour bar is labelled in the
    /// cells' own units.
    /// </summary>
    public static Plot BuildConfusionMatrix(double[,] counts, IReadOnlyList<string> classNames, string title, bool normalize)
    {
        EmbeddedFonts.EnsureInstalled();
        int c = counts.GetLength(0);
        var values = new double[c, c];
        for (int i = 0; i < c; i++)
        {
            double row = 0;
            for (int j = 0; j < c; j++) row += counts[i, j];
            for (int j = 0; j < c; j++) values[i, j] = normalize ? (row > 0 ? counts[i, j] / row : 0) : counts[i, j];
        }
        double max = 0;
        foreach (double v in values) max = Math.Max(max, v);
        double scale = max > 0 ? max : 1;
        var shades = new double[c, c];
        for (int i = 0; i < c; i++)
            for (int j = 0; j < c; j++)
                shades[i, j] = Shade(values[i, j] / scale);
        var plot = new Plot();
        var hm = plot.Add.Heatmap(shades);
        hm.Colormap = CountColormap;
        hm.Extent = new CoordinateRect(0, c - 1, 0, c - 1); // corner cell centres: cells are 1 wide, centred on the class index
        hm.ManualRange = new ScottPlot.Range(0, 1);
        float fontSize = c <= 10 ? 14 : c <= 20 ? 10 : 7;
        for (int i = 0; i < c; i++)
        {
            for (int j = 0; j < c; j++)
            {
                double v = values[i, j];
                if (v == 0 && c > 20) continue;
                var text = plot.Add.Text(normalize ? v.ToString("0.00", CultureInfo.InvariantCulture) : FormatCount(v), j, c - 1 - i);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = fontSize;
                var cell = CountColormap.GetColor(shades[i, j]);
                text.LabelFontColor = 0.299 * cell.R + 0.587 * cell.G + 0.114 * cell.B < 140 ? Colors.White : Colors.Black;
            }
        }
        var positions = new double[c];
        var xLabels = new string[c];
        var yPositions = new double[c];
        var yLabels = new string[c];
        for (int k = 0; k < c; k++)
        {
            positions[k] = k;
            xLabels[k] = classNames[k];
            yPositions[k] = c - 1 - k;
            yLabels[k] = classNames[k];
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, xLabels);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(yPositions, yLabels);
        plot.Axes.SetLimits(-0.5, c - 0.5, -0.5, c - 0.5);
        plot.HideGrid();
        var bar = plot.Add.ColorBar(hm, Edge.Right);
        bar.Label = normalize ? "fraction of the true class" : "samples";
        // Ticks at the shades of round values, labelled with the values themselves (the scale is a square root).
        double[] fractions = [0, 0.01, 0.1, 0.25, 0.5, 1];
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            fractions.Select(Shade).ToArray(),
            fractions.Select(f => normalize ? (f * scale).ToString("0.00", CultureInfo.InvariantCulture) : FormatCount(Math.Round(f * scale))).ToArray());
        plot.Title(title, 16);
        plot.XLabel("Predicted class", 14);
        plot.YLabel("True class", 14);
        return plot;
    }

    /// <summary>The lowest shade of a non-empty confusion cell: light blue, never mistaken for an empty (white) cell.</summary>
    public const double NonZeroShade = 0.2;

    /// <summary>Colour position in [0, 1] of a cell holding <paramref name="share"/> of the largest cell.</summary>
    public static double Shade(double share) => share <= 0 ? 0 : NonZeroShade + (1 - NonZeroShade) * Math.Sqrt(share);

    /// <summary>One-vs-rest ROC curves, one line per class with its AUC in the legend, and the chance diagonal.</summary>
    public static byte[] RocPng(IReadOnlyList<(string Name, double[] Fpr, double[] Tpr, double Auc)> curves, string title, int size)
    {
        using var plot = BuildRoc(curves, title);
        return plot.GetImageBytes(size, size, ImageFormat.Png);
    }

    /// <summary>One-vs-rest ROC curves as a plot (see <see cref="RocPng"/>).</summary>
    public static Plot BuildRoc(IReadOnlyList<(string Name, double[] Fpr, double[] Tpr, double Auc)> curves, string title)
    {
        EmbeddedFonts.EnsureInstalled();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < curves.Count; k++)
        {
            var (name, fpr, tpr, auc) = curves[k];
            var line = plot.Add.ScatterLine(fpr, tpr, palette.GetColor(k));
            line.LineWidth = 2;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name} (AUC {auc:0.000})");
        }
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.Color = Colors.Gray;
        chance.LegendText = "chance";
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        plot.Title(title, 16);
        plot.XLabel("False positive rate", 14);
        plot.YLabel("True positive rate", 14);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>Precision against recall, one line per curve with its average precision in the legend.</summary>
    public static Plot BuildPrCurve(IReadOnlyList<(string Name, double[] Recall, double[] Precision, double AveragePrecision)> curves, string title)
    {
        EmbeddedFonts.EnsureInstalled();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int k = 0; k < curves.Count; k++)
        {
            var (name, recall, precision, ap) = curves[k];
            var line = plot.Add.ScatterLine(recall, precision, palette.GetColor(k));
            line.LineWidth = 2;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name} (AP {ap:0.000})");
        }
        plot.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        plot.Title(title, 16);
        plot.XLabel("Recall", 14);
        plot.YLabel("Precision", 14);
        plot.ShowLegend(Alignment.LowerLeft);
        return plot;
    }

    /// <summary>Panels of training vs validation per epoch, two per row.</summary>
    public static byte[] HistoryPng(IReadOnlyList<HistoryPanel> panels, int width, int panelHeight)
    {
        EmbeddedFonts.EnsureInstalled();
        int columns = panels.Count == 1 ? 1 : 2;
        int rows = (panels.Count + columns - 1) / columns;
        int height = rows * panelHeight;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException("Could not create a drawing surface.");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        int panelWidth = width / columns;
        for (int p = 0; p < panels.Count; p++)
        {
            int row = p / columns, col = p % columns;
            using var plot = BuildHistoryPanel(panels[p]);
            // Each panel is drawn on its own surface (a plot clears the whole canvas it renders on), then placed.
            using var panelSurface = SKSurface.Create(new SKImageInfo(panelWidth, panelHeight, SKColorType.Rgba8888, SKAlphaType.Premul))
                ?? throw new InvalidOperationException("Could not create a drawing surface.");
            plot.Render(panelSurface);
            using var panelImage = panelSurface.Snapshot();
            canvas.DrawImage(panelImage, col * panelWidth, row * panelHeight);
        }
        canvas.Flush();
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static Plot BuildHistoryPanel(HistoryPanel panel)
    {
        var plot = new Plot();
        void AddLine(Series? s, string label, Color color)
        {
            if (s is null || s.Values.Count == 0) return;
            var xs = s.Epochs.Select(e => (double)(e + 1)).ToArray();
            var ys = s.Values.ToArray();
            var line = plot.Add.Scatter(xs, ys, color);
            line.LineWidth = 2;
            line.MarkerSize = xs.Length <= 40 ? 5 : 0;
            line.LegendText = label;
        }
        AddLine(panel.Train, "train", TrainColor);
        AddLine(panel.Validation, "validation", ValidationColor);
        plot.Title(panel.Name, 15);
        plot.XLabel("Epoch", 13);
        plot.YLabel(panel.Name, 13);
        plot.ShowLegend(panel.Name.Contains("loss", StringComparison.Ordinal) ? Alignment.UpperRight : Alignment.LowerRight);
        return plot;
    }

    private static string FormatCount(double v) =>
        v == Math.Floor(v) ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.##", CultureInfo.InvariantCulture);
}
