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
            report.Add("process peak working set (MB)", (Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture));
            // The export once more, alone: how far above its start the working set goes, and what it allocates.
            var (peak, allocated) = PeakMemory.Measure(() => ParquetExporter.Export(logs, parquet));
            report.Add("Parquet export: peak working set above baseline, MB", (peak / 1e6).ToString("0.0", CultureInfo.InvariantCulture),
                "the readers' goal is <= 64; Parquet.Net's dictionary encoder sizes a table for every row of each string column chunk");
            report.Add("Parquet export: bytes allocated per row", (allocated / (double)rows).ToString("0.0", CultureInfo.InvariantCulture), "about 76 of them that table");
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }
}
