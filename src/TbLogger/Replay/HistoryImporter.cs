using System.Globalization;
using System.Text.Json;
using TbLogger.Events;

namespace TbLogger.Replay;

/// <summary>
/// Turns a training history into event files, so old runs appear in TensorBoard. Reads CSV (".csv", ".tsv") and
/// JSON Lines (".jsonl", ".ndjson", ".json") in two layouts: long (columns/keys tag and value, optionally run, step
/// and wall_time, as <see cref="LogExporter"/> writes), and wide (one column per metric and a step or epoch column,
/// as Keras's CSVLogger writes). Empty cells are skipped; NaN and Infinity are kept.
/// </summary>
public static class HistoryImporter
{
    private static readonly string[] s_stepColumns = ["step", "global_step", "epoch", "iteration", "iter"];
    private static readonly string[] s_wallColumns = ["wall_time", "walltime", "time", "timestamp"];

    /// <summary>Imports <paramref name="inputPath"/> into <paramref name="destination"/>.</summary>
    /// <param name="inputPath">A CSV or JSON Lines file.</param>
    /// <param name="destination">A new or empty directory.</param>
    /// <param name="options">Layout options; null for the defaults.</param>
    /// <returns>Counts.</returns>
    /// <exception cref="FormatException">The file is not a history (naming the file and the line).</exception>
    /// <exception cref="IOException">The destination is not empty.</exception>
    /// <exception cref="UnsafePathException">A run named in the file (or the default run) would not stay inside the destination.</exception>
    public static ImportResult Import(string inputPath, string destination, ImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        options ??= new ImportOptions();
        if (!File.Exists(inputPath))
        {
            throw new FileNotFoundException($"History file '{inputPath}' does not exist.", inputPath);
        }
        string output = Path.GetFullPath(destination);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new IOException($"The destination '{destination}' already exists and is not empty.");
        }
        PathPolicy.Check(options.DefaultRun, "The default run (ImportOptions.DefaultRun)");
        double baseWall = options.BaseWallTime ?? new DateTimeOffset(File.GetLastWriteTimeUtc(inputPath)).ToUnixTimeMilliseconds() / 1000.0;
        var writers = new Dictionary<string, EventFileWriter>(StringComparer.Ordinal);
        PendingKind scalarKind = PendingEvent.KindOf(options.Encoding);
        long values = 0;
        long rows = 0;
        using var file = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        try
        {
            void Emit(string run, string tag, long step, double wall, double value, long line)
            {
                if (string.IsNullOrWhiteSpace(tag))
                {
                    throw new FormatException($"Line {line}: the tag is empty.");
                }
                if (!writers.TryGetValue(run, out var writer))
                {
                    // The run comes from the file: it must name a directory inside the destination.
                    string dir = PathPolicy.Resolve(output, run, $"History file '{inputPath}' line {line}");
                    writer = new EventFileWriter(dir, new EventFileWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
                    writers.Add(run, writer);
                }
                // Queued as a scalar, as SummaryWriter.AddScalar queues one: the worker encodes it (the bytes of
                // Summaries.Scalar, its metadata with the tag's first value only) without an Event per value.
                writer.Enqueue(PendingEvent.Scalar(tag, value, step, wall, scalarKind));
                if ((++values & 0x3FFF) == 0)
                {
                    // What the text reader has taken from the file (it reads ahead by one buffer).
                    options.Progress?.Report(file.Position);
                }
            }

            using var text = new StreamReader(file, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
            string extension = Path.GetExtension(inputPath).ToLowerInvariant();
            rows = extension is ".jsonl" or ".ndjson" or ".json"
                ? ImportJsonLines(text, options, baseWall, Emit)
                : ImportCsv(new CsvReader(text, extension == ".tsv" ? '\t' : ','), options, baseWall, Emit);
            options.Progress?.Report(file.Length);
        }
        catch (FormatException ex)
        {
            // Where the problem is: "Line 3: ..." becomes "History file 'h.csv' line 3: ...".
            string where = $"History file '{PathPolicy.Printable(inputPath)}'";
            throw new FormatException(ex.Message.StartsWith("Line ", StringComparison.Ordinal) ? $"{where} line {ex.Message[5..]}" : $"{where}: {ex.Message}", ex);
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                writer.Dispose();
            }
        }
        return new ImportResult(writers.Count, values, rows);
    }

    private delegate void Emitter(string run, string tag, long step, double wall, double value, long line);

