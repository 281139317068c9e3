namespace TbLogger.Events;

/// <summary>
/// The event file writers still open: drained at process exit, as tensorboardX does with atexit, so events accepted
/// before a program returns from Main without disposing its writer still reach the file.
/// </summary>
internal static class OpenWriters
{
    // A set under a lock, not ConcurrentDictionary<EventFileWriter, byte>: that instantiation (a value type argument)
    // has no precompiled code in the framework, so every fresh process compiled six of its methods (issue 19). Writers
    // are added and removed once each, so the lock is never hot.
    private static readonly HashSet<EventFileWriter> s_open = new(ReferenceEqualityComparer.Instance);

    static OpenWriters()
    {
        AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
        {
            EventFileWriter[] open;
            lock (s_open)
            {
                open = new EventFileWriter[s_open.Count];
                s_open.CopyTo(open);
            }
            foreach (var writer in open)
            {
                try
                {
                    writer.Dispose();
                }
                catch (Exception ex)
                {
                    // No caller is left to throw to at process exit; standard error is the last place a user looks.
                    Console.Error.WriteLine($"TbLogger: {ex.Message}");
                }
            }
        };
    }

    public static void Add(EventFileWriter writer)
    {
        lock (s_open)
        {
            s_open.Add(writer);
        }
    }

    public static void Remove(EventFileWriter writer)
    {
        lock (s_open)
        {
            s_open.Remove(writer);
        }
    }
}
