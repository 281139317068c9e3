using System.Diagnostics;

namespace TbLogger.Benchmarks.Quick;

/// <summary>
/// How much the machine's cores scale right now, measured with work that shares nothing: a chain of floating-point
/// operations on one thread, then the same chain on as many threads as there are cores at once. On a quiet machine
/// with real cores that is the core count; on a virtual machine whose cores are hyperthreads of one host core, or
/// whose host is busy, it is lower, and every "uses both cores" figure of the quick mode is bounded by it.
/// </summary>
/// <remarks>
/// Seen on the 2-core machines this project is measured on (issue 19): anywhere from 1.37x to 2.0x within a minute,
/// which is why the multi-thread writer and reader figures move so much between runs.
/// </remarks>
public static class CoreScaling
{
    // About 40 ms of arithmetic per thread on a 2-3 GHz core: long enough to average out timer noise and scheduling,
    // short enough that three rounds cost well under a second.
    private const long Steps = 20_000_000;

    private static double s_sink;

    /// <summary>All cores' throughput over one core's: the median of three rounds, each one thread then every core.</summary>
    public static double Measure()
    {
        int cores = Environment.ProcessorCount;
        Chain(1_000); // compiled before the first timing
        var speedups = new double[3];
        for (int round = 0; round < speedups.Length; round++)
        {
            long start = Stopwatch.GetTimestamp();
            s_sink += Chain(Steps);
            double one = Stopwatch.GetElapsedTime(start).TotalNanoseconds;

            var threads = new Thread[cores - 1];
            using var go = new ManualResetEventSlim();
            for (int t = 0; t < threads.Length; t++)
            {
                threads[t] = new Thread(() =>
                {
                    go.Wait();
                    double result = Chain(Steps);
                    Interlocked.Exchange(ref s_sink, result);
                });
                threads[t].Start();
            }
            start = Stopwatch.GetTimestamp();
            go.Set();
            s_sink += Chain(Steps);
            foreach (var thread in threads)
            {
                thread.Join();
            }
            double all = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            speedups[round] = cores * one / all;
        }
        Array.Sort(speedups);
        return speedups[1];
    }

    /// <summary>Adds the figure to <paramref name="report"/>.</summary>
    public static void Report(QuickReport report) =>
        report.Add($"machine: {Environment.ProcessorCount} threads of plain arithmetic / 1 thread (cores' scaling now)", $"{Measure():0.00}x",
            $"{Environment.ProcessorCount}x on free cores; bounds the multi-thread figures below");

    // A dependent chain: each step needs the previous result, so the loop runs at one core's latency and touches no memory.
    private static double Chain(long steps)
    {
        double x = 1;
        for (long i = 0; i < steps; i++)
        {
            x = (x * 1.0000001) + 1e-9;
        }
        return x;
    }
}
