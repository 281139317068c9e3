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

// The plain assembly's background warm-up (HotPath.ScalarMethods, each prepared), done here and finished before the
// check: the writer runs it on a thread of its own, which the check after the scalars may come before.
[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static void WarmUpNow()
{
    Type hotPath = typeof(SummaryWriter).Assembly.GetType("TbLogger.HotPath", throwOnError: true)!;
    var methods = (System.Reflection.MethodInfo?[])hotPath.GetMethod("ScalarMethods", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.Invoke(null, null)!;
    foreach (System.Reflection.MethodInfo? method in methods)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(method!.MethodHandle);
    }
}

[System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
static void WriteText(string dir)
{
    using var writer = new SummaryWriter(dir);
    writer.AddText("notes", "hello", 0);
    writer.Flush();
}

static bool ProtobufLoaded() => AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Google.Protobuf");
