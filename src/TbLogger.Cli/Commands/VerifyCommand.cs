using System.CommandLine;
using Spectre.Console;
using TbLogger.Reading.Verify.Loader;
using TbLogger.Reading.Verify;
using TbLogger.Reading;

namespace TbLogger.Cli.Commands;

/// <summary><c>tblog verify LOGDIR [--repair [OUT]]</c>.</summary>
internal static class VerifyCommand
{
    /// <summary>The rules applied: decoding, then TensorBoard's default-loader rules (warnings).</summary>
    public static IReadOnlyList<VerifyRule> Rules() => [new DecodeRule(), .. LoaderRules.All()];

    public static Command Create(Func<ParseResult, CliOutput> output)
    {
        var logDir = new Argument<string>("LOGDIR") { Description = "The log directory." };
        var repair = new Option<string?>("--repair") { Description = "Write a clean copy (to OUT, default LOGDIR.repaired) keeping each damaged file up to its last good record. The input is never modified.", Arity = ArgumentArity.ZeroOrOne };
        var salvage = new Option<bool>("--salvage") { Description = "With --repair, keep every good record instead of stopping at the first problem." };
        var strict = new Option<bool>("--strict") { Description = "Exit 1 on warnings too (what TensorBoard's default loader would drop or misread), not only on errors." };
        var command = new Command("verify", "Check framing, CRCs and decoding of every record of every event file, and TensorBoard's default-loader rules; report each problem with file and byte offset.") { logDir, repair, salvage, strict };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var o = output(parse);
            string dir = ArgumentParsers.ExistingDirectory(parse.GetValue(logDir)!, "Log directory");
            // Progress: bytes verified of the event files' total (0, indeterminate, for an object store).
            long total = CliOutput.EventFileBytes(new LogDirReader(dir), runs: null);
            var report = await o.WithProgressAsync("Verifying", total, progress => LogVerifier.Verify(dir, new LogVerifierOptions { Rules = Rules(), Progress = progress })).ConfigureAwait(false);
            string? repairedTo = null;
            int repaired = 0;
            bool failed = parse.GetValue(strict) ? report.Problems.Any() : report.Problems.Any(p => p.Severity == VerifySeverity.Error);
            if (parse.GetResult(repair) is not null && report.Problems.Any(p => p.Severity == VerifySeverity.Error))
            {
                repairedTo = parse.GetValue(repair) ?? Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)) + ".repaired";
                repaired = LogRepair.Repair(report, repairedTo, parse.GetValue(salvage) ? RepairMode.Salvage : RepairMode.Truncate);
            }
            var problems = report.Problems.ToList();
            if (o.Json)
            {
                o.WriteJson(new
                {
                    files = report.Files.Count,
                    records = report.Files.Sum(f => f.Records),
                    problems = problems.Select(p => new { file = p.File, offset = p.Offset, severity = p.Severity.ToString().ToLowerInvariant(), rule = p.Rule, message = p.Message }),
                    repaired_to = repairedTo,
                    repaired_files = repaired,
                });
            }
            else
            {
                foreach (var p in problems)
                {
                    // Messages quote tags and paths from the files: escaped, so they cannot drive the terminal.
                    string line = PathPolicy.Printable($"{p.File}:{p.Offset}: {p.Severity.ToString().ToLowerInvariant()} [{p.Rule}] {p.Message}");
                    if (o.Console is { } console)
                    {
                        console.MarkupLine((p.Severity == VerifySeverity.Error ? "[red]" : "[yellow]") + Markup.Escape(line) + "[/]");
                    }
                    else
                    {
                        o.Out.WriteLine(line);
                    }
                }
                o.Out.WriteLine($"{report.Files.Count} file(s), {report.Files.Sum(f => f.Records)} records, {problems.Count} problem(s).");
                if (repairedTo is not null)
                {
                    o.Out.WriteLine($"Wrote a repaired copy to {repairedTo} ({repaired} file(s) repaired).");
                }
            }
            return failed ? ExitCodes.Problems : ExitCodes.Ok;
        });
        return command;
    }
}
