using System.Diagnostics;
using System.Globalization;
using TbLogger.Benchmarks.Quick;
using TbLogger.Parquet;
using TbLogger.Replay;

namespace TbLogger.Benchmarks.Parquet;

/// <summary>
/// Exports the same log directory (4 runs, 2 tags) to Parquet and to CSV in one run: rows/s and bytes of each.
/// 10^7 scalars by default; TBLOGGER_BENCH_EXPORT_SCALARS sets another count (a loaded machine may need fewer).
/// </summary>
public sealed class ParquetQuickBenchmark : IQuickBenchmark
{
    private const int Runs = 4;

    /// <inheritdoc/>
    public string Name => "parquet";

    /// <inheritdoc/>
    public void Run(QuickReport report)
    {
        long total = long.TryParse(Environment.GetEnvironmentVariable("TBLOGGER_BENCH_EXPORT_SCALARS"), CultureInfo.InvariantCulture, out long n) && n > 0 ? n : 10_000_000;
        string root = Path.Combine(Path.GetTempPath(), "tblogger-bench-parquet-" + Guid.NewGuid().ToString("N"));
        try
        {
            string logs = Path.Combine(root, "logs");
            long perRun = total / Runs;
            Parallel.For(0, Runs, r =>
            {
                using var writer = new SummaryWriter(Path.Combine(logs, $"run_{r}"), new SummaryWriterOptions { Rank = 0, WorldSize = 1 });
                for (long i = 0; i < perRun; i += 2)
                {
                    writer.AddScalar("train/loss", 1.0 / (i + 1), i);
                    writer.AddScalar("val/accuracy", (i % 1000) / 1000.0, i);
                }
            });
            long rows = perRun / 2 * 2 * Runs;
            string csv = Path.Combine(root, "out.csv");
            string parquet = Path.Combine(root, "out.parquet");
            long csvRows = 0, parquetRows = 0;
            double csvNs = Time(() => csvRows = LogExporter.ExportToFile(logs, csv));
            double parquetNs = Time(() => parquetRows = ParquetExporter.Export(logs, parquet).ScalarRows);
            if (csvRows != rows || parquetRows != rows)
            {
                throw new InvalidOperationException($"Expected {rows} rows, CSV wrote {csvRows}, Parquet {parquetRows}.");
            }
            long csvBytes = new FileInfo(csv).Length, parquetBytes = new FileInfo(parquet).Length;
            report.Add($"scalars exported ({Runs} runs)", rows.ToString("N0", CultureInfo.InvariantCulture));
            report.Add("CSV rows/s", (rows / (csvNs / 1e9)).ToString("N0", CultureInfo.InvariantCulture));
            report.Add("Parquet rows/s", (rows / (parquetNs / 1e9)).ToString("N0", CultureInfo.InvariantCulture));
            report.AddRatio("Parquet speed / CSV speed", parquetNs, csvNs, ">= 1", higherIsBetter: true);
            report.Add("CSV bytes", csvBytes.ToString("N0", CultureInfo.InvariantCulture));
            report.Add("Parquet bytes", parquetBytes.ToString("N0", CultureInfo.InvariantCulture));
            report.AddRatio("Parquet bytes / CSV bytes", parquetBytes, csvBytes, "< 1");
            // The default codec (Zstandard) against Snappy, the one every reader knows, on the same table: two rounds of
            // each, alternating (the first export above also paid Parquet.Net's first use), the faster of each kept.
            string snappy = Path.Combine(root, "snappy.parquet");
            double snappyNs = double.MaxValue, zstdNs = double.MaxValue;
            for (int round = 0; round < 2; round++)
            {
                snappyNs = Math.Min(snappyNs, Time(() => ParquetExporter.Export(logs, snappy, new ParquetExportOptions { Compression = ParquetCompression.Snappy })));
                zstdNs = Math.Min(zstdNs, Time(() => ParquetExporter.Export(logs, parquet)));
            }
            long snappyBytes = new FileInfo(snappy).Length;
            report.Add("Parquet bytes, Snappy", snappyBytes.ToString("N0", CultureInfo.InvariantCulture));
            report.AddRatio("Parquet bytes: Zstandard (default) / Snappy", parquetBytes, snappyBytes, "report");
            report.AddRatio("Parquet export time: Zstandard / Snappy (best of 2 each, alternating)", zstdNs, snappyNs, "report");
            report.Add("process peak working set (MB)", (Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture));
            // The export alone in a fresh process: this one's working set already holds what the exports above left.
            using var child = Process.Start(new ProcessStartInfo("dotnet", [typeof(ParquetQuickBenchmark).Assembly.Location, ExportChildArgument, logs, parquet])
            {
                RedirectStandardOutput = true,
            })!;
            string output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            string[] figures = output.Trim().Split(' ');
            if (child.ExitCode != 0 || figures.Length != 2
                || !double.TryParse(figures[0], CultureInfo.InvariantCulture, out double peak)
                || !double.TryParse(figures[1], CultureInfo.InvariantCulture, out double allocated))
            {
                report.Add("Parquet export in a fresh process", "failed", output.Trim());
                return;
            }
            report.Add("Parquet export, fresh process: peak working set above its start, MB", (peak / 1e6).ToString("0.0", CultureInfo.InvariantCulture),
                "the readers' goal is <= 64; Parquet.Net's dictionary encoder sizes a table for every row of a group's run and tag columns");
            report.Add("Parquet export: bytes allocated per row", (allocated / rows).ToString("0.0", CultureInfo.InvariantCulture), "about 72 of them that table");
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>The argument that makes the benchmark process an export child (see <see cref="ExportChild"/>).</summary>
    public const string ExportChildArgument = "--parquet-export";

    /// <summary>
    /// The fresh process of the memory figure: exports <paramref name="logs"/> to <paramref name="output"/> with the
    /// defaults and prints the working set's peak above its start and the bytes allocated.
    /// </summary>
    public static int ExportChild(string logs, string output)
    {
        var (peak, allocated) = PeakMemory.Measure(() => ParquetExporter.Export(logs, output));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{peak} {allocated}"));
        return 0;
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }
}
