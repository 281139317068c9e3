using System.CommandLine;
using TbLogger.Reading;
using TbLogger.Replay;

namespace TbLogger.Cli.Commands;

/// <summary><c>tblog export LOGDIR -o out.csv|out.jsonl</c>.</summary>
internal static class ExportCommand
{
    public static Command Create(Func<ParseResult, CliOutput> output)
    {
        var logDir = new Argument<string>("LOGDIR") { Description = "The log directory." };
        var outPath = new Option<string?>("--output", "-o") { Description = "Output file: .csv or .jsonl (format from the extension), or - for standard output (with --format). Optional with --images/--audio/--text." };
        var format = new Option<string?>("--format") { Description = "csv or jsonl: needed for standard output; overrides the extension." };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var runs = new Option<string?>("--runs") { Description = "Runs to export (names, globs, re:REGEX)." };
        var tags = new Option<string?>("--tags") { Description = "Tags to export (names, globs, re:REGEX)." };
        var steps = new Option<string?>("--steps") { Description = "Inclusive step range a:b (a: or :b open)." };
        var histograms = new Option<bool>("--histograms") { Description = "Also export histograms." };
        var prCurves = new Option<bool>("--pr-curves") { Description = "Also export PR curves." };
        var images = new Option<string?>("--images") { Description = "Also write every image to DIR/{run}/{tag}_step{step}.png (or .jpg, .gif)." };
        var audio = new Option<string?>("--audio") { Description = "Also write every audio clip to DIR/{run}/{tag}_step{step}.wav." };
        var text = new Option<string?>("--text") { Description = "Also write every text value to DIR/{run}/{tag}_step{step}.txt." };
        var command = new Command("export", "Export scalars (and optionally histograms, PR curves) as CSV or JSON Lines: run, tag, step, wall_time, value.")
        {
            logDir, outPath, format, runs, tags, steps, histograms, prCurves, images, audio, text,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var o = output(parse);
            string dir = ArgumentParsers.ExistingDirectory(parse.GetValue(logDir)!, "Log directory");
            string? imagesDir = parse.GetValue(images), audioDir = parse.GetValue(audio), textDir = parse.GetValue(text);
            bool media = imagesDir is not null || audioDir is not null || textDir is not null;
            if (parse.GetValue(outPath) is not { } target)
            {
                if (!media)
                {
                    throw new UsageException("--output is required unless --images, --audio or --text is given.");
                }
                var counts = MediaExport.Write(new LogDirReader(dir), ArgumentParsers.ReadFilter(parse.GetValue(runs), parse.GetValue(tags), parse.GetValue(steps)), imagesDir, audioDir, textDir);
                if (o.Json)
                {
                    o.WriteJson(new { images = counts.Images, audio = counts.Audio, text = counts.Text });
                }
                else
                {
                    o.Out.WriteLine($"Exported {counts.Images} images, {counts.Audio} audio clips and {counts.Text} texts.");
                }
                return counts.Images + counts.Audio + counts.Text == 0 ? ExitCodes.Problems : ExitCodes.Ok;
            }
            if (media)
            {
                MediaExport.Write(new LogDirReader(dir), ArgumentParsers.ReadFilter(parse.GetValue(runs), parse.GetValue(tags), parse.GetValue(steps)), imagesDir, audioDir, textDir);
            }
            bool toStdout = target == "-";
            var options = new ExportOptions
            {
                Format = parse.GetValue(format) switch { "jsonl" => ExportFormat.JsonLines, "csv" => ExportFormat.Csv, _ => FormatOfOutput(target) },
                Filter = ArgumentParsers.ReadFilter(parse.GetValue(runs), parse.GetValue(tags), parse.GetValue(steps)),
                IncludeHistograms = parse.GetValue(histograms),
                IncludePrCurves = parse.GetValue(prCurves),
            };
            var reader = new LogDirReader(dir);
            long rows;
            if (toStdout)
            {
                using var stream = new TextWriterStream(o.Out);
                LogExporter.Export(reader, stream, options);
                o.Out.Flush();
                return ExitCodes.Ok;
            }
            string? parent = Path.GetDirectoryName(Path.GetFullPath(target));
            if (parent is not null && !Directory.Exists(parent))
            {
                throw new UsageException($"The output directory '{parent}' does not exist.");
            }
            rows = await o.WithProgressAsync("Exporting", 0, progress =>
            {
                using var stream = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
                return LogExporter.Export(reader, stream, options with { Progress = progress });
            }).ConfigureAwait(false);
            if (o.Json)
            {
                o.WriteJson(new { output = target, rows, format = options.Format == ExportFormat.JsonLines ? "jsonl" : "csv" });
            }
            else
            {
                o.Out.WriteLine($"Exported {rows} rows to {target}");
            }
            return rows == 0 ? ExitCodes.Problems : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The format an --output names without --format: .csv or .jsonl; anything else is a usage error rather than a silent CSV.</summary>
    private static ExportFormat FormatOfOutput(string target)
    {
        if (target == "-")
        {
            throw new UsageException("--output -: standard output needs --format csv or --format jsonl.");
        }
        string extension = Path.GetExtension(target);
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return ExportFormat.Csv;
        }
        if (extension.Equals(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return ExportFormat.JsonLines;
        }
        throw new UsageException(extension.Length == 0
            ? "--output: no extension; use .csv or .jsonl, or - with --format."
            : $"--output: unknown extension '{extension}'; use .csv or .jsonl, or - with --format.");
    }
}

/// <summary>Lets the exporter's byte stream reach a TextWriter (tests capture standard output as text).</summary>
internal sealed class TextWriterStream(TextWriter writer) : Stream
{
    private readonly System.Text.Decoder _decoder = System.Text.Encoding.UTF8.GetDecoder();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        var chars = new char[_decoder.GetCharCount(buffer, offset, count)];
        _decoder.GetChars(buffer, offset, count, chars, 0);
        writer.Write(chars);
    }

    public override void Flush() => writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
