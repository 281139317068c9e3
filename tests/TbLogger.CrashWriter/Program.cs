using TbLogger;
using TbLogger.Reading.Verify;

// Every mode is a local function, so that compiling this top-level method (it has no loop: at tier 0, or optimised
// when tiered compilation is off) loads no assembly they need (the scalars-only mode checks which assemblies a writer
// loads).
if (args[0] == "read")
{
    ReadAll(args);
    return;
}
if (args[0] == "scalars-only")
{
    ScalarsOnly(args[1]);
    return;
}
if (args[0] == "jit-scalars")
{
    JitScalars(args[1]);
    return;
}
if (args[0] == "exit-mid-export")
{
    ExitMidExport(args[1]);
    return;
}
Crash(args);

// Usage: TbLogger.CrashWriter exit-mid-export DIR
// Logs scalars to DIR/run, then exports them to DIR/out.csv and ends the process (Environment.Exit, as a command's
// grace period after Ctrl+C ends) at the export's first progress report: what is left of the export in DIR then is
// what a stopped `tblog export` leaves.
static void ExitMidExport(string dir)
{
    using (var writer = new SummaryWriter(Path.Combine(dir, "run"), new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan }))
    {
        for (int step = 0; step < 1000; step++)
        {
            writer.AddScalar("loss", 1.0 / (step + 1), step);
        }
    }
    var reader = new TbLogger.Reading.LogDirReader(Path.Combine(dir, "run"), new TbLogger.Reading.LogDirReaderOptions { ReadProgress = new ExitOnReport() });
    Console.WriteLine("exporting");
    Console.Out.Flush();
    TbLogger.Replay.LogExporter.ExportToFile(reader, Path.Combine(dir, "out.csv"));
    Console.WriteLine("not stopped");
}

// Usage: TbLogger.CrashWriter LOGDIR FLUSH_EVERY FLUSHES
// Writes scalar "crash/value" = step at steps 0, 1, 2, ...; after every FLUSH_EVERY steps it calls Flush and prints
// "flushed <last step>". After FLUSHES flushes it keeps writing without flushing until it is killed.
static void Crash(string[] args)
{
    string logDir = args[0];
    int flushEvery = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
    int flushes = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);

    var writer = new SummaryWriter(logDir, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, MaxQueueEvents = 64 });
    Console.Out.Flush();
    long step = 0;
    for (int f = 0; f < flushes; f++)
    {
        for (int i = 0; i < flushEvery; i++, step++)
        {
            writer.AddScalar("crash/value", step, step);
        }
        writer.Flush();
        Console.WriteLine($"flushed {step - 1}");
        Console.Out.Flush();
    }
    Console.WriteLine("writing");
    Console.Out.Flush();
    // Unflushed writing until killed; a small queue makes the worker write (and so leave partial records) often.
    while (true)
    {
        writer.AddText("crash/padding", new string('x', 3000), step);
        writer.AddScalar("crash/value", step, step);
        step++;
    }
}

// Usage: TbLogger.CrashWriter read LOGDIR DESTINATION: every reading path over LOGDIR (for memory-bound tests run
// under DOTNET_GCHeapHardLimit); prints what each path saw and exits 0, or dies of OutOfMemoryException.
static void ReadAll(string[] args)
{
    string source = args[1];
    var skip = new TbLogger.Records.TfRecordReaderOptions { SkipCorruptRecords = true };
    var reader = new TbLogger.Reading.LogDirReader(source);
    long events = 0;
    foreach (var run in reader.GetRuns())
    {
        events += reader.ReadEvents(run).Count();
        foreach (string file in run.Files)
        {
            events += TbLogger.Events.EventFileReader.Read(file, skip).Count();
        }
    }
    Console.WriteLine($"events {events}");
    Console.WriteLine($"scalars {reader.ReadScalars().Count()} text {reader.ReadText().Count()}");
    var report = LogVerifier.Verify(source);
    Console.WriteLine($"verify {report.Problems.Count()}");
    var replay = TbLogger.Replay.LogReplayer.Replay(source, args[2]);
    Console.WriteLine($"replayed {replay}");
    Console.WriteLine($"peak {Environment.WorkingSet}");
}

