using System.Diagnostics;

namespace TbLogger.Benchmarks.Quick;

/// <summary>Runs one piece of work per core at once, the caller's thread among them, for the quick figures that compare every core with one.</summary>
public static class EveryCore
{
    /// <summary>
    /// Runs <paramref name="work"/>(i) for every core i at once (i = 0 on the caller's thread, the others on threads
    /// started first and released together) and returns the wall time in nanoseconds from the release to the last one's end.
    /// </summary>
    public static double Run(Action<int> work)
    {
        var threads = new Thread[Environment.ProcessorCount - 1];
        using var go = new ManualResetEventSlim();
        for (int t = 0; t < threads.Length; t++)
        {
            int core = t + 1;
            threads[t] = new Thread(() =>
            {
                go.Wait();
                work(core);
            });
            threads[t].Start();
        }
        long start = Stopwatch.GetTimestamp();
        go.Set();
        work(0);
        foreach (var thread in threads)
        {
            thread.Join();
        }
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }
}
