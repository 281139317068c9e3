using TbLogger;

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
