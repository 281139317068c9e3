using System.CommandLine;
using System.Globalization;
using TbLogger.Reading;

namespace TbLogger.Cli.Commands;

/// <summary><c>tblog tail LOGDIR [--tags]</c>: prints new scalars as they are written.</summary>
internal static class TailCommand
{
    private const int MaxTimeoutSeconds = 4_294_967;

    public static Command Create(Func<ParseResult, CliOutput> output)
    {
        var logDir = new Argument<string>("LOGDIR") { Description = "The log directory (it may be empty still)." };
        var runs = new Option<string?>("--runs") { Description = "Runs to follow (names, globs, re:REGEX)." };
        var tags = new Option<string?>("--tags") { Description = "Tags to follow (names, globs, re:REGEX)." };
        var fromStart = new Option<bool>("--from-start") { Description = "Print what is already there too." };
        var count = new Option<int?>("--count", "-n") { Description = "Exit after this many values." };
        var timeout = new Option<double?>("--timeout") { Description = "Exit after this many seconds." };
        var poll = new Option<int>("--poll-ms") { Description = "Polling interval in milliseconds (default 500).", DefaultValueFactory = _ => 500 };
        var command = new Command("tail", "Follow a live log directory and print new scalars as they arrive (Ctrl+C to stop).") { logDir, runs, tags, fromStart, count, timeout, poll };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var o = output(parse);
            string dir = ArgumentParsers.ExistingDirectory(parse.GetValue(logDir)!, "Log directory");
            if (parse.GetValue(poll) < 1)
            {
                throw new UsageException("--poll-ms must be at least 1.");
            }
            var filter = ArgumentParsers.ReadFilter(parse.GetValue(runs), parse.GetValue(tags), null);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parse.GetValue(timeout) is double seconds)
            {
                // CancelAfter takes at most uint.MaxValue - 1 ms; beyond it (or for NaN/negative) it would throw a bare
                // ArgumentOutOfRangeException (exit 1), and TimeSpan.FromSeconds an OverflowException (a crash).
                if (!(seconds >= 0 && seconds <= MaxTimeoutSeconds))
                {
                    string given = parse.GetResult(timeout)?.Tokens.FirstOrDefault()?.Value ?? seconds.ToString(CultureInfo.InvariantCulture);
                    throw new UsageException($"--timeout must be a number of seconds from 0 to {MaxTimeoutSeconds} (about 49 days); got {given}.");
                }
                stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            }
            int? limit = parse.GetValue(count);
            int printed = 0;
            // What the follower skips (a CRC mismatch, an event that does not decode, a malformed scalar) is said on
            // standard error with file and offset, and the tail goes on.
            var reader = new LogDirReader(dir, LogDirReaderOptions.Default with
            {
                PollInterval = TimeSpan.FromMilliseconds(parse.GetValue(poll)),
                RecordOptions = LogDirReaderOptions.Default.RecordOptions with { OnCorruptRecord = ex => o.Error.WriteLine($"tblog: skipped: {PathPolicy.Printable(ex.Message)}") },
            });
            if (limit is <= 0)
            {
                return ExitCodes.Ok;
            }
            await foreach (var p in reader.WatchScalarsAsync(filter, parse.GetValue(fromStart), stop.Token).ConfigureAwait(false))
            {
                if (o.Json)
                {
                    o.WriteJson(new { run = p.Run, tag = p.Tag, step = p.Step, wall_time = p.WallTime, value = p.Value });
                }
                else
                {
                    o.Out.WriteLine($"{Time(p.WallTime)}  {PathPolicy.Printable(p.Run)}  {PathPolicy.Printable(p.Tag)}  step {p.Step}  {p.Value.ToString("G9", CultureInfo.InvariantCulture)}");
                }
                o.Out.Flush();
                if (limit is int l && ++printed >= l)
                {
                    break;
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// The local time of a wall time, or the number itself when it is not a time (NaN, an infinity, or beyond year
    /// 9999): files may hold anything there, and one odd record must not end the tail.
    /// </summary>
    internal static string Time(double wallTime)
    {
        const double MaxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
        const double MinSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
        if (!(wallTime >= MinSeconds + 86_400 && wallTime <= MaxSeconds - 86_400))
        {
            return wallTime.ToString("G9", CultureInfo.InvariantCulture);
        }
        return DateTimeOffset.FromUnixTimeMilliseconds((long)(wallTime * 1000)).ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
    }
}
