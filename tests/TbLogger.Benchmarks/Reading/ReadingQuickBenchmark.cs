using System.Diagnostics;
using TbLogger.Benchmarks.Quick;
using TbLogger.Events;
using TbLogger.Reading;
using TbLogger.Records;
using TbLogger.Replay;
using TbLogger.Storage;

namespace TbLogger.Benchmarks.Reading;

/// <summary>
/// The offline-replay figures: scalar export of a 1,000,000-event file as a ratio to reading its bytes with a plain
/// FileStream (and to the protobuf parsing path), with peak working set sampled during the export; and reading a log
/// directory of 100 runs x 10 tags x 10,000 steps, time and peak memory.
/// </summary>
public sealed class ReadingQuickBenchmark : IQuickBenchmark
{
    private const int Events = 1_000_000;

    /// <inheritdoc />
    public string Name => "reading";

    /// <inheritdoc />
    public void Run(QuickReport report)
    {
        string root = Path.Combine(Path.GetTempPath(), "tblogger-bench", Guid.NewGuid().ToString("N"));
        try
        {
            Export(report, Path.Combine(root, "export"));
            LogDirectory(report, Path.Combine(root, "logdir"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void Export(QuickReport report, string dir)
    {
        string file = WriteRun(dir, Events, tags: 10, Events / 10);
        long bytes = new FileInfo(file).Length;
        report.Add("file: events / MB", $"{Events} / {bytes / 1e6:0.0}");

        double rawNs = QuickReport.MedianNanoseconds(() => ReadBytes(file), runs: 5);
        long rows = 0;
        double exportNs = QuickReport.MedianNanoseconds(() => rows = LogExporter.Export(new LogDirReader(dir), Stream.Null, new ExportOptions()), runs: 5);
        double protobufNs = QuickReport.MedianNanoseconds(() => ProtobufScalars(file), runs: 3);
        if (rows != Events)
        {
            throw new InvalidOperationException($"Exported {rows} rows, expected {Events}.");
        }
        report.Add("plain FileStream read, MB/s", (bytes / (rawNs / 1e9) / 1e6).ToString("0"));
        report.Add("scalar CSV export, events/s", (Events / (exportNs / 1e9)).ToString("N0"));
        report.AddRatio("export speed / plain FileStream read speed", exportNs, rawNs, "higher is better", higherIsBetter: true);
        report.AddRatio("export speed / EventFileReader + Event.Parser path", exportNs, protobufNs, "goal > 1", higherIsBetter: true);
        double readNs = QuickReport.MedianNanoseconds(() => new LogDirReader(dir).ReadScalars().Count(), runs: 5);
        double noPurgeNs = QuickReport.MedianNanoseconds(() => new LogDirReader(dir, LogDirReaderOptions.Default with { PurgeOrphanedData = false }).ReadScalars().Count(), runs: 5);
        report.AddRatio("ReadScalars (no CSV) speed / plain FileStream read speed", readNs, rawNs, "higher is better", higherIsBetter: true);
        report.AddRatio("ReadScalars speed / EventFileReader + Event.Parser path", readNs, protobufNs, "goal > 1", higherIsBetter: true);
        report.Add("share of ReadScalars time spent in the purge pre-pass", ((readNs - noPurgeNs) / readNs).ToString("P0"));

        var (peakDelta, allocated) = Measure(() => LogExporter.Export(new LogDirReader(dir), Stream.Null, new ExportOptions()));
        report.Add("export: peak working set above baseline, MB", (peakDelta / 1e6).ToString("0.0"), "flat (independent of size)");
        report.Add("export: bytes allocated per event", (allocated / (double)Events).ToString("0.00"), "goal ~0");
        var (peakSmall, _) = Measure(() => LogExporter.Export(new LogDirReader(dir), Stream.Null, new ExportOptions { Filter = new ReadFilter { Steps = StepRange.Parse(":9999") } }));
        report.Add("export of 1% of the file: peak working set above baseline, MB", (peakSmall / 1e6).ToString("0.0"), "same as full export = flat");
    }

    private static void LogDirectory(QuickReport report, string dir)
    {
        const int runs = 100, tags = 10, steps = 10_000;
        for (int r = 0; r < runs; r++)
        {
            WriteRun(Path.Combine(dir, $"run{r:D3}"), tags * steps, tags, steps);
        }
        long count = 0;
        long start = Stopwatch.GetTimestamp();
        var (peakDelta, allocated) = Measure(() =>
        {
            count = 0;
            foreach (var _ in new LogDirReader(dir).ReadScalars())
            {
                count++;
            }
        });
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (count != (long)runs * tags * steps)
        {
            throw new InvalidOperationException($"Read {count} scalars.");
        }
        report.Add("100 runs x 10 tags x 10,000 steps: ReadScalars seconds", seconds.ToString("0.00"));
        report.Add("  scalars per second", (count / seconds).ToString("N0"));
        report.Add("  peak working set above baseline, MB", (peakDelta / 1e6).ToString("0.0"));
        report.Add("  process peak working set, MB", (Process.GetCurrentProcess().PeakWorkingSet64 / 1e6).ToString("0"));
        report.Add("  bytes allocated per scalar", (allocated / (double)count).ToString("0.00"));
        start = Stopwatch.GetTimestamp();
        var summary = new LogDirReader(dir).Summarize();
        report.Add("  Summarize (tblog ls) seconds", Stopwatch.GetElapsedTime(start).TotalSeconds.ToString("0.00"));
        if (summary.Count != runs)
        {
            throw new InvalidOperationException("Summarize missed runs.");
        }
    }

    /// <summary>Writes <paramref name="events"/> scalar events (tags cycling) with the writer's own encoder, straight to TFRecords.</summary>
    private static string WriteRun(string dir, int events, int tags, int steps)
    {
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, EventFileNames.Next(DateTimeOffset.UtcNow));
        using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        using var writer = new TfRecordWriter(stream);
        writer.Write(Google.Protobuf.MessageExtensions.ToByteArray(new Protos.Event { WallTime = 1, FileVersion = EventFileWriter.FileVersion }));
        var encoder = new ScalarEventEncoder();
        string[] names = Enumerable.Range(0, tags).Select(t => $"metrics/tag_{t}").ToArray();
        byte[] buffer = new byte[256];
        for (int i = 0; i < events; i++)
        {
            int step = i / tags;
            int length = encoder.Encode(names[i % tags], Math.Sin(i), step % steps, 1_700_000_000 + step, ScalarEncoding.Float32Tensor, buffer);
            writer.Write(buffer.AsSpan(0, length));
        }
        return file;
    }

    private static void ReadBytes(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        byte[] buffer = new byte[64 * 1024];
        while (stream.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    private static double ProtobufScalars(string file)
    {
        double sum = 0;
        foreach (var e in EventFileReader.Read(file))
        {
            if (e.Summary is { } summary)
            {
                foreach (var v in summary.Value)
                {
                    sum += v.Tensor?.FloatVal.Count > 0 ? v.Tensor.FloatVal[0] : v.SimpleValue;
                }
            }
        }
        return sum;
    }

    /// <summary>Runs <paramref name="action"/> while a sampler records the working set; returns peak above the starting set and bytes allocated.</summary>
    private static (long PeakDelta, long Allocated) Measure(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        long baseline = process.WorkingSet64;
        long peak = baseline;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            var p = Process.GetCurrentProcess();
            while (!done.Wait(5))
            {
                p.Refresh();
                peak = Math.Max(peak, p.WorkingSet64);
            }
        }) { IsBackground = true };
        sampler.Start();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        action();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        done.Set();
        sampler.Join();
        return (Math.Max(0, peak - baseline), allocated);
    }
}
