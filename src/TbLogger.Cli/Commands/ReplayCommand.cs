using System.CommandLine;
using TbLogger.Reading;
using TbLogger.Replay;

namespace TbLogger.Cli.Commands;

/// <summary><c>tblog replay SRC DST [filters] [--downsample N] [--time-shift] [--rename a=b]</c>.</summary>
internal static class ReplayCommand
{
    public static Command Create(Func<ParseResult, CliOutput> output)
    {
        var source = new Argument<string>("SRC") { Description = "The log directory to read." };
        var destination = new Argument<string>("DST") { Description = "A new or empty directory to write." };
        var runs = new Option<string?>("--runs") { Description = "Runs to keep (names, globs, re:REGEX)." };
        var tags = new Option<string?>("--tags") { Description = "Tags to keep (before renaming)." };
        var steps = new Option<string?>("--steps") { Description = "Inclusive step range a:b." };
        var downsample = new Option<int?>("--downsample") { Description = "Keep at most N values per tag (reservoir sampling like TensorBoard, last value kept)." };
        var every = new Option<int?>("--every") { Description = "Keep every k-th value of each tag." };
        var timeShift = new Option<string?>("--time-shift") { Description = "Add to every wall time: seconds, or 90s, 15m, 2h, 1d, hh:mm:ss; may be negative." };
        var rename = new Option<string[]>("--rename") { Description = "Rename a tag: old=new, or prefix/*=new/* (repeatable).", AllowMultipleArgumentsPerToken = true };
        var merge = new Option<string?>("--merge") { Description = "Write all selected runs into this one run." };
        var mergePrefix = new Option<bool>("--merge-prefix") { Description = "With --merge, prefix tags with their source run." };
        var loader = LoaderOption.Create();
        var command = new Command("replay", "Rewrite a log directory into a new one with filters, downsampling, time shift, renames and merged runs.")
        {
            source, destination, runs, tags, steps, downsample, every, timeShift, rename, merge, mergePrefix, loader,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var o = output(parse);
            string src = ArgumentParsers.ExistingDirectory(parse.GetValue(source)!, "Source log directory");
            if (parse.GetValue(downsample) is < 1)
            {
                throw new UsageException("--downsample must be at least 1.");
            }
            if (parse.GetValue(every) is < 1)
            {
                throw new UsageException("--every must be at least 1.");
            }
            if (parse.GetValue(mergePrefix) && parse.GetValue(merge) is null)
            {
                throw new UsageException("--merge-prefix applies only with --merge RUN.");
            }
            TagRename[] renames;
            try
            {
                renames = (parse.GetValue(rename) ?? []).Select(TagRename.Parse).ToArray();
            }
            catch (FormatException ex)
            {
                throw new UsageException($"--rename: {ex.Message}");
            }
            var options = new ReplayOptions
            {
                Filter = ArgumentParsers.ReadFilter(parse.GetValue(runs), parse.GetValue(tags), parse.GetValue(steps)),
                MaxPointsPerTag = parse.GetValue(downsample),
                KeepEvery = parse.GetValue(every),
                TimeShift = ArgumentParsers.Duration(parse.GetValue(timeShift)),
                Renames = renames,
                MergeInto = parse.GetValue(merge),
                PrefixTagsWithRun = parse.GetValue(mergePrefix),
            };
            string dst = parse.GetValue(destination)!;
            // Progress: bytes of event files read out of their total.
            using var skipped = new SkippedData(o, src);
            long total = CliOutput.EventFileBytes(new LogDirReader(src), options.Filter.Runs);
            var result = await o.WithProgressAsync("Replaying", total, progress =>
                LogReplayer.Replay(src, dst, options, skipped.Count(LoaderOption.Options(parse, loader)) with { ReadProgress = progress })).ConfigureAwait(false);
            if (o.Json)
            {
                o.WriteJson(result);
            }
            else
            {
                o.Out.WriteLine($"Replayed {result.RunsRead} run(s) into {result.RunsWritten}: {result.ValuesWritten} values written, {result.ValuesDropped} left out.");
            }
            if (result.StepViolations > 0)
            {
                o.Error.WriteLine(
                    $"tblog: warning: {result.StepViolations} value(s) repeat or go back in step within their tag, so TensorBoard drops that tag's earlier points at those steps and after{(options.MergeInto is not null && !options.PrefixTagsWithRun ? " (runs merged without --merge-prefix share these tags)" : "")}; 'tblog verify' lists them.");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
