using System.Globalization;
using TbLogger.Reading;

namespace TbLogger.Replay;

/// <summary>
/// Exports a log directory's scalars (and optionally histograms and PR curves) as CSV or JSON Lines with the columns
/// run, tag, step, wall_time, value, streaming: memory stays flat however large the logs are. Values use the
/// shortest text that round-trips the double; NaN and infinities are written NaN, Infinity, -Infinity (JSON: as strings).
/// </summary>
public static class LogExporter
{
    private const int ProgressEvery = 65_536;

    /// <summary>The format implied by a file name: ".jsonl", ".ndjson" or ".json" → JSON Lines, ".csv" (or anything else) → CSV.</summary>
    /// <param name="path">The output path.</param>
    /// <returns>The format.</returns>
    public static ExportFormat FormatOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".jsonl" or ".ndjson" or ".json" ? ExportFormat.JsonLines : ExportFormat.Csv;
    }

    /// <summary>Exports into a new file (replaced if it exists).</summary>
    /// <param name="logDirectory">The log directory.</param>
    /// <param name="outputPath">The output file.</param>
    /// <param name="options">What to write; null for all scalars as CSV.</param>
    /// <param name="readerOptions">How to read; null for the defaults.</param>
    /// <returns>Rows written.</returns>
    public static long ExportToFile(string logDirectory, string outputPath, ExportOptions? options = null, LogDirReaderOptions? readerOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        return ExportToFile(new LogDirReader(logDirectory, readerOptions), outputPath, options);
    }

    /// <summary>
    /// Exports what <paramref name="reader"/> reads into a new file (replaced if it exists), written under a hidden
    /// temporary name beside it and moved into place once complete: an export that fails leaves the previous file.
    /// </summary>
    /// <param name="reader">The log directory reader (its options decide how it reads, e.g. a progress sink).</param>
    /// <param name="outputPath">The output file.</param>
    /// <param name="options">What to write; null for all scalars as CSV.</param>
    /// <returns>Rows written.</returns>
    public static long ExportToFile(LogDirReader reader, string outputPath, ExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        // Written under a temporary name and moved into place once complete: an export that fails leaves the previous
        // file (or none), not rows cut off at some byte.
        using var staged = new Storage.StagedFiles();
        long rows;
        using (var stream = staged.Create(outputPath, FileShare.Read, bufferSize: 0))
        {
            rows = Export(reader, stream, options);
        }
        staged.Commit();
        return rows;
    }

    /// <summary>Exports to a stream (left open).</summary>
    /// <param name="reader">The log directory reader.</param>
    /// <param name="output">A writable stream.</param>
    /// <param name="options">What to write; null for all scalars as CSV.</param>
    /// <returns>Rows written.</returns>
    public static long Export(LogDirReader reader, Stream output, ExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new ExportOptions();
        bool json = options.Format == ExportFormat.JsonLines;
        bool extra = options.IncludeHistograms || options.IncludePrCurves;
        long rows = 0;
        using var writer = new Utf8RowWriter(output);
        if (!json)
        {
            writer.Raw(extra ? "run,tag,step,wall_time,value,kind,data\n"u8 : "run,tag,step,wall_time,value\n"u8);
        }
        if (!extra)
        {
            // Scalars only: the reader decodes runs in parallel, and the rows are formatted on as many threads.
            writer.Flush();
            rows = ScalarRowExport.Write(reader.ReadScalars(options.Filter), output, json, options.Progress, reader.Options.Threads);
            options.Progress?.Report(rows);
            return rows;
        }
        PluginKind? only = null;
        var thresholds = new Dictionary<(string, string), int>();
        foreach (ValueRef v in reader.Values(options.Filter, only))
        {
            switch (v.Kind)
            {
                case PluginKind.Scalars when reader.Scalar(v, out double value):
                    WriteScalar(writer, v, value, json, extra);
                    break;
                case PluginKind.Histograms when options.IncludeHistograms:
                    var histogram = reader.Decode(v, LogDirReader.ToHistogram);
                    if (histogram is null)
                    {
                        continue;
                    }
                    WriteHistogram(writer, v, json, histogram);
                    break;
                case PluginKind.PrCurves when options.IncludePrCurves:
                    var curve = reader.Decode(v, (in ValueRef value) => LogDirReader.ToPrCurve(value, thresholds));
                    if (curve is null)
                    {
                        continue;
                    }
                    WritePrCurve(writer, v, json, curve);
                    break;
                default:
                    continue;
            }
            if (++rows % ProgressEvery == 0)
            {
                options.Progress?.Report(rows);
            }
        }
        writer.Flush();
        options.Progress?.Report(rows);
        return rows;
    }

    private static void WriteScalar(Utf8RowWriter writer, in ValueRef v, double value, bool json, bool extra)
    {
        if (json)
        {
            writer.JsonScalarRow(v.Run, v.Tag, v.Step, v.WallTime, value);
        }
        else
        {
            writer.CsvScalarRow(v.Run, v.Tag, v.Step, v.WallTime, value, extra);
        }
    }

    /// <summary>The columns every row starts with: run, tag, step, wall_time (a JSON object left open for the rest).</summary>
    internal static void WriteKey(Utf8RowWriter writer, string run, string tag, long step, double wallTime, bool json)
    {
        if (json)
        {
            writer.JsonRunAndTag(run, tag);
            writer.Long(step);
            writer.Raw(",\"wall_time\":"u8);
            writer.WallTime(wallTime, json: true);
            return;
        }
        writer.CsvRunAndTag(run, tag);
        writer.Long(step);
        writer.Byte((byte)',');
        writer.WallTime(wallTime, json: false);
    }

    // A histogram or PR curve row's data is written as it is produced, not built as one string first: a histogram of
    // millions of buckets (16 MB of packed halves in a file) made a string of hundreds of MB, copied four times over
    // (escaped, interpolated, encoded), 4.8 GB in all.
    private static void WriteHistogram(Utf8RowWriter writer, in ValueRef v, bool json, HistogramPoint h)
    {
        var data = new DataColumn(writer, json);
        WriteKey(writer, v.Run, v.Tag, v.Step, v.WallTime, json);
        data.Begin("histogram"u8, "min"u8);
        data.Number(h.Min);
        data.Member("max"u8);
        data.Number(h.Max);
        data.Member("count"u8);
        data.Number(h.Count);
        data.Member("buckets"u8);
        writer.Byte((byte)'[');
        for (int i = 0; i < h.Buckets.Count; i++)
        {
            var b = h.Buckets[i];
            writer.Raw(i == 0 ? "["u8 : ",["u8);
            data.Number(b.Left);
            writer.Byte((byte)',');
            data.Number(b.Right);
            writer.Byte((byte)',');
            data.Number(b.Count);
            writer.Byte((byte)']');
        }
        writer.Byte((byte)']');
        data.End();
    }

    private static void WritePrCurve(Utf8RowWriter writer, in ValueRef v, bool json, PrCurvePoint p)
    {
        var data = new DataColumn(writer, json);
        WriteKey(writer, v.Run, v.Tag, v.Step, v.WallTime, json);
        data.Begin("pr_curve"u8, "num_thresholds"u8);
        writer.Long(p.NumThresholds);
        Row(data, writer, "true_positives"u8, p.TruePositives);
        Row(data, writer, "false_positives"u8, p.FalsePositives);
        Row(data, writer, "true_negatives"u8, p.TrueNegatives);
        Row(data, writer, "false_negatives"u8, p.FalseNegatives);
        Row(data, writer, "precision"u8, p.Precision);
        Row(data, writer, "recall"u8, p.Recall);
        data.End();
    }

    private static void Row(DataColumn data, Utf8RowWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<float> values)
    {
        data.Member(name);
        writer.Byte((byte)'[');
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                writer.Byte((byte)',');
            }
            data.Number(values[i]);
        }
        writer.Byte((byte)']');
    }

    /// <summary>
    /// The kind and data columns of a histogram or PR curve row: in JSON Lines the row's "kind" and the data's members;
    /// in CSV the kind, then the data as one JSON object in one quoted field, each of its quotes doubled.
    /// </summary>
    private readonly ref struct DataColumn(Utf8RowWriter writer, bool json)
    {
        private ReadOnlySpan<byte> Quote => json ? "\""u8 : "\"\""u8;

        /// <summary>The kind, then the data's first member's name.</summary>
        public void Begin(ReadOnlySpan<byte> kind, ReadOnlySpan<byte> first)
        {
            writer.Raw(json ? ",\"kind\":\""u8 : ",,"u8);
            writer.Raw(kind);
            writer.Raw(json ? "\","u8 : ",\"{"u8);
            Name(first);
        }

        /// <summary>A member after the first: a comma and its name.</summary>
        public void Member(ReadOnlySpan<byte> name)
        {
            writer.Byte((byte)',');
            Name(name);
        }

        /// <summary>Shortest round-trip text; NaN and infinities as the strings "NaN", "Infinity", "-Infinity".</summary>
        public void Number(double value)
        {
            if (double.IsFinite(value))
            {
                // A histogram row is mostly numbers (three per bucket): the same text as TryFormat("R"), at about half
                // its cost, as the scalar rows write theirs.
                writer.FiniteNumber(value);
                return;
            }
            writer.Raw(Quote);
            writer.Raw(double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8);
            writer.Raw(Quote);
        }

        /// <summary>Closes the data (and, in JSON Lines, the row's object) and ends the line.</summary>
        public void End() => writer.Raw(json ? "}\n"u8 : "}\"\n"u8);

        private void Name(ReadOnlySpan<byte> name)
        {
            writer.Raw(Quote);
            writer.Raw(name);
            writer.Raw(Quote);
            writer.Byte((byte)':');
        }
    }
}
