using System.Diagnostics;
using TbLogger.Benchmarks.Quick;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Reading.Verify;
using TbLogger.Reading.Verify.Loader;
using TbLogger.Records;
using TbLogger.Replay;
using TbLogger.Storage;

namespace TbLogger.Benchmarks.Reading;

/// <summary>
/// The reader figures of issue 19 (goal 5), each the median of 3 runs with its spread, measured in this process:
/// <list type="bullet">
/// <item>one run of <see cref="SingleRunScalars"/> scalars: ReadScalars, EventFileReader (and its Event objects
/// built alone, their floor), CSV export and CSV formatting alone (rows/s), each against a plain FileStream read of
/// the same bytes, and peak memory;</item>
/// <item>a directory of <see cref="Runs"/> runs of 100,000 scalars: ReadScalars on every core and on one, the
/// speedup, peak memory.</item>
/// </list>
/// Sizes are chosen so the group stays within the CI quick step's budget (1M scalars in one run, 40 runs = 4M
/// scalars), except ReadScalars on one run of 10^7 scalars, the goal's own figure, which is measured at that size
/// (<see cref="GoalSizeRun"/>). Every line at 10^7: TBLOGGER_READING_SCALARS=10000000 (one run of 10^7; a run that
/// big is read in two passes, purge pre-pass then scan, both split into segments between the threads) and
/// TBLOGGER_READING_RUNS=100 (100 runs, 10^7 scalars).
/// </summary>
public sealed class ReadingQuickBenchmark : IQuickBenchmark
{
    private const int ScalarsPerRun = 100_000;
    private const int Tags = 10;

    /// <summary>The goal's one run: ReadScalars at least 15 M scalars/s and 0.1x a plain read on 10^7 scalars.</summary>
    private const int GoalRunScalars = 10_000_000;

    private static int Runs =>
        int.TryParse(Environment.GetEnvironmentVariable("TBLOGGER_READING_RUNS"), out int n) && n > 0 ? n : 40;

    private static int SingleRunScalars =>
        int.TryParse(Environment.GetEnvironmentVariable("TBLOGGER_READING_SCALARS"), out int n) && n > 0 ? n : 1_000_000;

    /// <inheritdoc />
    public string Name => "reading";

