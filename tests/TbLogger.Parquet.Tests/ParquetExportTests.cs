using System.Globalization;
using System.IO.Compression;
using DuckDB.NET.Data;
using Parquet;
using TbLogger.Reading;

namespace TbLogger.Parquet.Tests;

/// <summary>The exported tables opened by a real query engine (DuckDB), checked against the values written to the event files.</summary>
[TestClass]
public sealed class ParquetExportTests
{
    private static string s_root = null!;
    private static string s_logs = null!;

    // What each run's writer was given, as the event files store it (scalars are float32 on the wire).
    private static readonly Dictionary<(string Run, string Tag), List<double>> s_written = [];
    private static readonly Dictionary<(string Run, string Tag), List<double>> s_histogramCounts = [];

    private static SummaryWriterOptions Manual => new() { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 };

    [ClassInitialize]
    public static void WriteSweep(TestContext context)
    {
        s_root = Path.Combine(Path.GetTempPath(), "tblogger-parquet-" + Guid.NewGuid().ToString("N"));
        s_logs = Path.Combine(s_root, "sweep");
        var random = new Random(11);
        for (int r = 0; r < 6; r++)
        {
            string run = $"lr_{r}";
            using var writer = new SummaryWriter(Path.Combine(s_logs, run), Manual);
            for (int step = 0; step < 3000; step++)
            {
                double loss = 1.0 / (step + 1 + r);
                double accuracy = Math.Round(random.NextDouble() * 1024) / 1024; // dyadic: any summation order is exact
                writer.AddScalar("loss", loss, step);
                writer.AddScalar("acc/val", accuracy, step);
                Record(s_written, run, "loss", (float)loss);
                Record(s_written, run, "acc/val", (float)accuracy);
                if (step % 100 == 0)
                {
                    float[] values = Enumerable.Range(0, 200 + step % 7).Select(_ => (float)random.NextDouble()).ToArray();
                    writer.AddHistogram("weights", values, step);
                    Record(s_histogramCounts, run, "weights", values.Length);
                    bool[] labels = Enumerable.Range(0, 64).Select(i => i % 2 == 0).ToArray();
                    float[] predictions = Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble()).ToArray();
                    writer.AddPrCurve("pr", labels, predictions, step, numThresholds: 21);
                }
            }
        }
    }

    private static void Record(Dictionary<(string, string), List<double>> into, string run, string tag, double value)
    {
        if (!into.TryGetValue((run, tag), out var list))
        {
            into[(run, tag)] = list = [];
        }
        list.Add(value);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        if (Directory.Exists(s_root))
        {
            Directory.Delete(s_root, recursive: true);
        }
    }

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        // One thread scans row groups in file order, so each (run, tag)'s sum adds in write order.
        command.CommandText = "SET threads = 1;";
        command.ExecuteNonQuery();
        return connection;
    }

    private static List<object[]> Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    private static string Sql(string path) => path.Replace("'", "''", StringComparison.Ordinal);

    [TestMethod]
    public void DuckDB_reads_the_scalars_table_with_count_min_max_and_sum_per_tag_equal_to_the_event_files()
    {
        string output = Path.Combine(s_root, "scalars-" + Guid.NewGuid().ToString("N") + ".parquet");
        var result = ParquetExporter.Export(s_logs, output, new ParquetExportOptions { RowGroupRows = 1000, MaxDegreeOfParallelism = 3 });
        Assert.AreEqual(6 * 3000 * 2L, result.ScalarRows);
        Assert.AreEqual(6, result.Runs);

        using var duck = Open();
        var rows = Query(duck, $"SELECT run, tag, count(*), min(value), max(value), sum(value), min(step), max(step) FROM read_parquet('{Sql(output)}') GROUP BY run, tag ORDER BY run, tag");
        Assert.HasCount(12, rows);
        foreach (var row in rows)
        {
            var values = s_written[((string)row[0], (string)row[1])];
            double sum = 0;
            foreach (double v in values)
            {
                sum += v;
            }
            Assert.AreEqual((long)values.Count, Convert.ToInt64(row[2], CultureInfo.InvariantCulture), $"{row[0]} {row[1]} count");
            Assert.AreEqual(values.Min(), (double)row[3], $"{row[0]} {row[1]} min");
            Assert.AreEqual(values.Max(), (double)row[4], $"{row[0]} {row[1]} max");
            Assert.AreEqual(sum, (double)row[5], $"{row[0]} {row[1]} sum");
            Assert.AreEqual(0L, (long)row[6]);
            Assert.AreEqual(2999L, (long)row[7]);
        }
        // Many row groups (memory stays at a few of them), run and tag dictionary-encoded.
        var groups = Query(duck, $"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{Sql(output)}')");
        Assert.IsGreaterThanOrEqualTo(36L, Convert.ToInt64(groups[0][0], CultureInfo.InvariantCulture));
        foreach (string column in new[] { "run", "tag" })
        {
            var encodings = Query(duck, $"SELECT DISTINCT encodings FROM parquet_metadata('{Sql(output)}') WHERE path_in_schema = '{column}'");
            Assert.IsTrue(encodings.All(e => ((string)e[0]).Contains("DICTIONARY", StringComparison.Ordinal)), $"{column}: {string.Join(", ", encodings.Select(e => e[0]))}");
        }
        // Steps delta-encoded (what makes the file small; DuckDB reads them back exactly, above), and every numeric
        // column with the min/max statistics readers skip row groups by.
        var stepEncodings = Query(duck, $"SELECT DISTINCT encodings FROM parquet_metadata('{Sql(output)}') WHERE path_in_schema = 'step'");
        Assert.IsTrue(stepEncodings.All(e => ((string)e[0]).Contains("DELTA_BINARY_PACKED", StringComparison.Ordinal)), string.Join(", ", stepEncodings.Select(e => e[0])));
        foreach (string column in new[] { "step", "wall_time", "value" })
        {
            var missing = Query(duck, $"SELECT count(*) FROM parquet_metadata('{Sql(output)}') WHERE path_in_schema = '{column}' AND (stats_min IS NULL OR stats_max IS NULL)");
            Assert.AreEqual(0L, Convert.ToInt64(missing[0][0], CultureInfo.InvariantCulture), $"{column}: row groups without min/max");
        }
        var firstGroup = Query(duck, $"SELECT stats_min, stats_max FROM parquet_metadata('{Sql(output)}') WHERE path_in_schema = 'step' AND row_group_id = 0");
        Assert.AreEqual("0", firstGroup[0][0]?.ToString());
        var types = Query(duck, $"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{Sql(output)}'))");
        CollectionAssert.AreEqual(new[] { "run VARCHAR", "tag VARCHAR", "step BIGINT", "wall_time DOUBLE", "value DOUBLE" }, types.Select(t => $"{t[0]} {t[1]}").ToArray());
    }

    [TestMethod]
    public void The_readme_query_finds_the_best_validation_accuracy_of_every_run()
    {
        string output = Path.Combine(s_root, "readme-" + Guid.NewGuid().ToString("N") + ".parquet");
        ParquetExporter.Export(s_logs, output);
        using var duck = Open();
        var rows = Query(duck, $"""
            SELECT run, max(value) AS best, arg_max(step, value) AS at_step
            FROM '{Sql(output)}'
            WHERE tag = 'acc/val'
            GROUP BY run
            ORDER BY best DESC, run
            """);
        var expected = s_written.Where(kv => kv.Key.Tag == "acc/val")
            .Select(kv => (Run: kv.Key.Run, Best: kv.Value.Max()))
            .OrderByDescending(x => x.Best).ThenBy(x => x.Run, StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(expected.Select(x => $"{x.Run} {x.Best:R}").ToList(), rows.Select(r => $"{r[0]} {(double)r[1]:R}").ToList());
        foreach (var row in rows)
        {
            var values = s_written[((string)row[0], "acc/val")];
            Assert.AreEqual(values.Max(), values[(int)(long)row[2]], "arg_max names a step holding the best value");
        }
    }

    [TestMethod]
    public void Histograms_and_pr_curves_are_tables_of_their_own_with_list_columns()
    {
        string output = Path.Combine(s_root, "all-" + Guid.NewGuid().ToString("N") + ".parquet");
        var result = ParquetExporter.Export(s_logs, output, new ParquetExportOptions { IncludeHistograms = true, IncludePrCurves = true, ListRowGroupRows = 7 });
        Assert.AreEqual(ParquetExporter.HistogramsPathFor(output), result.HistogramsPath);
        Assert.AreEqual(6 * 30L, result.HistogramRows);
        Assert.AreEqual(6 * 30L, result.PrCurveRows);
        using var duck = Open();
        var histograms = Query(duck, $"SELECT run, count(*), sum(list_sum(bucket_count)), sum(count), bool_and(len(bucket_left) = len(bucket_count) AND len(bucket_right) = len(bucket_count)), bool_and(list_sum(bucket_count) = count) FROM '{Sql(result.HistogramsPath!)}' GROUP BY run ORDER BY run");
        Assert.HasCount(6, histograms);
        foreach (var row in histograms)
        {
            double points = s_histogramCounts[((string)row[0], "weights")].Sum();
            Assert.AreEqual(30L, Convert.ToInt64(row[1], CultureInfo.InvariantCulture));
            Assert.AreEqual(points, (double)row[2], $"{row[0]}: every value is in one bucket");
            Assert.AreEqual(points, (double)row[3]);
            Assert.IsTrue((bool)row[4]);
            Assert.IsTrue((bool)row[5]);
        }
        // Against the reader's own view of one curve, element by element.
        var curve = new LogDirReader(s_logs).ReadPrCurves(new ReadFilter { Runs = TagFilter.Exact("lr_3"), Steps = StepRange.Parse("500:500") }).Single();
        var pr = Query(duck, $"SELECT num_thresholds, precision, recall, true_positives FROM '{Sql(result.PrCurvesPath!)}' WHERE run = 'lr_3' AND step = 500");
        Assert.AreEqual(21, (int)pr[0][0]);
        CollectionAssert.AreEqual(curve.Precision.ToList(), ((System.Collections.IEnumerable)pr[0][1]).Cast<float>().ToList());
        CollectionAssert.AreEqual(curve.Recall.ToList(), ((System.Collections.IEnumerable)pr[0][2]).Cast<float>().ToList());
        CollectionAssert.AreEqual(curve.TruePositives.ToList(), ((System.Collections.IEnumerable)pr[0][3]).Cast<float>().ToList());
    }

    [TestMethod]
    [DataRow(ParquetCompression.Zstd, "ZSTD")]
    [DataRow(ParquetCompression.Snappy, "SNAPPY")]
    [DataRow(ParquetCompression.Gzip, "GZIP")]
    [DataRow(ParquetCompression.Uncompressed, "UNCOMPRESSED")]
    public void Each_compression_is_the_codec_of_every_column_chunk_and_DuckDB_reads_the_same_rows(ParquetCompression compression, string codec)
    {
        string output = Path.Combine(s_root, $"{codec}-" + Guid.NewGuid().ToString("N") + ".parquet");
        var result = ParquetExporter.Export(s_logs, output, new ParquetExportOptions { Compression = compression, IncludeHistograms = true, IncludePrCurves = true, RowGroupRows = 5000 });
        using var duck = Open();
        foreach (string table in new[] { output, result.HistogramsPath!, result.PrCurvesPath! })
        {
            var codecs = Query(duck, $"SELECT DISTINCT compression FROM parquet_metadata('{Sql(table)}')");
            CollectionAssert.AreEqual(new[] { codec }, codecs.Select(c => (string)c[0]).ToArray(), Path.GetFileName(table));
        }
        // Every row of every table, as the reader reads the event files (the codec changes the bytes, never a value).
        var reader = new LogDirReader(s_logs);
        CollectionAssert.AreEqual(
            reader.ReadScalars().Select(p => $"{p.Run} {p.Tag} {p.Step} {R(p.WallTime)} {R(p.Value)}").Order(StringComparer.Ordinal).ToList(),
            Query(duck, $"SELECT run, tag, step, wall_time, value FROM '{Sql(output)}'").Select(r => $"{r[0]} {r[1]} {r[2]} {R(r[3])} {R(r[4])}").Order(StringComparer.Ordinal).ToList());
        var histograms = reader.ReadHistograms().Select(h => $"{h.Run} {h.Tag} {h.Step} {R(h.Min)} {R(h.Max)} {R(h.Count)} {R(h.Sum)} {R(h.SumSquares)} | {string.Join(" ", h.Buckets.Select(b => R(b.Left)))} | {string.Join(" ", h.Buckets.Select(b => R(b.Right)))} | {string.Join(" ", h.Buckets.Select(b => R(b.Count)))}").Order(StringComparer.Ordinal).ToList();
        Assert.HasCount(6 * 30, histograms);
        CollectionAssert.AreEqual(histograms,
            Query(duck, $"SELECT run, tag, step, min, max, count, sum, sum_squares, bucket_left, bucket_right, bucket_count FROM '{Sql(result.HistogramsPath!)}'")
                .Select(r => $"{r[0]} {r[1]} {r[2]} {R(r[3])} {R(r[4])} {R(r[5])} {R(r[6])} {R(r[7])} | {Rs(r[8])} | {Rs(r[9])} | {Rs(r[10])}").Order(StringComparer.Ordinal).ToList());
        var curves = reader.ReadPrCurves().Select(c => $"{c.Run} {c.Tag} {c.Step} {c.NumThresholds} | {string.Join(" ", c.Precision.Select(v => R(v)))} | {string.Join(" ", c.Recall.Select(v => R(v)))} | {string.Join(" ", c.TruePositives.Select(v => R(v)))}").Order(StringComparer.Ordinal).ToList();
        Assert.HasCount(6 * 30, curves);
        CollectionAssert.AreEqual(curves,
            Query(duck, $"SELECT run, tag, step, num_thresholds, precision, recall, true_positives FROM '{Sql(result.PrCurvesPath!)}'")
                .Select(r => $"{r[0]} {r[1]} {r[2]} {r[3]} | {Rs(r[4])} | {Rs(r[5])} | {Rs(r[6])}").Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>A number as its shortest round-trip text, whatever the culture (DuckDB hands back doubles and floats).</summary>
    private static string R(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A list column's numbers, as <see cref="R"/> writes them.</summary>
    private static string Rs(object value) => string.Join(" ", ((System.Collections.IEnumerable)value).Cast<object>().Select(R));

    [TestMethod]
    [DataRow(ParquetCompression.Zstd, CompressionMethod.Zstd, CompressionLevel.Fastest)]
    [DataRow(ParquetCompression.Snappy, CompressionMethod.Snappy, CompressionLevel.Optimal)]
    [DataRow(ParquetCompression.Gzip, CompressionMethod.Gzip, CompressionLevel.Optimal)]
    [DataRow(ParquetCompression.Uncompressed, CompressionMethod.None, CompressionLevel.NoCompression)]
    public void Each_compression_is_given_to_Parquet_Net_with_its_level(ParquetCompression compression, CompressionMethod method, CompressionLevel level)
    {
        // Zstandard's level is nowhere in the file: Parquet.Net's default (the smallest size) is level 19, 16 times slower.
        Assert.AreEqual((method, level), ParquetExporter.Codec(compression));
    }

    [TestMethod]
    public void The_defaults_are_zstd_and_groups_of_65536_rows_and_an_unknown_compression_is_refused()
    {
        var defaults = new ParquetExportOptions();
        Assert.AreEqual(ParquetCompression.Zstd, defaults.Compression);
        Assert.AreEqual(65_536, defaults.RowGroupRows);
        string output = Path.Combine(s_root, "bad-" + Guid.NewGuid().ToString("N") + ".parquet");
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ParquetExporter.Export(s_logs, output, new ParquetExportOptions { Compression = (ParquetCompression)7 }));
        Assert.AreEqual("Compression", error.ParamName);
        StringAssert.StartsWith(error.Message, "Unknown ParquetCompression.");
        Assert.IsFalse(File.Exists(output), "nothing is written for refused options");
        var tooLarge = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ParquetExporter.Export(s_logs, output, new ParquetExportOptions { RowGroupRows = ParquetExportOptions.MaxRowGroupRows + 1 }));
        Assert.AreEqual("RowGroupRows", tooLarge.ParamName);
        var tooLargeLists = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ParquetExporter.Export(s_logs, output, new ParquetExportOptions { ListRowGroupRows = int.MaxValue }));
        Assert.AreEqual("ListRowGroupRows", tooLargeLists.ParamName);
        Assert.IsFalse(File.Exists(output));
        Assert.AreEqual(0, Directory.GetFiles(s_root, "*.partial").Length);
    }

    [TestMethod]
    public void An_export_that_fails_or_is_cancelled_leaves_the_previous_tables_and_no_partial_file()
    {
        string dir = Path.Combine(s_root, "staged-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string output = Path.Combine(dir, "t.parquet");
        var first = ParquetExporter.Export(s_logs, output, new ParquetExportOptions { IncludeHistograms = true, Filter = ReadFilter.All with { Tags = TagFilter.Parse("loss,weights") } });
        byte[] scalars = File.ReadAllBytes(output);
        byte[] histograms = File.ReadAllBytes(first.HistogramsPath!);

        // A progress sink that throws once the scalars table has its first row groups: Parquet.Net still writes that
        // table's footer on the way out, so written in place it would be a valid table of some of the rows.
        var failing = new ParquetExportOptions { IncludeHistograms = true, RowGroupRows = 1000, MaxDegreeOfParallelism = 1, Progress = new ThrowAfter(3) };
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => ParquetExporter.Export(s_logs, output, failing));
        Assert.AreEqual("progress sink failed", error.Message);
        CollectionAssert.AreEqual(scalars, File.ReadAllBytes(output));
        CollectionAssert.AreEqual(histograms, File.ReadAllBytes(first.HistogramsPath!));

        // Cancelled while the histograms table (the second) is written: the complete scalars table is not moved either.
        using var cancel = new CancellationTokenSource();
        var cancelling = new ParquetExportOptions { IncludeHistograms = true, ListRowGroupRows = 10, MaxDegreeOfParallelism = 1, Progress = new CancelAt(6 * 3000 * 2 + 1, cancel) };
        Assert.Throws<OperationCanceledException>(() => ParquetExporter.ExportAsync(s_logs, output, cancelling, cancel.Token).GetAwaiter().GetResult());
        CollectionAssert.AreEqual(scalars, File.ReadAllBytes(output));
        CollectionAssert.AreEqual(histograms, File.ReadAllBytes(first.HistogramsPath!));
        CollectionAssert.AreEquivalent(new[] { "t.parquet", "t.histograms.parquet" }, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray(), "no temporary file is left");

        // A new file where none was: nothing until the export completes, then the table itself.
        string fresh = Path.Combine(dir, "fresh.parquet");
        Assert.ThrowsExactly<InvalidOperationException>(() => ParquetExporter.Export(s_logs, fresh, failing with { Progress = new ThrowAfter(1) }));
        Assert.IsFalse(File.Exists(fresh));
        Assert.AreEqual(6 * 3000 * 2L, ParquetExporter.Export(s_logs, fresh).ScalarRows);
        CollectionAssert.AreEquivalent(new[] { "t.parquet", "t.histograms.parquet", "fresh.parquet" }, Directory.GetFiles(dir).Select(Path.GetFileName).ToArray());
    }

    /// <summary>Throws on its <c>n</c>-th report.</summary>
    private sealed class ThrowAfter(int n) : IProgress<long>
    {
        private int _reports;

        public void Report(long value)
        {
            if (++_reports == n)
            {
                throw new InvalidOperationException("progress sink failed");
            }
        }
    }

    /// <summary>Cancels <paramref name="source"/> once the rows written reach <paramref name="rows"/>.</summary>
    private sealed class CancelAt(long rows, CancellationTokenSource source) : IProgress<long>
    {
        public void Report(long value)
        {
            if (value >= rows)
            {
                source.Cancel();
            }
        }
    }

    [TestMethod]
    [DataRow("zstd", "ZSTD")]
    [DataRow("snappy", "SNAPPY")]
    [DataRow("gzip", "GZIP")]
    [DataRow("uncompressed", "UNCOMPRESSED")]
    [DataRow(null, "ZSTD")]
    public void Tblog_export_compression_chooses_the_codec(string? name, string codec)
    {
        string output = Path.Combine(s_root, $"cli-{codec}-" + Guid.NewGuid().ToString("N") + ".parquet");
        string[] args = name is null ? ["export", s_logs, "-o", output, "--tags", "loss", "--json"] : ["export", s_logs, "-o", output, "--compression", name, "--tags", "loss", "--json"];
        var (code, stdout, stderr) = CliRunner.Run(args);
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stdout, $"\"compression\":\"{name ?? "zstd"}\"");
        using var duck = Open();
        Assert.AreEqual(codec, (string)Query(duck, $"SELECT DISTINCT compression FROM parquet_metadata('{Sql(output)}')").Single()[0]);
        Assert.AreEqual(18000L, Convert.ToInt64(Query(duck, $"SELECT count(*) FROM '{Sql(output)}'")[0][0], CultureInfo.InvariantCulture));
    }

    [TestMethod]
    public void Tblog_export_compression_is_refused_without_parquet_output_before_anything_is_written()
    {
        const string refused = "tblog: --compression applies only to Parquet output (--format parquet, or an --output ending in .parquet without another --format).\n";
        string csv = Path.Combine(s_root, "cli-" + Guid.NewGuid().ToString("N") + ".csv");
        Assert.AreEqual((2, refused), Exit(CliRunner.Run("export", s_logs, "-o", csv, "--compression", "gzip")));
        Assert.IsFalse(File.Exists(csv));
        string named = Path.Combine(s_root, "cli-" + Guid.NewGuid().ToString("N") + ".parquet");
        Assert.AreEqual((2, refused), Exit(CliRunner.Run("export", s_logs, "-o", named, "--format", "csv", "--compression", "zstd")));
        Assert.IsFalse(File.Exists(named));
        // Media alone (no --output): refused before any image is written.
        string images = Path.Combine(s_root, "img-" + Guid.NewGuid().ToString("N"));
        Assert.AreEqual((2, refused), Exit(CliRunner.Run("export", s_logs, "--images", images, "--compression", "zstd")));
        Assert.IsFalse(Directory.Exists(images));
        // A Parquet target that cannot be written is refused before the media beside it are written.
        string audio = Path.Combine(s_root, "aud-" + Guid.NewGuid().ToString("N"));
        Assert.AreEqual((2, "tblog: --format parquet writes files: give --output NAME.parquet.\n"), Exit(CliRunner.Run("export", s_logs, "--audio", audio, "-o", "-", "--format", "parquet")));
        Assert.IsFalse(Directory.Exists(audio));
        var (unknownCode, _, unknownError) = CliRunner.Run("export", s_logs, "-o", named, "--compression", "lz4");
        Assert.AreEqual(2, unknownCode);
        StringAssert.StartsWith(unknownError, "tblog: Argument 'lz4' not recognized. Must be one of:");
    }

    private static (int Code, string Err) Exit((int Code, string Out, string Err) run) => (run.Code, run.Err);

    [TestMethod]
    public void Tblog_export_stopped_by_ctrl_c_exits_130_and_leaves_no_table()
    {
        // Ctrl+C (or SIGTERM) cancels the token the command gets: one line and exit 130, not an unhandled exception.
        string output = Path.Combine(s_root, "cli-stopped-" + Guid.NewGuid().ToString("N") + ".parquet");
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = TbLogger.Cli.CliApp.RunAsync(["export", s_logs, "-o", output], stdout, stderr, interactive: false, new CancellationToken(canceled: true)).GetAwaiter().GetResult();
        Assert.AreEqual(130, code, stderr.ToString());
        Assert.AreEqual("tblog: stopped before it finished.\n", stderr.ToString());
        Assert.IsFalse(File.Exists(output));
        Assert.AreEqual(0, Directory.GetFiles(s_root, "*.partial").Length);
    }

    [TestMethod]
    public void Tblog_export_format_parquet_writes_the_tables_and_refuses_standard_output()
    {
        string output = Path.Combine(s_root, "cli-" + Guid.NewGuid().ToString("N") + ".parquet");
        var (code, stdout, stderr) = CliRunner.Run("export", s_logs, "-o", output, "--histograms", "--tags", "acc/val,weights");
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stdout, "Exported 18180 rows (18000 scalars, 180 histograms, 0 PR curves) from 6 runs");
        using var duck = Open();
        Assert.AreEqual(18000L, Convert.ToInt64(Query(duck, $"SELECT count(*) FROM '{Sql(output)}' WHERE tag = 'acc/val'")[0][0], CultureInfo.InvariantCulture));
        Assert.IsTrue(File.Exists(ParquetExporter.HistogramsPathFor(output)));

        var (stdoutCode, _, stdoutError) = CliRunner.Run("export", s_logs, "-o", "-", "--format", "parquet");
        Assert.AreEqual(2, stdoutCode);
        Assert.AreEqual("tblog: --format parquet writes files: give --output NAME.parquet.\n", stdoutError);
        var (wrongCode, _, wrongError) = CliRunner.Run("export", s_logs, "-o", Path.Combine(s_root, "x.csv"), "--format", "parquet");
        Assert.AreEqual(2, wrongCode);
        StringAssert.Contains(wrongError, "must end in .parquet");
    }

    [TestMethod]
    public void A_histogram_without_buckets_is_an_empty_list_between_full_ones()
    {
        string logs = Path.Combine(s_root, "empty-" + Guid.NewGuid().ToString("N"));
        using (var writer = new SummaryWriter(logs, Manual))
        {
            writer.AddHistogram("h", new float[] { 1, 2, 3 }, 0);
            // Written by some other tool: a legacy HistogramProto with no buckets (TensorBoard shows it as empty).
            var empty = new TbLogger.Protos.Summary();
            empty.Value.Add(new TbLogger.Protos.Summary.Types.Value { Tag = "h", Histo = new TbLogger.Protos.HistogramProto() });
            writer.AddSummary(empty, 1);
            writer.AddHistogram("h", new float[] { 4, 5 }, 2);
        }
        var expected = new LogDirReader(logs).ReadHistograms().ToList();
        Assert.HasCount(3, expected);
        Assert.IsEmpty(expected[1].Buckets);
        string output = Path.Combine(s_root, "empty-" + Guid.NewGuid().ToString("N") + ".parquet");
        var result = ParquetExporter.Export(logs, output, new ParquetExportOptions { IncludeHistograms = true });
        Assert.AreEqual(3L, result.HistogramRows);
        using var duck = Open();
        var rows = Query(duck, $"SELECT step, len(bucket_left), list_sum(bucket_count), count FROM '{Sql(result.HistogramsPath!)}' ORDER BY step");
        CollectionAssert.AreEqual(
            expected.Select(h => $"{h.Step} {h.Buckets.Count} {(h.Buckets.Count == 0 ? "" : h.Buckets.Sum(b => b.Count).ToString(CultureInfo.InvariantCulture))} {h.Count.ToString(CultureInfo.InvariantCulture)}").ToList(),
            rows.Select(r => $"{r[0]} {r[1]} {(r[2] is DBNull ? "" : Convert.ToDouble(r[2], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture))} {Convert.ToDouble(r[3], CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}").ToList());
    }

    [TestMethod]
    public void Every_row_equals_the_readers_when_row_groups_reuse_the_arrays_of_earlier_ones()
    {
        // One reader and small groups: every run's groups after the first reuse a written batch's arrays, a run's
        // first group reuses the previous run's, and a histogram group with fewer buckets follows one with more.
        string logs = Path.Combine(s_root, "reuse-" + Guid.NewGuid().ToString("N"));
        var random = new Random(5);
        foreach (string run in new[] { "a", "b/c" })
        {
            using var writer = new SummaryWriter(Path.Combine(logs, run), Manual);
            for (int step = 0; step < 23; step++)
            {
                writer.AddScalar(run == "a" ? "loss" : "acc", random.NextDouble(), step);
                if (step % 2 == 0)
                {
                    writer.AddScalar("lr", step / 64.0, step);
                }
                int buckets = (step * 7 % 5) + (run == "a" ? 3 : 1);
                if (step == 9)
                {
                    // A legacy histogram without buckets: an empty list between full ones.
                    var empty = new TbLogger.Protos.Summary();
                    empty.Value.Add(new TbLogger.Protos.Summary.Types.Value { Tag = "w", Histo = new TbLogger.Protos.HistogramProto() });
                    writer.AddSummary(empty, step);
                    continue;
                }
                writer.AddHistogramRaw("w", 0, buckets, buckets, buckets * (buckets + 1) / 2.0, 1,
                    Enumerable.Range(1, buckets).Select(b => (double)b).ToArray(), Enumerable.Repeat(1.0, buckets).ToArray(), step);
            }
        }
        string output = Path.Combine(s_root, "reuse-" + Guid.NewGuid().ToString("N") + ".parquet");
        var result = ParquetExporter.Export(logs, output, new ParquetExportOptions
        {
            IncludeHistograms = true,
            RowGroupRows = 5,
            ListRowGroupRows = 4,
            MaxDegreeOfParallelism = 1,
        });

        using var duck = Open();
        static string Number(object value) => Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
        static string List(object value) => string.Join(" ", ((System.Collections.IEnumerable)value).Cast<object>().Select(Number));
        var reader = new LogDirReader(logs);
        var scalars = reader.ReadScalars().Select(p => $"{p.Run} {p.Tag} {p.Step} {p.WallTime.ToString("R", CultureInfo.InvariantCulture)} {p.Value.ToString("R", CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal).ToList();
        Assert.AreEqual(scalars.Count, result.ScalarRows);
        CollectionAssert.AreEqual(scalars,
            Query(duck, $"SELECT run, tag, step, wall_time, value FROM '{Sql(output)}'").Select(r => $"{r[0]} {r[1]} {r[2]} {Number(r[3])} {Number(r[4])}").Order(StringComparer.Ordinal).ToList());
        var histograms = reader.ReadHistograms().Select(h => $"{h.Run} {h.Tag} {h.Step} {h.Min} {h.Max} {h.Count} {h.Sum} | {string.Join(" ", h.Buckets.Select(b => b.Left))} | {string.Join(" ", h.Buckets.Select(b => b.Right))} | {string.Join(" ", h.Buckets.Select(b => b.Count))}").Order(StringComparer.Ordinal).ToList();
        Assert.AreEqual(2 * 23, histograms.Count);
        Assert.AreEqual(histograms.Count, result.HistogramRows);
        CollectionAssert.AreEqual(histograms,
            Query(duck, $"SELECT run, tag, step, min, max, count, sum, bucket_left, bucket_right, bucket_count FROM '{Sql(result.HistogramsPath!)}'")
                .Select(r => $"{r[0]} {r[1]} {r[2]} {Number(r[3])} {Number(r[4])} {Number(r[5])} {Number(r[6])} | {List(r[7])} | {List(r[8])} | {List(r[9])}").Order(StringComparer.Ordinal).ToList());
        var groups = Query(duck, $"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{Sql(output)}')");
        Assert.AreEqual(2 * 7L, Convert.ToInt64(groups[0][0], CultureInfo.InvariantCulture), "35 rows per run, in groups of 5");
    }
}
