using System.Globalization;
using System.Text;
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
        var reader = new LogDirReader(logDirectory, readerOptions);
        using var stream = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        return Export(reader, stream, options);
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
            int threads = reader.Options.MaxDegreeOfParallelism == 0 ? Environment.ProcessorCount : reader.Options.MaxDegreeOfParallelism;
            rows = ScalarRowExport.Write(reader.ReadScalars(options.Filter), output, json, options.Progress, threads);
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
                    WriteExtra(writer, v, json, "histogram", HistogramJson(histogram));
                    break;
                case PluginKind.PrCurves when options.IncludePrCurves:
                    var curve = reader.Decode(v, (in ValueRef value) => LogDirReader.ToPrCurve(value, thresholds));
                    if (curve is null)
                    {
                        continue;
                    }
                    WriteExtra(writer, v, json, "pr_curve", PrCurveJson(curve));
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

    private static void WriteExtra(Utf8RowWriter writer, in ValueRef v, bool json, string kind, string data)
    {
        WriteKey(writer, v.Run, v.Tag, v.Step, v.WallTime, json);
        writer.Raw(json
            ? Encoding.UTF8.GetBytes($",\"kind\":\"{kind}\",{data[1..]}\n")
            : Encoding.UTF8.GetBytes($",,{kind},{Utf8RowWriter.EscapeCsv(data)}\n"));
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

    private static string HistogramJson(HistogramPoint h)
    {
        var sb = new StringBuilder("{\"min\":").Append(Number(h.Min)).Append(",\"max\":").Append(Number(h.Max))
            .Append(",\"count\":").Append(Number(h.Count)).Append(",\"buckets\":[");
        for (int i = 0; i < h.Buckets.Count; i++)
        {
            var b = h.Buckets[i];
            sb.Append(i == 0 ? "[" : ",[").Append(Number(b.Left)).Append(',').Append(Number(b.Right)).Append(',').Append(Number(b.Count)).Append(']');
        }
        return sb.Append("]}").ToString();
    }

    private static string PrCurveJson(PrCurvePoint p)
    {
        var sb = new StringBuilder("{\"num_thresholds\":").Append(p.NumThresholds);
        Row(sb, "true_positives", p.TruePositives);
        Row(sb, "false_positives", p.FalsePositives);
        Row(sb, "true_negatives", p.TrueNegatives);
        Row(sb, "false_negatives", p.FalseNegatives);
        Row(sb, "precision", p.Precision);
        Row(sb, "recall", p.Recall);
        return sb.Append('}').ToString();
    }

    private static void Row(StringBuilder sb, string name, IReadOnlyList<float> values)
    {
        sb.Append(",\"").Append(name).Append("\":[");
        for (int i = 0; i < values.Count; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append(Number(values[i]));
        }
        sb.Append(']');
    }

    private static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : double.IsNaN(value) ? "\"NaN\"" : value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
}