    /// <inheritdoc />
    public void Run(QuickReport report)
    {
        string root = Path.Combine(Path.GetTempPath(), "tblogger-bench", Guid.NewGuid().ToString("N"));
        try
        {
            report.Add("machine load (1-minute average, cores)", $"{LoadAverage()} / {Environment.ProcessorCount}", "figures below are medians of 3 [min-max]");
            CoreScaling.Report(report);
            SingleRun(report, Path.Combine(root, "single"));
            if (SingleRunScalars < GoalRunScalars)
            {
                GoalSizeRun(report, Path.Combine(root, "goal"));
            }
            ManyRuns(report, Path.Combine(root, "many"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void SingleRun(QuickReport report, string dir)
    {
        int scalars = SingleRunScalars;
        string file = WriteRun(dir, scalars);
        long bytes = new FileInfo(file).Length;
        report.Add("one run: scalars / MB", $"{scalars:N0} / {bytes / 1e6:0.0}");

        var raw = Times(() => ReadBytes([file]));
        report.Add("  plain FileStream read, MB/s", Rate(bytes, raw, 1e6));
        long count = 0;
        // With both cores reading, the runtime's background compiler shares them with the two readers, so the split
        // read's code reaches its optimised tier only after several reads of 1M scalars (on a loaded machine up to
        // about eight; until then it runs at twice its CPU time). Warm it up as a long-lived process would be, so that
        // this figure is the steady state like every other line here: about 8M scalars read first, whatever the size.
        // A process splits one run only once it has read 4M scalars on one thread (LogDirReaderOptions.SplitAfterScalars,
        // so that a fresh process never loses to the one-thread read): those come first, then about 8M split.
        for (long warm = 0; warm < 12_000_000; warm += scalars)
        {
            new LogDirReader(dir).ReadScalars().LongCount();
        }
        var scalarsTime = Times(() => count = new LogDirReader(dir).ReadScalars().LongCount());
        Check(count, scalars, "ReadScalars");
        string? goalNote = scalars < GoalRunScalars ? "report (the goal's size, 10^7, is below)" : null;
        report.Add("  ReadScalars, M scalars/s", Rate(scalars, scalarsTime, 1e6), goalNote ?? "goal >= 15");
        report.Add("  ReadScalars speed / plain read speed", Ratio(raw, scalarsTime), goalNote ?? "goal >= 0.1x");
        // Wall time on a loaded machine says more about the neighbours than about us: the CPU time of the read (all
        // its threads) is the figure to compare across runs then.
        var (scalarsCpu, scalarsWall) = CpuAndWall(() => new LogDirReader(dir).ReadScalars().LongCount());
        report.Add("  ReadScalars CPU time per scalar (all threads), ns", (scalarsCpu * 1e9 / scalars).ToString("0.0"), "the work; wall time is below it when both cores help");
        // One large run uses the second core too (stretches of bytes: purge pre-pass and scan split between the
        // threads). The one-thread read is today's sequential path, the reference the segmented read must equal.
        var oneThreadOptions = LogDirReaderOptions.Default with { MaxDegreeOfParallelism = 1 };
        var oneThread = Times(() => count = new LogDirReader(dir, oneThreadOptions).ReadScalars().LongCount());
        Check(count, scalars, "ReadScalars on one thread");
        var (oneCpu, _) = CpuAndWall(() => new LogDirReader(dir, oneThreadOptions).ReadScalars().LongCount());
        report.Add("  ReadScalars on one thread, M scalars/s", Rate(scalars, oneThread, 1e6), $"CPU {oneCpu * 1e9 / scalars:0.0} ns/scalar");
        report.Add("  one run: all threads / one thread", Ratio(oneThread, scalarsTime), $"goal: uses every core (~{Environment.ProcessorCount}x less the split's work on a quiet machine)");
        report.Add("  one run: cores busy (CPU time / wall time)", (scalarsCpu / scalarsWall).ToString("0.00"), $"goal ~{Environment.ProcessorCount} when the cores are free");
        if (CpuClock.IsAvailable)
        {
            // On a loaded machine the threads take turns on the cores, so wall time cannot show the split: the
            // caller's own CPU time can. It is what the read costs the caller's core; with the helper's share on the
            // other core at the same time, it is about the wall time the read takes on free cores.
            var callerNs = new double[3];
            var processNs = new double[3];
            for (int i = 0; i < callerNs.Length; i++)
            {
                long thread = CpuClock.ThreadNanoseconds();
                long process = CpuClock.ProcessNanoseconds();
                new LogDirReader(dir).ReadScalars().LongCount();
                callerNs[i] = (CpuClock.ThreadNanoseconds() - thread) / (double)scalars;
                processNs[i] = (CpuClock.ProcessNanoseconds() - process) / (double)scalars;
            }
            Array.Sort(callerNs);
            Array.Sort(processNs);
            report.Add("  one run: CPU per scalar, caller's thread / all threads, ns", $"{callerNs[1]:0.0} / {processNs[1]:0.0}",
                "caller's share <= 67 = 15 M/s on free cores");
        }
        var (onePeak, _) = PeakMemory.Measure(() => new LogDirReader(dir).ReadScalars().LongCount());
        report.Add("  one run: ReadScalars peak working set above baseline, MB", (onePeak / 1e6).ToString("0.0"), "goal <= 64, flat");
        // The steady state, as for ReadScalars above: the typed path's code (on the caller's thread and its helper)
        // reaches its optimised tier only after a few million events, fewer when the process has compiled nothing
        // else in a while. About 4M events read first, whatever the size.
        for (long warm = 0; warm < 4_000_000; warm += scalars + 1)
        {
            TypedEvents(file);
        }
        var typed = Times(() => count = TypedEvents(file));
        Check(count, scalars + 1, "EventFileReader");
        report.Add("  EventFileReader (Event objects), M events/s", Rate(scalars + 1, typed, 1e6), "goal >= 5");
        report.Add("  EventFileReader speed / plain read speed", Ratio(raw, typed));
        // What one thread can do: the same objects (about 20 per scalar event; the tensor alone holds 13 repeated
        // fields) built without reading, on one thread. The reader builds them on the caller's thread and a helper,
        // so it passes this line where it has a second core; the views below are the way to read millions of events.
        long typedBytes = GC.GetTotalAllocatedBytes(precise: true);
        long callerBytes = GC.GetAllocatedBytesForCurrentThread();
        TypedEvents(file);
        callerBytes = (GC.GetAllocatedBytesForCurrentThread() - callerBytes) / (scalars + 1);
        typedBytes = (GC.GetTotalAllocatedBytes(precise: true) - typedBytes) / (scalars + 1);
        var objectsAlone = Times(() => count = BuildEvents(scalars + 1));
        Check(count, scalars + 1, "Event objects alone");
        report.Add("  Event objects alone (built, not read, 1 thread), M events/s", Rate(scalars + 1, objectsAlone, 1e6),
            $"one thread's floor; reading allocates {typedBytes} B per event, {callerBytes} of them on the caller's thread");
        // The zero-allocation typed view: wall time, step, kind, and each scalar's tag and value.
        var views = Times(() => count = EventViews(file));
        Check(count, scalars + 1, "EventFileReader views");
        report.Add("  EventFileReader views (tag + value), M events/s", Rate(scalars + 1, views, 1e6), "goal >= 5");
        report.Add("  EventFileReader views speed / plain read speed", Ratio(raw, views));
        var export = Times(() => count = LogExporter.Export(new LogDirReader(dir), Stream.Null, new ExportOptions()));
        Check(count, scalars, "export");
        report.Add("  CSV export, M rows/s", Rate(scalars, export, 1e6), "goal >= 5");
        report.Add("  CSV export speed / plain read speed", Ratio(raw, export));
        // The floor: the same rows formatted from memory, no reading at all.
        var points = new LogDirReader(dir).ReadScalars().Take(1_000_000).ToArray();
        var formatOne = Times(() => ScalarRowExport.Write(points, Stream.Null, json: false, progress: null, threads: 1));
        var formatAll = Times(() => ScalarRowExport.Write(points, Stream.Null, json: false, progress: null, threads: Environment.ProcessorCount));
        report.Add("  CSV formatting alone, 1 thread, M rows/s", Rate(points.Length, formatOne, 1e6), "the floor of export per core");
        report.Add($"  CSV formatting alone, {Environment.ProcessorCount} threads, M rows/s", Rate(points.Length, formatAll, 1e6), "the floor of export");
        points = null;

        var (exportPeak, allocated) = PeakMemory.Measure(() => LogExporter.Export(new LogDirReader(dir), Stream.Null, new ExportOptions()));
        report.Add("  export: peak working set above baseline, MB", (exportPeak / 1e6).ToString("0.0"), "goal <= 64, flat");
        report.Add("  export: bytes allocated per row", (allocated / (double)scalars).ToString("0.00"), "goal ~0");
        var (smallPeak, _) = PeakMemory.Measure(() => LogExporter.Export(new LogDirReader(dir), Stream.Null,
            new ExportOptions { Filter = new ReadFilter { Steps = StepRange.Parse($":{scalars / Tags / 100}") } }));
        report.Add("  export of 1% of the steps: peak above baseline, MB", (smallPeak / 1e6).ToString("0.0"), "same as the full export = flat");
        // tblog replay of the run into a new directory: every value decoded, renamed, re-encoded and written again.
        var replay = ReplayTimes(dir, scalars, out long replayAllocated);
        report.Add("  replay (tblog replay), M values/s", Rate(scalars, replay, 1e6));
        report.Add("  replay: bytes allocated per value", (replayAllocated / (double)scalars).ToString("0"), "report: the record written; a scalar layout is replayed from its bytes, not decoded");
    }

    /// <summary>Seconds of replays of the log directory <paramref name="source"/> (<see cref="Times"/>), and the bytes one more allocated.</summary>
    private static double[] ReplayTimes(string source, long values, out long allocated)
    {
        string parent = source + "-replayed";
        int pass = 0;
        void Replay()
        {
            string output = Path.Combine(parent, (pass++).ToString(System.Globalization.CultureInfo.InvariantCulture));
            long written = LogReplayer.Replay(source, output).ValuesWritten;
            Directory.Delete(output, recursive: true);
            Check(written, values, "replayed values");
        }
        double[] times = Times(Replay);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        Replay();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        return times;
    }

    /// <summary>
    /// ReadScalars on one run of the goal's own size (10^7 scalars, 580 MB; issue 19, goal 5), in this process after
    /// <see cref="SingleRun"/> warmed the read's code: a run that big is read in two passes (purge pre-pass, then the
    /// scan), each split between the threads, while a run of 1M also pays for the single pass it could not finish
    /// (131,072 points held, then dropped), about a tenth more per scalar. The file is deleted at once.
    /// </summary>
    private static void GoalSizeRun(QuickReport report, string dir)
    {
        string file = WriteRun(dir, GoalRunScalars);
        try
        {
            long bytes = new FileInfo(file).Length;
            report.Add("one run of the goal's size: scalars / MB", $"{GoalRunScalars:N0} / {bytes / 1e6:0.0}");
            var raw = Times(() => ReadBytes([file]));
            report.Add("  plain FileStream read, MB/s", Rate(bytes, raw, 1e6));
            long count = 0;
            var scalarsTime = Times(() => count = new LogDirReader(dir).ReadScalars().LongCount());
            Check(count, GoalRunScalars, "ReadScalars (10^7)");
            report.Add("  ReadScalars, M scalars/s", Rate(GoalRunScalars, scalarsTime, 1e6), "goal >= 15");
            report.Add("  ReadScalars speed / plain read speed", Ratio(raw, scalarsTime), "goal >= 0.1x");
            var (peak, _) = PeakMemory.Measure(() => new LogDirReader(dir).ReadScalars().LongCount());
            report.Add("  ReadScalars peak working set above baseline, MB", (peak / 1e6).ToString("0.0"), "goal <= 64, flat");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void ManyRuns(QuickReport report, string dir)
    {
        var files = new List<string>();
        for (int r = 0; r < Runs; r++)
        {
            files.Add(WriteRun(Path.Combine(dir, $"run{r:D3}"), ScalarsPerRun));
        }
        long total = (long)Runs * ScalarsPerRun;
        long bytes = files.Sum(f => new FileInfo(f).Length);
        report.Add($"{Runs} runs x {ScalarsPerRun:N0} scalars: scalars / MB", $"{total:N0} / {bytes / 1e6:0.0}");
        var raw = Times(() => ReadBytes(files));
        report.Add("  plain FileStream read, MB/s", Rate(bytes, raw, 1e6));
        long count = 0;
        var parallel = Times(() => count = new LogDirReader(dir).ReadScalars().LongCount());
        Check(count, total, "ReadScalars");
        var one = Times(() => count = new LogDirReader(dir, LogDirReaderOptions.Default with { MaxDegreeOfParallelism = 1 }).ReadScalars().LongCount());
        Check(count, total, "ReadScalars on one thread");
        report.Add($"  ReadScalars ({Environment.ProcessorCount} threads), M scalars/s", Rate(total, parallel, 1e6), "goal >= 15");
        report.Add("  ReadScalars speed / plain read speed", Ratio(raw, parallel), "goal >= 0.1x");
        report.Add("  ReadScalars on one thread, M scalars/s", Rate(total, one, 1e6));
        report.Add("  multi-run speedup: all threads / one thread", Ratio(one, parallel), $"goal: uses every core (~{Environment.ProcessorCount}x on a quiet machine)");
        // On a loaded machine the wall-time speedup says more about the neighbours than about us: CPU time shows
        // whether the parallel read keeps several cores busy, and whether it costs extra work.
        // Three pairs, each ratio within its pair (the machine's state moves from one second to the next), and the
        // same ratio for plain reads of the same files (its floor: two threads copying from the page cache at once
        // each run slower than one alone, when their cores share a host core or its memory bandwidth).
        var cpuRatios = new double[3];
        var busy = new double[3];
        var plainRatios = new double[3];
        for (int pair = 0; pair < cpuRatios.Length; pair++)
        {
            var (parallelCpu, parallelWall) = CpuAndWall(() => new LogDirReader(dir).ReadScalars().LongCount());
            var (oneCpu, _) = CpuAndWall(() => new LogDirReader(dir, LogDirReaderOptions.Default with { MaxDegreeOfParallelism = 1 }).ReadScalars().LongCount());
            cpuRatios[pair] = parallelCpu / oneCpu;
            busy[pair] = parallelCpu / parallelWall;
            // Eight passes each: one pass takes a few tens of milliseconds, near the process CPU clock's resolution.
            var (plainAllCpu, _) = CpuAndWall(() => Repeat(8, () => ReadBytesOnEveryCore(files)));
            var (plainOneCpu, _) = CpuAndWall(() => Repeat(8, () => ReadBytes(files)));
            plainRatios[pair] = plainAllCpu / plainOneCpu;
        }
        Array.Sort(cpuRatios);
        Array.Sort(busy);
        Array.Sort(plainRatios);
        report.Add("  cores busy during the parallel read (CPU time / wall time)", busy[1].ToString("0.00"), $"goal ~{Environment.ProcessorCount} when the cores are free");
        report.Add("  CPU time of the parallel read / of the one-thread read", $"{cpuRatios[1]:0.00}x [{cpuRatios[0]:0.00}-{cpuRatios[2]:0.00}]", "goal ~1 (no extra work)");
        report.Add("  the same for plain FileStream reads of the same files", $"{plainRatios[1]:0.00}x [{plainRatios[0]:0.00}-{plainRatios[2]:0.00}]", "the machine's floor of the line above");
        var (peak, allocated) = PeakMemory.Measure(() => new LogDirReader(dir).ReadScalars().LongCount());
        report.Add("  ReadScalars: peak working set above baseline, MB", (peak / 1e6).ToString("0.0"), "goal <= 64, flat");
        report.Add("  ReadScalars: bytes allocated per scalar", (allocated / (double)total).ToString("0.00"), "goal ~0");
        report.Add("  process peak working set, MB", (Process.GetCurrentProcess().PeakWorkingSet64 / 1e6).ToString("0"));
        // tblog ls: every core, against one thread in the same run (the first of each is not timed: warm code).
        var oneThread = LogDirReaderOptions.Default with { MaxDegreeOfParallelism = 1 };
        _ = new LogDirReader(dir, oneThread).Summarize();
        var start = Stopwatch.GetTimestamp();
        var summary = new LogDirReader(dir, oneThread).Summarize();
        double single = Stopwatch.GetElapsedTime(start).TotalSeconds;
        _ = new LogDirReader(dir).Summarize();
        start = Stopwatch.GetTimestamp();
        var everyCore = new LogDirReader(dir).Summarize();
        double everyCoreSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        report.Add("  Summarize (tblog ls) seconds, every core / one thread", $"{everyCoreSeconds:0.00} / {single:0.00} = {single / everyCoreSeconds:0.00}x", "uses every core (~2x on a quiet machine)");
        if (summary.Count != Runs || everyCore.Count != Runs)
        {
            throw new InvalidOperationException("Summarize missed runs.");
        }
        // tblog replay: runs replayed on every core (each into its own output run) against one thread, warm code
        // (the single-run replay above compiled it); CPU time beside wall time for a loaded machine.
        string replayed = dir + "-replayed";
        (double Cpu, double Wall) ReplayAll(LogDirReaderOptions options)
        {
            long written = 0;
            var timed = CpuAndWall(() => written = LogReplayer.Replay(dir, replayed, null, options).ValuesWritten);
            Directory.Delete(replayed, recursive: true);
            Check(written, total, "replayed values");
            return timed;
        }
        var (replayOneCpu, replayOne) = ReplayAll(oneThread);
        var (replayEveryCpu, replayEvery) = ReplayAll(LogDirReaderOptions.Default);
        report.Add("  Replay (tblog replay) seconds, every core / one thread", $"{replayEvery:0.00} / {replayOne:0.00} = {replayOne / replayEvery:0.00}x",
            $"uses every core; cores busy {replayEveryCpu / replayEvery:0.00} / {replayOneCpu / replayOne:0.00}");
        // tblog verify (its rules): the typed reader decodes ahead on a thread-pool thread beside the caller, which runs
        // the rules; against the decoding kept on the caller (the reader's AppContext switch), warm code for both.
        double[] helped = VerifyTimes(dir, singleThreaded: false, out double verifyBusy);
        double[] alone = VerifyTimes(dir, singleThreaded: true, out _);
        report.Add("  Verify (tblog verify's rules) seconds, decoding on two threads / on one", $"{helped[1]:0.00} / {alone[1]:0.00}");
        report.Add("  Verify: speed with decoding on two threads / on one", Ratio(alone, helped), "uses every core");
        report.Add("  Verify: M scalars/s; cores busy (CPU time / wall time)", $"{Rate(total, helped, 1e6)}; {verifyBusy:0.00}");
    }

    /// <summary>
    /// Seconds of verifications of <paramref name="dir"/> with tblog verify's rules (<see cref="Times"/>), and the
    /// cores one more kept busy, with the typed reader's decoding on the caller alone or not.
    /// </summary>
    private static double[] VerifyTimes(string dir, bool singleThreaded, out double busy)
    {
        bool was = AppContext.TryGetSwitch(EventBatch.SingleThreadSwitch, out bool set) && set;
        AppContext.SetSwitch(EventBatch.SingleThreadSwitch, singleThreaded);
        try
        {
            var options = new LogVerifierOptions { Rules = [new DecodeRule(), .. LoaderRules.All()] };
            void Verify()
            {
                VerifyReport report = LogVerifier.Verify(dir, options);
                long scalars = report.Files.Sum(f => f.Records) - report.Files.Count; // a header per file
                if (scalars != (long)Runs * ScalarsPerRun || !report.IsClean)
                {
                    throw new InvalidOperationException($"Verify read {scalars} scalars and found {report.Problems.Count()} problems.");
                }
            }
            double[] times = Times(Verify);
            var (cpu, wall) = CpuAndWall(Verify);
            busy = cpu / wall;
            return times;
        }
        finally
        {
            AppContext.SetSwitch(EventBatch.SingleThreadSwitch, was);
        }
    }

    /// <summary>Process CPU seconds and wall seconds of one run of <paramref name="action"/>.</summary>
    private static (double Cpu, double Wall) CpuAndWall(Action action)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpu = process.TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        action();
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        return ((process.TotalProcessorTime - cpu).TotalSeconds, wall);
    }

    /// <summary>Wall times in seconds of 3 runs after one warm-up, sorted.</summary>
    private static double[] Times(Action action)
    {
        action();
        var times = new double[3];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return times;
    }

    /// <summary>"median [min-max]" of items per second, scaled by <paramref name="unit"/>.</summary>
    private static string Rate(long items, double[] times, double unit) =>
        $"{items / times[1] / unit:0.00} [{items / times[^1] / unit:0.00}-{items / times[0] / unit:0.00}]";

    /// <summary>Speed ratio ours / baseline (higher is better): baseline time / our time, median [min-max].</summary>
    private static string Ratio(double[] baseline, double[] ours) =>
        $"{baseline[1] / ours[1]:0.000}x [{baseline[0] / ours[^1]:0.000}-{baseline[^1] / ours[0]:0.000}]";

    private static void Check(long count, long expected, string what)
    {
        if (count != expected)
        {
            throw new InvalidOperationException($"{what}: {count} items, expected {expected}.");
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }

    /// <summary>Writes <paramref name="events"/> scalar events (10 tags cycling) with the writer's own encoder, straight to TFRecords.</summary>
    private static string WriteRun(string dir, int events)
    {
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, EventFileNames.Next(DateTimeOffset.UtcNow));
        using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        using var writer = new TfRecordWriter(stream);
        writer.Write(Google.Protobuf.MessageExtensions.ToByteArray(new Protos.Event { WallTime = 1, FileVersion = EventFileWriter.FileVersion }));
        var encoder = new ScalarEventEncoder();
        string[] names = Enumerable.Range(0, Tags).Select(t => $"metrics/tag_{t}").ToArray();
        byte[] buffer = new byte[256];
        for (int i = 0; i < events; i++)
        {
            int step = i / Tags;
            int length = encoder.Encode(names[i % Tags], Math.Sin(i), step, 1_700_000_000 + step * 0.25, ScalarEncoding.Float32Tensor, buffer);
            writer.Write(buffer.AsSpan(0, length));
        }
        return file;
    }

    private static void ReadBytes(IEnumerable<string> files)
    {
        byte[] buffer = new byte[64 * 1024];
        foreach (string file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            while (stream.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
    }

    private static void Repeat(int times, Action action)
    {
        for (int i = 0; i < times; i++)
        {
            action();
        }
    }

    /// <summary><see cref="ReadBytes"/> on every core at once, file i on core i mod cores, the caller's thread among them (as the parallel read shares runs).</summary>
    private static void ReadBytesOnEveryCore(IReadOnlyList<string> files) =>
        EveryCore.Run(core => ReadBytes(files.Where((_, i) => i % Environment.ProcessorCount == core)));

    private static long TypedEvents(string file)
    {
        long count = 0;
        using var reader = new EventFileReader(file);
        while (reader.TryReadNext(out _))
        {
            count++;
        }
        return count;
    }

    /// <summary>
    /// The objects <see cref="EventFileReader.TryReadNext"/> builds for each of <see cref="WriteRun"/>'s scalar events
    /// (a rank-0 float tensor, its shape absent, repeated fields sized one), built from memory.
    /// </summary>
    private static long BuildEvents(long count)
    {
        long steps = 0;
        for (long i = 0; i < count; i++)
        {
            var tensor = new TensorProto { Dtype = DataType.DtFloat };
            tensor.FloatVal.Capacity = 1;
            tensor.FloatVal.Add(i);
            var summary = new Summary();
            summary.Value.Capacity = 1;
            summary.Value.Add(new Summary.Types.Value { Tag = "loss", Tensor = tensor });
            steps += new Event { WallTime = i, Step = i, Summary = summary }.Step;
        }
        return steps == count * (count - 1) / 2 ? count : -1;
    }

    private static long EventViews(string file)
    {
        long count = 0;
        double sum = 0;
        int tagLengths = 0;
        using var reader = new EventFileReader(file);
        while (reader.TryReadView(out EventView e))
        {
            count++;
            sum += e.WallTime + e.Step;
            foreach (SummaryValueView v in e.Values)
            {
                if (v.TryGetScalar(out double value))
                {
                    sum += value;
                    tagLengths += v.Tag.Length;
                }
            }
        }
        // Uses what was read, so none of it is optimised away.
        return double.IsNaN(sum) || tagLengths < 0 ? -1 : count;
    }
}
