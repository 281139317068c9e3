using System.Diagnostics;
using TbLogger.Benchmarks.Quick;
using TbLogger.Events;
using TbLogger.Records;

namespace TbLogger.Benchmarks.Writer;

/// <summary>
/// The foundation's figures: AddScalar's cost on the caller's thread, end-to-end writing of 1,000,000 scalars
/// against writing the identical bytes with a plain FileStream, and reading them back against reading the bytes.
/// </summary>
public sealed class WriterQuickBenchmark : IQuickBenchmark
{
    private const int Scalars = 1_000_000;

    /// <inheritdoc />
    public string Name => "writer";

    /// <inheritdoc />
    public void Run(QuickReport report)
    {
        string root = Path.Combine(Path.GetTempPath(), "tblogger-bench", Guid.NewGuid().ToString("N"));
        try
        {
            CallerCost(report, Path.Combine(root, "caller"));
            string file = EndToEnd(report, Path.Combine(root, "e2e"));
            Reader(report, file);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void CallerCost(QuickReport report, string dir)
    {
        // Bursts that fit the queue measure the caller's own cost; between bursts the worker drains.
        const int burst = 4096;
        using var writer = new SummaryWriter(dir, new SummaryWriterOptions { MaxQueueEvents = 2 * burst, FlushInterval = Timeout.InfiniteTimeSpan });
        var perCall = new List<double>(200); // sized up front: its growth must not count as AddScalar's allocation
        long allocated = 0;
        long step = 0; // steps only go forward, as in training: the step tracker sees no violation
        for (int round = 0; round < 200; round++)
        {
            writer.Flush();
            long before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < burst; i++, step++)
            {
                writer.AddScalar("train/loss", i * 0.001, step);
            }
            double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / burst;
            long after = GC.GetAllocatedBytesForCurrentThread();
            if (round >= 20)
            {
                perCall.Add(ns);
                allocated += after - before;
            }
        }
        perCall.Sort();
        report.Add("AddScalar median ns/call (bursts of 4096, queue not full)", perCall[perCall.Count / 2].ToString("0.0"), "goal <= 60");
        report.Add("AddScalar bytes allocated per call", (allocated / (double)(perCall.Count * burst)).ToString("0.000"), "goal 0");

        // Sustained: a million calls back to back, so the caller waits whenever the worker falls behind.
        long sustainedStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < Scalars; i++, step++)
        {
            writer.AddScalar("train/loss", i * 0.001, step);
        }
        double sustained = Stopwatch.GetElapsedTime(sustainedStart).TotalNanoseconds / Scalars;
        report.Add("AddScalar sustained ns/call (1M back to back, incl. waits)", sustained.ToString("0.0"));
    }

    private static string EndToEnd(QuickReport report, string dir)
    {
        string file = "";
        double ours = QuickReport.MedianNanoseconds(() =>
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
            using var writer = new SummaryWriter(dir, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
            for (int i = 0; i < Scalars; i++)
            {
                writer.AddScalar("train/loss", i * 0.001, i);
            }
            writer.Flush();
            file = writer.FilePath;
        }, runs: 5);
        byte[] bytes = File.ReadAllBytes(file);
        string copy = Path.Combine(dir, "plain.bin");
        double floor = QuickReport.MedianNanoseconds(() =>
        {
            using var stream = new FileStream(copy, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            for (int at = 0; at < bytes.Length; at += 64 * 1024)
            {
                stream.Write(bytes, at, Math.Min(64 * 1024, bytes.Length - at));
            }
            stream.Flush();
        }, runs: 5);
        File.Delete(copy);
        report.Add("end-to-end 1M scalars: ms (ours / plain FileStream of same bytes)", $"{ours / 1e6:0.0} / {floor / 1e6:0.0}");
        report.AddRatio("end-to-end throughput ratio (FileStream time / ours)", ours, floor, "goal >= 0.67 (ours <= 1.5x)", higherIsBetter: true);
        ScalarBytes(report, bytes.Length);
        return file;
    }

    /// <summary>
    /// The file's size against what PyTorch's SummaryWriter writes for the same tag and steps: Event{wall_time, step,
    /// summary{value{tag, simple_value}}} with no metadata, framed, plus its own header record (sizes computed here
    /// with Google.Protobuf; the wall time is a fixed non-zero double, as both writers' are).
    /// </summary>
    private static void ScalarBytes(QuickReport report, long ourBytes)
    {
        const int framing = 16;
        var header = new Protos.Event { WallTime = 1.7e9, FileVersion = "brain.Event:2" };
        long torch = framing + header.CalculateSize();
        var value = new Protos.Summary.Types.Value { Tag = "train/loss", SimpleValue = 0.5f };
        var e = new Protos.Event { WallTime = 1.7e9, Summary = new Protos.Summary { Value = { value } } };
        for (int i = 0; i < Scalars; i++)
        {
            e.Step = i;
            torch += framing + e.CalculateSize();
        }
        report.Add("scalar file bytes per event: ours / PyTorch simple_value", $"{ourBytes / (double)Scalars:0.0} / {torch / (double)Scalars:0.0}");
        report.AddRatio("scalar file size ratio (ours / PyTorch, same tag and steps)", ourBytes, torch, "goal <= 1.15");
    }

    private static void Reader(QuickReport report, string file)
    {
        long events = 0;
        double ours = QuickReport.MedianNanoseconds(() =>
        {
            events = 0;
            foreach (var e in EventFileReader.Read(file))
            {
                events += e.Step >= 0 ? 1 : 0;
            }
        }, runs: 5);
        long records = 0;
        double recordsOnly = QuickReport.MedianNanoseconds(() =>
        {
            records = 0;
            using var reader = new TfRecordReader(File.OpenRead(file));
            while (reader.TryReadNext(out _))
            {
                records++;
            }
        }, runs: 5);
        var buffer = new byte[64 * 1024];
        double floor = QuickReport.MedianNanoseconds(() =>
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            while (stream.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }, runs: 5);
        report.Add("reader records/s (TfRecordReader, CRCs checked)", (records / (recordsOnly / 1e9)).ToString("N0"));
        report.Add("reader events/s (EventFileReader, parsed)", (events / (ours / 1e9)).ToString("N0"));
        report.AddRatio("records throughput ratio (FileStream read time / ours)", recordsOnly, floor, "report", higherIsBetter: true);
        report.AddRatio("events throughput ratio (FileStream read time / ours)", ours, floor, "report", higherIsBetter: true);
    }
}