    private static long ImportCsv(CsvReader csv, ImportOptions options, double baseWall, Emitter emit)
    {
        var header = csv.ReadRow() ?? throw new FormatException("The history file is empty.");
        header = header.Select(h => h.Trim()).ToList();
        int tagColumn = header.IndexOf("tag");
        int valueColumn = header.IndexOf("value");
        int runColumn = header.IndexOf("run");
        int wallColumn = header.FindIndex(h => s_wallColumns.Contains(h.ToLowerInvariant()));
        long rows = 0;
        if (tagColumn >= 0 && valueColumn >= 0)
        {
            int stepColumn = header.IndexOf(options.StepColumn ?? "step");
            int kindColumn = header.IndexOf("kind");
            while (csv.ReadRow() is { } row)
            {
                if (row.Count != header.Count)
                {
                    throw new FormatException($"Line {csv.Line}: {row.Count} fields, the header has {header.Count}.");
                }
                rows++;
                if ((kindColumn >= 0 && row[kindColumn] is not ("" or "scalar")) || row[valueColumn].Length == 0)
                {
                    continue;
                }
                long step = stepColumn >= 0 ? ParseStep(row[stepColumn], csv.Line) : rows - 1;
                double wall = wallColumn >= 0 && row[wallColumn].Length > 0 ? ParseNumber(row[wallColumn], csv.Line) : baseWall + rows - 1;
                emit(runColumn >= 0 && row[runColumn].Length > 0 ? row[runColumn] : options.DefaultRun, row[tagColumn], step, wall, ParseNumber(row[valueColumn], csv.Line), csv.Line);
            }
            return rows;
        }
        int stepIndex = FindStepColumn(header, options);
        bool split = options.SplitValidation && header.Any(h => h.StartsWith("val_", StringComparison.Ordinal));
        while (csv.ReadRow() is { } row)
        {
            if (row.Count != header.Count)
            {
                throw new FormatException($"Line {csv.Line}: {row.Count} fields, the header has {header.Count}.");
            }
            rows++;
            long step = stepIndex >= 0 ? ParseStep(row[stepIndex], csv.Line) : rows - 1;
            double wall = wallColumn >= 0 && row[wallColumn].Length > 0 ? ParseNumber(row[wallColumn], csv.Line) : baseWall + rows - 1;
            for (int i = 0; i < header.Count; i++)
            {
                if (i == stepIndex || i == wallColumn || i == runColumn || row[i].Trim().Length == 0)
                {
                    continue;
                }
                var (run, tag) = Place(header[i], split, options);
                emit(runColumn >= 0 && row[runColumn].Length > 0 ? row[runColumn] : run, tag, step, wall, ParseNumber(row[i], csv.Line), csv.Line);
            }
        }
        return rows;
    }

    private static long ImportJsonLines(TextReader text, ImportOptions options, double baseWall, Emitter emit)
    {
        long line = 0;
        long rows = 0;
        while (text.ReadLine() is { } json)
        {
            line++;
            if (json.Trim().Length == 0)
            {
                continue;
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json);
            }
            catch (JsonException ex)
            {
                throw new FormatException($"Line {line}: not JSON ({ex.Message}).", ex);
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"Line {line}: expected a JSON object.");
                }
                rows++;
                string? run = root.TryGetProperty("run", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                double wall = baseWall + rows - 1;
                foreach (string name in s_wallColumns)
                {
                    if (root.TryGetProperty(name, out var w) && w.ValueKind != JsonValueKind.Null)
                    {
                        wall = JsonNumber(w, line);
                        break;
                    }
                }
                if (root.TryGetProperty("tag", out var tag) && root.TryGetProperty("value", out var value))
                {
                    if (root.TryGetProperty("kind", out var kind) && kind.GetString() is not "scalar")
                    {
                        continue;
                    }
                    long step = root.TryGetProperty(options.StepColumn ?? "step", out var s) ? (long)JsonNumber(s, line) : rows - 1;
                    emit(run ?? options.DefaultRun, tag.GetString() ?? "", step, wall, JsonNumber(value, line), line);
                    continue;
                }
                // Wide: every other numeric member is a metric.
                string? stepName = options.StepColumn ?? s_stepColumns.FirstOrDefault(n => root.TryGetProperty(n, out _));
                long wideStep = stepName is not null && root.TryGetProperty(stepName, out var ws) ? (long)JsonNumber(ws, line) : rows - 1;
                bool split = options.SplitValidation && root.EnumerateObject().Any(p => p.Name.StartsWith("val_", StringComparison.Ordinal));
                foreach (var property in root.EnumerateObject())
                {
                    if (property.Name == stepName || property.Name == "run" || s_wallColumns.Contains(property.Name) ||
                        property.Value.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
                    {
                        continue;
                    }
                    var (placeRun, placeTag) = Place(property.Name, split, options);
                    emit(run ?? placeRun, placeTag, wideStep, wall, JsonNumber(property.Value, line), line);
                }
            }
        }
        return rows;
    }

    private static int FindStepColumn(List<string> header, ImportOptions options)
    {
        if (options.StepColumn is { } name)
        {
            int index = header.IndexOf(name);
            return index >= 0 ? index : throw new FormatException($"The step column '{name}' is not in the header.");
        }
        foreach (string candidate in s_stepColumns)
        {
            int index = header.FindIndex(h => string.Equals(h, candidate, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return index;
            }
        }
        return -1;
    }

    private static (string Run, string Tag) Place(string column, bool split, ImportOptions options)
    {
        if (!split)
        {
            return (options.DefaultRun, column);
        }
        return column.StartsWith("val_", StringComparison.Ordinal) ? ("validation", column[4..]) : ("train", column);
    }

    private static long ParseStep(string text, long line)
    {
        if (long.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long step))
        {
            return step;
        }
        // Some loggers write steps as floats ("3.0").
        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == Math.Floor(d) && Math.Abs(d) < 9e15)
        {
            return (long)d;
        }
        throw new FormatException($"Line {line}: step '{text}' is not an integer.");
    }

    private static double ParseNumber(string text, long line)
    {
        string t = text.Trim();
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return value;
        }
        return t.ToLowerInvariant() switch
        {
            "nan" => double.NaN,
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            _ => throw new FormatException($"Line {line}: '{text}' is not a number."),
        };
    }

    private static double JsonNumber(JsonElement element, long line) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => ParseNumber(element.GetString() ?? "", line),
        _ => throw new FormatException($"Line {line}: '{element.GetRawText()}' is not a number."),
    };
}
