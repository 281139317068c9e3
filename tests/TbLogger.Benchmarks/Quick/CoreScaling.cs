using System.Diagnostics;

namespace TbLogger.Benchmarks.Quick;

/// <summary>
/// How much the machine's cores scale right now, measured with work that shares nothing: an integer loop over a
/// table in the core's own L1 cache (independent loads, adds and a branch, the mix of a parser's or a queue's inner
/// loop) on one thread, then the same loop on as many threads as there are cores at once. On a quiet machine
/// with real cores that is the core count; on a virtual machine whose cores are hyperthreads of one host core, or
/// whose host is busy, it is lower, and every "uses both cores" figure of the quick mode is bounded by it.
/// </summary>
/// <remarks>
/// Seen on the 2-core virtual machines this project is measured on (issue 19): anywhere from 1.0x to 2.0x within a
/// minute, rounds of the same process included, which is why the multi-thread writer and reader figures move so much
/// between runs.
/// </remarks>
public static class CoreScaling
{
    // About 40 ms per thread on a 2-3 GHz core: long enough to average out timer noise and scheduling, short enough
    // that three rounds cost well under a second.
    private const int Passes = 2_500;

    private static ulong s_sink;

    /// <summary>All cores' throughput over one core's: the median of three rounds, each one thread then every core.</summary>
    public static double Measure()
    {
        int cores = Environment.ProcessorCount;
        Work(10); // compiled before the first timing
        var speedups = new double[3];
        for (int round = 0; round < speedups.Length; round++)
        {
            long start = Stopwatch.GetTimestamp();
            s_sink += Work(Passes);
            double one = Stopwatch.GetElapsedTime(start).TotalNanoseconds;

            double all = EveryCore.Run(_ => Interlocked.Add(ref s_sink, Work(Passes)));
            speedups[round] = cores * one / all;
        }
        Array.Sort(speedups);
        return speedups[1];
    }

    /// <summary>Adds the figure to <paramref name="report"/>.</summary>
    public static void Report(QuickReport report) =>
        report.Add($"machine: {Environment.ProcessorCount} threads of a cache-resident loop / 1 thread (scaling now)", $"{Measure():0.00}x",
            $"{Environment.ProcessorCount}x on free cores; bounds the multi-thread figures below");

    // Each thread its own table, so nothing is shared but the cores.
    private static ulong Work(int passes)
    {
        var table = new byte[16 * 1024];
        new Random(1).NextBytes(table);
        ulong a = 0, b = 0, c = 0, d = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            for (int i = 0; i < table.Length; i += 4)
            {
                a += table[i];
                b ^= (ulong)table[i + 1] << 3;
                c += table[i + 2] > 127 ? 1UL : 3UL;
                d = (d * 31) + table[i + 3];
            }
        }
        return a + b + c + d;
    }
}
