using TbLogger;
using TbLogger.Reading.Verify;

// The other modes are local functions, so that compiling this top-level method (at tier 0: it has no loop before the
// dispatch) loads no assembly they need (the scalars-only mode checks which assemblies a writer loads).
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
// Usage: TbLogger.CrashWriter LOGDIR FLUSH_EVERY FLUSHES
// Writes scalar "crash/value" = step at steps 0, 1, 2, ...; after every FLUSH_EVERY steps it calls Flush and prints
// "flushed <last step>". After FLUSHES flushes it keeps writing without flushing until it is killed.
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

// Usage: TbLogger.CrashWriter jit-scalars LOGDIR: the plain assembly's warm-up (HotPath.WarmUp) done, then a writer
// built and flushed once (so Flush's own methods are compiled: the QueueLock wake-up and wait methods the scalar path
// shares with it are then compiled already, so this cannot tell whether the warm-up has them); prints "jitted
// <type>.<method>" for each TbLogger method compiled for the first time while that writer logs 10,000 scalars and is
// flushed (none when the warm-up's list is complete), then whether the file holds them all, then "done".
static void JitScalars(string logDir)
{
    WarmUpNow();
    using var writer = new SummaryWriter(Path.Combine(logDir, "jit"));
    writer.Flush();
    using var listener = new JitListener();
    // The runtime's events reach the listener on a thread of its own, a little later: a method compiled only now
    // shows that the listener sees compiles, and the window is told by the events' own times.
    listener.WaitFor(nameof(SentinelBefore), SentinelBefore);
    DateTime from = DateTime.UtcNow;
    // The worker wakes for every 4,096 (half the default queue, at most 4,096) and for the flush, which returns once
    // all are written: its per-scalar path runs inside the window too.
    LogScalars(writer, 10_000);
    writer.Flush();
    DateTime to = DateTime.UtcNow;
    listener.WaitFor(nameof(SentinelAfter), SentinelAfter);
    // Events of other threads may come a little after the sentinel's.
    Thread.Sleep(500);
    foreach (string method in listener.Compiled(from, to))
    {
        Console.WriteLine($"jitted {method}");
    }
    // Each record is 30 bytes or more.
    Console.WriteLine($"records {new FileInfo(writer.FilePath).Length >= 10_000 * 30}");
    Console.WriteLine("done");
}

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static void LogScalars(SummaryWriter writer, int count)
{
    for (int step = 0; step < count; step++)
    {
        writer.AddScalar("loss", 1.0 / (step + 1), step);
    }
}

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static int SentinelBefore() => Environment.ProcessId + 1;

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static int SentinelAfter() => Environment.ProcessId + 2;

/// <summary>The runtime's events for methods compiled for the first time (MethodLoadVerbose), each with its time.</summary>
internal sealed class JitListener : System.Diagnostics.Tracing.EventListener
{
    private readonly List<(DateTime At, string Namespace, string Name)> _events = [];

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
        string ns = e.Payload![names.IndexOf("MethodNamespace")] as string ?? "";
        string method = e.Payload[names.IndexOf("MethodName")] as string ?? "";
        // MethodFlags bits 7-9: the code's optimization tier. 4, 5 and 7 (tier 1, its on-stack replacement, tier 1
        // instrumented) replace code compiled earlier, as tiering promotes a method called often: not a first compile.
        uint tier = (Convert.ToUInt32(e.Payload[names.IndexOf("MethodFlags")], System.Globalization.CultureInfo.InvariantCulture) >> 7) & 7;
        if (tier is 4 or 5 or 7)
        {
            return;
        }
        lock (_events)
        {
            _events.Add((e.TimeStamp.ToUniversalTime(), ns, method));
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

    /// <summary>TbLogger's methods compiled between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public List<string> Compiled(DateTime from, DateTime to)
    {
        lock (_events)
        {
            return _events.Where(e => e.At >= from && e.At <= to && e.Namespace.StartsWith("TbLogger.", StringComparison.Ordinal))
                .Select(e => $"{e.Namespace}.{e.Name}").Distinct().ToList();
        }
    }
}
