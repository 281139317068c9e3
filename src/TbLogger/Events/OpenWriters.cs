using System.Collections.Concurrent;

namespace TbLogger.Events;

/// <summary>
/// The event file writers still open: drained at process exit, as tensorboardX does with atexit, so events accepted
/// before a program returns from Main without disposing its writer still reach the file.
/// </summary>
internal static class OpenWriters
{
    private static readonly ConcurrentDictionary<EventFileWriter, byte> s_open = new();

    static OpenWriters()
    {
        AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
        {
            foreach (var writer in s_open.Keys)
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

    public static void Add(EventFileWriter writer) => s_open.TryAdd(writer, 0);

    public static void Remove(EventFileWriter writer) => s_open.TryRemove(writer, out _);
}
