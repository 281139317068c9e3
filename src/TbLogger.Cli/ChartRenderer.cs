namespace TbLogger.Cli;

/// <summary>One line of a chart.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Steps">X values.</param>
/// <param name="Values">Y values (raw).</param>
internal sealed record ChartSeries(string Name, double[] Steps, double[] Values);

/// <summary>Draws scalar series with ScottPlot as TensorBoard does: the raw line faint, the smoothed line solid, same colour.</summary>
internal static class ChartRenderer
{
    /// <summary>The text every chart draws besides the series names and the title: the axis label and tick labels.</summary>
    private const string FixedText = "step 0123456789.,-+eE×";

    public static void Render(IReadOnlyList<ChartSeries> series, string path, double smoothing, int width, int height, string? title)
    {
        // The fonts the training figures use, embedded: a machine without system fonts (or with only a serif one)
        // draws the same chart. Installed before the plot exists, because a plot takes the default font when built.
        TbLogger.Training.Figures.EmbeddedFonts.EnsureInstalled();
        RequireDrawable("the axis labels", FixedText);
        foreach (var s in series)
        {
            RequireDrawable($"the legend entry '{s.Name}'", s.Name);
        }
        if (!string.IsNullOrEmpty(title))
        {
            RequireDrawable("the --title", title);
        }
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var s = series[i];
            var color = palette.GetColor(i);
            if (smoothing > 0)
            {
                var raw = plot.Add.ScatterLine(s.Steps, s.Values);
                raw.Color = color.WithAlpha(0.25);
                raw.LineWidth = 1;
                var smooth = plot.Add.ScatterLine(s.Steps, Smoothing.DebiasedEma(s.Values, smoothing));
                smooth.Color = color;
                smooth.LineWidth = 2;
                smooth.LegendText = s.Name;
            }
            else
            {
                var line = plot.Add.ScatterLine(s.Steps, s.Values);
                line.Color = color;
                line.LineWidth = 2;
                line.LegendText = s.Name;
            }
        }
        plot.XLabel("step");
        if (!string.IsNullOrEmpty(title))
        {
            plot.Title(title);
        }
        plot.ShowLegend();
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The output directory '{directory}' does not exist.");
        }
        if (plot.Axes.Bottom.Label.FontName != TbLogger.Training.Figures.EmbeddedFonts.Family)
        {
            throw new InvalidOperationException($"The chart would not be drawn with the embedded {TbLogger.Training.Figures.EmbeddedFonts.Family} font (it uses '{plot.Axes.Bottom.Label.FontName}').");
        }
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".svg":
                plot.SaveSvg(path, width, height);
                break;
            case ".jpg" or ".jpeg":
                plot.SaveJpeg(path, width, height);
                break;
            default:
                plot.SavePng(path, width, height);
                break;
        }
    }

    /// <summary>Refuses text the embedded font cannot draw, rather than writing a chart with empty boxes in it.</summary>
    private static void RequireDrawable(string what, string text)
    {
        if (TbLogger.Training.Figures.EmbeddedFonts.FirstMissingCharacter(text) is { } missing)
        {
            throw new InvalidOperationException(
                $"Cannot draw {what}: the embedded {TbLogger.Training.Figures.EmbeddedFonts.Family} font has no glyph for '{missing}' (U+{missing.Value:X4}).");
        }
    }
}