// Usage: TbLogger.CrashWriter scalars-only LOGDIR: a writer that logs only scalars, then one that logs text; prints
// whether Google.Protobuf was loaded after each (a scalar-only writer encodes by hand and should never load it).
// Each part is a method of its own: the loop's method is compiled again, optimised, while it runs (on-stack
// replacement), and that compile would load what any code after the loop in the same method needs.
static void ScalarsOnly(string logDir)
{
    WriteScalars(Path.Combine(logDir, "scalars"));
    Console.WriteLine($"protobuf after scalars: {ProtobufLoaded()}");
    WarmUpNow();
    Console.WriteLine($"protobuf after the warm-up: {ProtobufLoaded()}");
    WriteText(Path.Combine(logDir, "text"));
    Console.WriteLine($"protobuf after text: {ProtobufLoaded()}");
}

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static void WriteScalars(string dir)
{
    using var writer = new SummaryWriter(dir);
    for (int step = 0; step < 10_000; step++)
    {
        writer.AddScalar("loss", 1.0 / (step + 1), step);
    }
    writer.Flush();
}

// The plain assembly's background warm-up (HotPath.WarmUp: HotPath.ScalarMethods, each prepared), done here and
// finished before the check: the writer runs it on a thread of its own, which the check after the scalars may come
// before.
[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static void WarmUpNow()
{
    Type hotPath = typeof(SummaryWriter).Assembly.GetType("TbLogger.HotPath", throwOnError: true)!;
    hotPath.GetMethod("WarmUp", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.Invoke(null, null);
}

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static void WriteText(string dir)
{
    using var writer = new SummaryWriter(dir);
    writer.AddText("notes", "hello", 0);
    writer.Flush();
}

static bool ProtobufLoaded() => AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Google.Protobuf");

// Usage: TbLogger.CrashWriter jit-scalars LOGDIR: the plain assembly's warm-up (HotPath.WarmUp) done; then, while a
// writer is built, logs 10,000 scalars (double, float and long values, with and without a wall time, four tags) and is
// flushed, prints "jitted <method>" for each TbLogger method compiled optimised for the first time (one the warm-up's
// list misses; the constructor's header record compiles the framing and CRC methods, which the list leaves out), and
// "promoted <method>" for each TbLogger method whose earlier code tiering replaced since the listener started (run
// with DOTNET_TC_CallCountingDelayMs=0, that is unoptimised code called 30 times or more: a hot method left to tier
// 0); none of either when the warm-up and the scalar path are as they should be. Then whether the file holds the
// scalars, and "done".
static void JitScalars(string logDir)
{
    // First: every TbLogger compile of this process is then seen, so a method's first event is its first compile.
    using var listener = new JitListener();
    listener.WaitFor(nameof(SentinelStart), SentinelStart);
    DateTime started = DateTime.UtcNow;
    WarmUpNow();
    // The runtime's events reach the listener on a thread of its own, a little later: the window is told by the events'
    // own times, and a method compiled at each end shows when the events up to it have arrived.
    listener.WaitFor(nameof(SentinelBefore), SentinelBefore);
    DateTime from = DateTime.UtcNow;
    string file;
    DateTime constructed;
    using (var writer = new SummaryWriter(Path.Combine(logDir, "jit")))
    {
        constructed = DateTime.UtcNow;
        // The worker wakes for every 4,096 (half the default queue, at most 4,096) and for the flush, which returns
        // once all are written: its per-scalar path runs inside the window too.
        LogScalars(writer, 2_500);
        writer.Flush();
        file = writer.FilePath;
        // Promotions of what the window called hot come on a background thread shortly after.
        Thread.Sleep(300);
    }
    DateTime to = DateTime.UtcNow;
    listener.WaitFor(nameof(SentinelAfter), SentinelAfter);
    // Events of other threads may come a little after the sentinel's.
    Thread.Sleep(500);
    // Allowed only while the constructor runs: so the test also checks that the header record compiles them (the CRC
    // is per scalar too: compiled after construction, it would be the writer thread's first batch that paid for it).
    string[] header = ["TbLogger.Records.TfRecordWriter.Write", "TbLogger.Records.TfRecordWriter.Frame", "TbLogger.Records.MaskedCrc32C.Compute"];
    // Called by the tier-0 code of a tag's first value (its fields and the prefix its later values copy), several times
    // per tag, so four tags reach tiering's 30 calls; the per-scalar encoder inlines it.
    string[] rarePathHelpers = ["TbLogger.Events.ScalarEventEncoder.VarintLength"];
    foreach (string line in listener.Report(started, from, to, (header, constructed), rarePathHelpers))
    {
        Console.WriteLine(line);
    }
    // Each record is 30 bytes or more.
    Console.WriteLine($"records {new FileInfo(file).Length >= 10_000 * 30}");
    Console.WriteLine("done");
}

// Each of AddScalar's ways, count times (4 x count scalars).
[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static void LogScalars(SummaryWriter writer, int count)
{
    for (int step = 0; step < count; step++)
    {
        writer.AddScalar("loss", 1.0 / (step + 1), step);
        writer.AddScalar("accuracy", (float)step / count, step);
        writer.AddScalar("examples", (long)step * 32, step);
        writer.AddScalar("lr", 0.1, step, DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000 + step));
    }
}

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static int SentinelStart() => Environment.ProcessId;

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static int SentinelBefore() => Environment.ProcessId + 1;

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static int SentinelAfter() => Environment.ProcessId + 2;

/// <summary>The runtime's method-compile events (MethodLoadVerbose: first compiles and tiering's replacements), each with its time.</summary>
internal sealed class JitListener : System.Diagnostics.Tracing.EventListener
{
    private readonly List<(DateTime At, ulong Method, uint Tier, string Name)> _events = [];

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // 0x10: the JIT keyword.
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x10);
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.PayloadNames is not { } names)
        {
            return;
        }
        ulong method = Convert.ToUInt64(e.Payload![names.IndexOf("MethodID")], System.Globalization.CultureInfo.InvariantCulture);
        string ns = e.Payload[names.IndexOf("MethodNamespace")] as string ?? "";
        string methodName = e.Payload[names.IndexOf("MethodName")] as string ?? "";
        string signature = e.Payload[names.IndexOf("MethodSignature")] as string ?? "";
        // MethodFlags bits 7-9: the code's optimisation tier (1 MinOptJitted, 2 Optimized, 3 QuickJitted, 4 tier 1,
        // 5 tier 1 on-stack replacement, 6 tier 0 instrumented, 7 tier 1 instrumented).
        uint tier = (Convert.ToUInt32(e.Payload[names.IndexOf("MethodFlags")], System.Globalization.CultureInfo.InvariantCulture) >> 7) & 7;
        lock (_events)
        {
            _events.Add((e.TimeStamp.ToUniversalTime(), method, tier, $"{ns}.{methodName} {signature}"));
        }
    }

    /// <summary>Calls <paramref name="compile"/> (its first call compiles it) until its compile event has arrived.</summary>
    public void WaitFor(string name, Func<int> compile)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        compile();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            lock (_events)
            {
                // A local function's compiled name holds its own: <<Main>$>g__SentinelBefore|0_8.
                if (_events.Exists(e => e.Name.Contains(name, StringComparison.Ordinal)))
                {
                    return;
                }
            }
            Thread.Sleep(10);
        }
        throw new TimeoutException($"no compile event for {name} within 30 s");
    }

    /// <summary>
    /// TbLogger's methods: "jitted" for a first compile in this process between <paramref name="from"/> and
    /// <paramref name="to"/> that is an optimised one (what the warm-up is for; a first compile to unoptimised code is
    /// cheap and left to first use), except <paramref name="allowed"/>' names compiled before its time; "promoted" for
    /// code that replaced earlier code between <paramref name="since"/> and <paramref name="to"/> (a method is one
    /// MethodID whatever tier its code is at; the first event of each is its first compile, since the listener started
    /// first), except <paramref name="allowedPromotions"/>.
    /// </summary>
    public List<string> Report(DateTime since, DateTime from, DateTime to, (string[] Names, DateTime Until) allowed, string[] allowedPromotions)
    {
        lock (_events)
        {
            var seen = new HashSet<ulong>();
            var lines = new List<string>();
            foreach (var (at, method, tier, name) in _events.OrderBy(e => e.At))
            {
                bool first = seen.Add(method);
                if (at < since || at > to || !name.StartsWith("TbLogger.", StringComparison.Ordinal))
                {
                    continue;
                }
                if (!first)
                {
                    if (!Named(allowedPromotions, name))
                    {
                        lines.Add($"promoted {name}");
                    }
                }
                else if (at >= from && tier is not (1 or 3 or 6) && !(at <= allowed.Until && Named(allowed.Names, name)))
                {
                    lines.Add($"jitted {name}");
                }
            }
            return lines.Distinct().ToList();
        }
    }

    /// <summary>True when <paramref name="method"/> ("namespace.type.name signature") is one of <paramref name="names"/>, any overload.</summary>
    private static bool Named(string[] names, string method) => names.Any(n => method.StartsWith(n + " ", StringComparison.Ordinal));
}

/// <summary>Ends the process at its first report.</summary>
internal sealed class ExitOnReport : IProgress<long>
{
    public void Report(long value) => Environment.Exit(0);
}
