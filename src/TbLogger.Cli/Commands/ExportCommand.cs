using System.CommandLine;
using TbLogger.Parquet;
using TbLogger.Reading;
using TbLogger.Replay;

namespace TbLogger.Cli.Commands;

/// <summary><c>tblog export LOGDIR -o out.csv|out.jsonl|out.parquet</c>.</summary>
internal static class ExportCommand
{
    public static Command Create(Func<ParseResult, CliOutput> output)
    {
        var logDir = new Argument<string>("LOGDIR") { Description = "The log directory." };
        var outPath = new Option<string?>("--output", "-o") { Description = "Output file: .csv, .jsonl or .parquet (format from the extension), or - for standard output (with --format csv|jsonl). Optional with --images/--audio/--text." };
        var format = new Option<string?>("--format") { Description = "csv, jsonl or parquet: needed for standard output; overrides the extension. Parquet writes NAME.parquet (scalars) and, with --histograms / --pr-curves, NAME.histograms.parquet and NAME.pr_curves.parquet." };
        format.AcceptOnlyFromAmong("csv", "jsonl", "parquet");
        var runs = new Option<string?>("--runs") { Description = "Runs to export (names, globs, re:REGEX)." };
        var tags = new Option<string?>("--tags") { Description = "Tags to export (names, globs, re:REGEX)." };
        var steps = new Option<string?>("--steps") { Description = "Inclusive step range a:b (a: or :b open)." };
        var histograms = new Option<bool>("--histograms") { Description = "Also export histograms." };
        var prCurves = new Option<bool>("--pr-curves") { Description = "Also export PR curves." };
        var images = new Option<string?>("--images") { Description = "Also write every image to DIR/{run}/{tag}_step{step}.png (or .jpg, .gif)." };
        var audio = new Option<string?>("--audio") { Description = "Also write every audio clip to DIR/{run}/{tag}_step{step}.wav." };
        var compression = new Option<string?>("--compression") { Description = "Parquet only: zstd (default; a third to a half of Snappy's size), snappy (for readers without Zstandard), gzip or uncompressed." };
        compression.AcceptOnlyFromAmong([.. s_compressions.Keys]);
        var text = new Option<string?>("--text") { Description = "Also write every text value to DIR/{run}/{tag}_step{step}.txt." };
        var loader = LoaderOption.Create();
        var command = new Command("export", "Export scalars (and optionally histograms, PR curves) as CSV, JSON Lines or Parquet: run, tag, step, wall_time, value.")
        {
            logDir, outPath, format, runs, tags, steps, histograms, prCurves, compression, images, audio, text, loader,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var o = output(parse);
            string dir = ArgumentParsers.ExistingDirectory(parse.GetValue(logDir)!, "Log directory");
            using var skipped = new SkippedData(o, dir);
            var readerOptions = skipped.Count(LoaderOption.Options(parse, loader));
            string? imagesDir = parse.GetValue(images), audioDir = parse.GetValue(audio), textDir = parse.GetValue(text);
            bool media = imagesDir is not null || audioDir is not null || textDir is not null;
            string? compressionName = parse.GetValue(compression);
            if (parse.GetValue(outPath) is not { } target)
            {
                if (compressionName is not null)
                {
                    throw new UsageException(CompressionIsParquetOnly);
                }
                if (!media)
                {
                    throw new UsageException("--output is required unless --images, --audio or --text is given.");
                }
                var counts = MediaExport.Write(new LogDirReader(dir, readerOptions), ArgumentParsers.ReadFilter(parse.GetValue(runs), parse.GetValue(tags), parse.GetValue(steps)), imagesDir, audioDir, textDir);
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
            bool parquet = parse.GetValue(format) == "parquet" || (parse.GetValue(format) is null && target.EndsWith(ParquetExporter.Extension, StringComparison.OrdinalIgnoreCase));
            if (compressionName is not null && !parquet)
            {
                throw new UsageException(CompressionIsParquetOnly);
            }
            bool toStdout = target == "-";
            // Before any media is written: a usage error leaves nothing behind.
            if (parquet)
            {
                CheckParquetTarget(target);
            }
            else if (!toStdout)
            {
                CheckOutputDirectory(target);
            }
            if (media)
            {
                MediaExport.Write(new LogDirReader(dir, readerOptions), ArgumentParsers.ReadFilter(parse.GetValue(runs), parse.GetValue(tags), parse.GetValue(steps)), imagesDir, audioDir, textDir);
            }
            if (parquet)
            {
                return await ExportParquetAsync(o, dir, target, parse.GetValue(runs), parse.GetValue(tags), parse.GetValue(steps), parse.GetValue(histograms), parse.GetValue(prCurves),
                    compressionName ?? "zstd", readerOptions, cancellationToken).ConfigureAwait(false);
            }
            var options = new ExportOptions
            {
                Format = parse.GetValue(format) switch { "jsonl" => ExportFormat.JsonLines, "csv" => ExportFormat.Csv, _ => FormatOfOutput(target) },
                Filter = ArgumentParsers.ReadFilter(parse.GetValue(runs), parse.GetValue(tags), parse.GetValue(steps)),
                IncludeHistograms = parse.GetValue(histograms),
                IncludePrCurves = parse.GetValue(prCurves),
            };
            var reader = new LogDirReader(dir, readerOptions);
            long rows;
            if (toStdout)
            {
                // To a terminal, names holding escape sequences are shown escaped; to a pipe, the bytes stay exact.
                using var stream = new TextWriterStream(o.Out, escapeControlCharacters: o.Interactive);
                LogExporter.Export(reader, stream, options);
                o.Out.Flush();
                return ExitCodes.Ok;
            }
            // Progress is bytes of event files read out of their total (rows say nothing about how far along we are).
            long total = CliOutput.EventFileBytes(reader, options.Filter.Runs);
            rows = await o.WithProgressAsync("Exporting", total, progress =>
            {
                var counted = new LogDirReader(dir, reader.Options with { ReadProgress = progress });
                return LogExporter.ExportToFile(counted, target, options);
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

    private const string CompressionIsParquetOnly = "--compression applies only to Parquet output (--format parquet, or an --output ending in .parquet without another --format).";

    /// <summary>The values --compression accepts (in its help's order) and the codec each names.</summary>
    private static readonly OrderedDictionary<string, ParquetCompression> s_compressions = new(StringComparer.Ordinal)
    {
        ["zstd"] = ParquetCompression.Zstd,
        ["snappy"] = ParquetCompression.Snappy,
        ["gzip"] = ParquetCompression.Gzip,
        ["uncompressed"] = ParquetCompression.Uncompressed,
    };

    /// <summary>Refuses a Parquet target that is standard output, lacks the extension or lies in a missing directory.</summary>
    private static void CheckParquetTarget(string target)
    {
        if (target == "-")
        {
            throw new UsageException("--format parquet writes files: give --output NAME.parquet.");
        }
        if (!target.EndsWith(ParquetExporter.Extension, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--format parquet: the output '{target}' must end in .parquet.");
        }
        CheckOutputDirectory(target);
    }

    /// <summary>Refuses an output file whose directory does not exist.</summary>
    private static void CheckOutputDirectory(string target)
    {
        string? parent = Path.GetDirectoryName(Path.GetFullPath(target));
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new UsageException($"The output directory '{parent}' does not exist.");
        }
    }

    /// <summary>Parquet: tables of their own (list columns for histograms and PR curves), runs read in parallel.</summary>
    private static async Task<int> ExportParquetAsync(CliOutput o, string dir, string target, string? runs, string? tags, string? steps, bool histograms, bool prCurves,
        string compression, LogDirReaderOptions readerOptions, CancellationToken cancellationToken)
    {
        var options = new ParquetExportOptions
        {
            Filter = ArgumentParsers.ReadFilter(runs, tags, steps),
            IncludeHistograms = histograms,
            IncludePrCurves = prCurves,
            Compression = s_compressions[compression],
            ReaderOptions = readerOptions,
        };
        // Ctrl+C stops the export: its tables are written under temporary names, so none is left half written.
        var result = await o.WithProgressAsync("Exporting", 0,
            progress => ParquetExporter.ExportAsync(dir, target, options with { Progress = progress }, cancellationToken).GetAwaiter().GetResult()).ConfigureAwait(false);
        string[] files = new[] { result.ScalarsPath, result.HistogramsPath, result.PrCurvesPath }.OfType<string>().ToArray();
        if (o.Json)
        {
            o.WriteJson(new { output = target, rows = result.TotalRows, format = "parquet", compression, scalars = result.ScalarRows, histograms = result.HistogramRows, pr_curves = result.PrCurveRows, runs = result.Runs, files });
        }
        else
        {
            o.Out.WriteLine($"Exported {result.TotalRows} rows ({result.ScalarRows} scalars, {result.HistogramRows} histograms, {result.PrCurveRows} PR curves) from {result.Runs} runs to {string.Join(", ", files)}");
        }
        return result.TotalRows == 0 ? ExitCodes.Problems : ExitCodes.Ok;
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
            ? "--output: no extension; use .csv, .jsonl or .parquet, or - with --format."
            : $"--output: unknown extension '{extension}'; use .csv, .jsonl or .parquet, or - with --format.");
    }
}

/// <summary>Lets the exporter's byte stream reach a TextWriter (tests capture standard output as text).</summary>
internal sealed class TextWriterStream(TextWriter writer, bool escapeControlCharacters = false) : Stream
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
        if (!escapeControlCharacters)
        {
            writer.Write(chars);
            return;
        }
        // Line breaks and tabs lay out rows; every other control character could drive the terminal.
        int start = 0;
        for (int i = 0; i < chars.Length; i++)
        {
            if (chars[i] is not ('\n' or '\t') && PathPolicy.Printable(chars[i].ToString()) is { Length: > 1 } escaped)
            {
                writer.Write(chars, start, i - start);
                writer.Write(escaped);
                start = i + 1;
            }
        }
        writer.Write(chars, start, chars.Length - start);
    }

    public override void Flush() => writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
