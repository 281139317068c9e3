using TbLogger;
using TbLogger.Reading.Verify;

// Usage: TbLogger.CrashWriter LOGDIR FLUSH_EVERY FLUSHES
// Writes scalar "crash/value" = step at steps 0, 1, 2, ...; after every FLUSH_EVERY steps it calls Flush and prints
// "flushed <last step>". After FLUSHES flushes it keeps writing without flushing until it is killed.
if (args[0] == "read")
{
    // Usage: TbLogger.CrashWriter read LOGDIR DESTINATION: every reading path over LOGDIR (for memory-bound tests run
    // under DOTNET_GCHeapHardLimit); prints what each path saw and exits 0, or dies of OutOfMemoryException.
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
    return;
}
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
