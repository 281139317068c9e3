using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TbLogger.Reading;

namespace TbLogger.Cli.Commands;

/// <summary><c>tblog ls LOGDIR</c>: runs, tags per plugin, counts, step ranges, last values.</summary>
internal static class LsCommand
{
    public static Command Create(Func<ParseResult, CliOutput> output)
    {
        var logDir = new Argument<string>("LOGDIR") { Description = "The log directory." };
        var runs = new Option<string?>("--runs") { Description = "Runs to list: names, globs (run1/*) or re:REGEX, comma-separated." };
        var tags = new Option<string?>("--tags") { Description = "Tags to list, like --runs." };
        var loader = LoaderOption.Create();
        var command = new Command("ls", "List runs and their tags per plugin, with counts, step ranges and last values.") { logDir, runs, tags, loader };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var o = output(parse);
            string dir = ArgumentParsers.ExistingDirectory(parse.GetValue(logDir)!, "Log directory");
            var filter = ArgumentParsers.ReadFilter(parse.GetValue(runs), parse.GetValue(tags), null);
            using var skipped = new SkippedData(o, dir);
            var summary = await o.WithProgressAsync("Reading", 0, _ => WithStoreSizes(dir, new LogDirReader(dir, skipped.Count(LoaderOption.Options(parse, loader))).Summarize(filter))).ConfigureAwait(false);
            if (summary.Count == 0)
            {
                // A filter that matched nothing is not an empty directory.
                int all = parse.GetValue(runs) is null ? 0 : new LogDirReader(dir, LoaderOption.Options(parse, loader)).GetRuns().Count;
                o.Error.WriteLine(all > 0
                    ? $"tblog: no run under '{dir}' matches --runs '{PathPolicy.Printable(parse.GetValue(runs))}' ({all} run(s) there)."
                    : $"tblog: no runs (directories with event files) under '{dir}'.");
                return ExitCodes.Problems;
            }
            if (o.Json)
            {
                o.WriteJson(summary.Select(r => new
                {
                    run = r.Run,
                    files = r.Files,
                    bytes = r.Bytes,
                    tags = r.Tags.Select(t => new { tag = t.Tag, plugin = t.Plugin, count = t.Count, first_step = t.FirstStep, last_step = t.LastStep, last_wall_time = t.LastWallTime, last_value = t.LastValue }),
                }));
            }
            else if (o.Console is { } console)
            {
                foreach (var run in summary)
                {
                    var table = new Table().Title($"[bold]{Markup.Escape(PathPolicy.Printable(run.Run))}[/] ({run.Files} file(s), {run.Bytes:N0} bytes)")
                        .AddColumns("plugin", "tag", "count", "steps", "last value");
                    foreach (var t in run.Tags)
                    {
                        table.AddRow(Markup.Escape(PathPolicy.Printable(t.Plugin)), Markup.Escape(PathPolicy.Printable(t.Tag)), t.Count.ToString(CultureInfo.InvariantCulture), $"{t.FirstStep}..{t.LastStep}", Value(t));
                    }
                    console.Write(table);
                }
            }
            else
            {
                foreach (var run in summary)
                {
                    o.Out.WriteLine($"{PathPolicy.Printable(run.Run)}\t{run.Files} file(s)\t{run.Bytes} bytes");
                    foreach (var t in run.Tags)
                    {
                        o.Out.WriteLine($"  {PathPolicy.Printable(t.Plugin)}\t{PathPolicy.Printable(t.Tag)}\t{t.Count}\t{t.FirstStep}..{t.LastStep}\t{Value(t)}");
                    }
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// Sizes of runs in an object store, from one listing: the reader's summary measures local files only. Tag and
    /// run names are escaped at printing (they come from data and may hold terminal escape sequences).
    /// </summary>
    private static IReadOnlyList<RunSummary> WithStoreSizes(string dir, IReadOnlyList<RunSummary> summary)
    {
        if (TbLogger.Storage.LogStorageRegistry.Resolve(dir) is not TbLogger.S3.S3LogStorage store)
        {
            return summary;
        }
        var lengths = store.ListFileLengths(dir, recursive: true);
        var runs = new LogDirReader(dir).GetRuns().ToDictionary(r => r.Name, StringComparer.Ordinal);
        return summary.Select(r => runs.TryGetValue(r.Run, out var run)
            ? r with { Bytes = run.Files.Sum(f => lengths.TryGetValue(f, out long n) ? n : 0) }
            : r).ToList();
    }

    private static string Value(TagSummary t) => t.LastValue is double v ? v.ToString("G9", CultureInfo.InvariantCulture) : "";
}
