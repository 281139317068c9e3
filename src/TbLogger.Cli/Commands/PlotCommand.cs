using System.CommandLine;
using TbLogger.Reading;

namespace TbLogger.Cli.Commands;

/// <summary><c>tblog plot LOGDIR --tags a,b -o chart.png [--smoothing 0.6]</c>.</summary>
internal static class PlotCommand
{
    public static Command Create(Func<ParseResult, CliOutput> output)
    {
        var logDir = new Argument<string>("LOGDIR") { Description = "The log directory." };
        var tags = new Option<string>("--tags") { Description = "Tags to plot (names, globs, re:REGEX), one line per run and tag.", Required = true };
        var runs = new Option<string?>("--runs") { Description = "Runs to plot." };
        var steps = new Option<string?>("--steps") { Description = "Inclusive step range a:b." };
        var outPath = new Option<string>("--output", "-o") { Description = "Image file: .png, .jpg or .svg.", Required = true };
        var smoothing = new Option<double>("--smoothing") { Description = "TensorBoard's debiased EMA weight in [0, 1) (default 0.6; 0 = raw).", DefaultValueFactory = _ => 0.6 };
        var width = new Option<int>("--width") { Description = "Width in pixels.", DefaultValueFactory = _ => 1000 };
        var height = new Option<int>("--height") { Description = "Height in pixels.", DefaultValueFactory = _ => 600 };
        var title = new Option<string?>("--title") { Description = "Chart title." };
        var loader = LoaderOption.Create();
        var command = new Command("plot", "Plot scalars to an image with TensorBoard's smoothing.") { logDir, tags, runs, steps, outPath, smoothing, width, height, title, loader };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var o = output(parse);
            string dir = ArgumentParsers.ExistingDirectory(parse.GetValue(logDir)!, "Log directory");
            double weight = parse.GetValue(smoothing);
            if (double.IsNaN(weight) || weight < 0 || weight >= 1)
            {
                throw new UsageException("--smoothing must be in [0, 1).");
            }
            if (parse.GetValue(width) is < 16 or > 20000 || parse.GetValue(height) is < 16 or > 20000)
            {
                throw new UsageException("--width and --height must be between 16 and 20000.");
            }
            string target = parse.GetValue(outPath)!;
            string extension = Path.GetExtension(target).ToLowerInvariant();
            if (extension is not (".png" or ".jpg" or ".jpeg" or ".svg"))
            {
                throw new UsageException($"--output '{target}': use a .png, .jpg or .svg file.");
            }
            var filter = ArgumentParsers.ReadFilter(parse.GetValue(runs), parse.GetValue(tags), parse.GetValue(steps));
            using var skipped = new SkippedData(o, dir);
            long total = CliOutput.EventFileBytes(new LogDirReader(dir), filter.Runs);
            var series = await o.WithProgressAsync("Reading", total, progress => new LogDirReader(dir, skipped.Count(LoaderOption.Options(parse, loader)) with { ReadProgress = progress }).ReadScalars(filter)
                .GroupBy(p => (p.Run, p.Tag))
                .Select(g => new ChartSeries(g.Key.Run == "." ? g.Key.Tag : $"{g.Key.Run}/{g.Key.Tag}", g.OrderBy(p => p.Step).Select(p => (double)p.Step).ToArray(), g.OrderBy(p => p.Step).Select(p => p.Value).ToArray()))
                .ToList()).ConfigureAwait(false);
            if (series.Count == 0)
            {
                o.Error.WriteLine("tblog: no scalars match --tags (and --runs/--steps).");
                return ExitCodes.Problems;
            }
            ChartRenderer.Render(series, target, weight, parse.GetValue(width), parse.GetValue(height), parse.GetValue(title));
            if (o.Json)
            {
                o.WriteJson(new { output = target, series = series.Select(s => new { name = s.Name, points = s.Steps.Length }) });
            }
            else
            {
                o.Out.WriteLine($"Plotted {series.Count} series to {target}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
