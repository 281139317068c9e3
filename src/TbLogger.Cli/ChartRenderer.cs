namespace TbLogger.Cli;

/// <summary>One line of a chart.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Steps">X values.</param>
/// <param name="Values">Y values (raw).</param>
internal sealed record ChartSeries(string Name, double[] Steps, double[] Values);

/// <summary>Draws scalar series with ScottPlot as TensorBoard does: the raw line faint, the smoothed line solid, same colour.</summary>
internal static class ChartRenderer
{
    public static void Render(IReadOnlyList<ChartSeries> series, string path, double smoothing, int width, int height, string? title)
    {
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
}
