using System.Diagnostics;

namespace TbLogger.Benchmarks.Quick;

/// <summary>Collects the figures of a quick run and prints them as one table.</summary>
public sealed class QuickReport
{
    private readonly List<(string Group, string Figure, string Value, string Goal)> _rows = [];

    /// <summary>The group heading of the benchmark currently running.</summary>
    public string CurrentGroup { get; set; } = "";

    /// <summary>Adds one figure, e.g. ("AddScalar ns/call", "42.1", "&lt; 100").</summary>
    public void Add(string figure, string value, string goal = "")
    {
        _rows.Add((CurrentGroup, figure, value, goal));
        Console.WriteLine($"  {CurrentGroup,-10} {figure,-60} {value,16}  {goal}");
    }

    /// <summary>Adds a ratio figure: ours / baseline (or baseline / ours when <paramref name="higherIsBetter"/>).</summary>
    public void AddRatio(string figure, double ours, double baseline, string goal, bool higherIsBetter = false)
    {
        double ratio = higherIsBetter ? baseline / ours : ours / baseline;
        Add(figure, ratio.ToString("0.000") + "x", goal);
    }

    /// <summary>Median wall time in nanoseconds of <paramref name="runs"/> runs of <paramref name="action"/> after one warm-up run.</summary>
    public static double MedianNanoseconds(Action action, int runs = 9)
    {
        action();
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>
    /// The median over <paramref name="runs"/> of time(<paramref name="ours"/>) / time(<paramref name="baseline"/>), the
    /// two run back to back in each pair (after one warm-up of each), so load that comes and goes on a shared machine
    /// hits both sides of each ratio alike. Also returns the lowest and highest ratio seen.
    /// </summary>
    /// <remarks>
    /// Best is the fastest run of <paramref name="ours"/> over the fastest of <paramref name="baseline"/>: on a loaded
    /// machine other processes only ever add time, and a kernel of a few milliseconds is interrupted far more often
    /// than a baseline of a tenth of one, which skews every per-pair ratio upwards.
    /// </remarks>
    public static (double Median, double Low, double High, double Best) MedianRatio(Action ours, Action baseline, int runs = 15)
    {
        var (oursNs, baselineNs) = PairedTimes(ours, baseline, runs);
        double[] ratios = [.. oursNs.Zip(baselineNs, (o, b) => o / b).Order()];
        return (ratios[runs / 2], ratios[0], ratios[^1], oursNs.Min() / baselineNs.Min());
    }

    /// <summary>
    /// The wall times in nanoseconds of <paramref name="runs"/> pairs, <paramref name="baseline"/> then
    /// <paramref name="ours"/> back to back in each (after one warm-up of each), in run order: pair i's two times met
    /// the same load.
    /// </summary>
    public static (double[] Ours, double[] Baseline) PairedTimes(Action ours, Action baseline, int runs)
    {
        ours();
        baseline();
        var oursNs = new double[runs];
        var baselineNs = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            baseline();
            baselineNs[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            start = Stopwatch.GetTimestamp();
            ours();
            oursNs[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        }
        return (oursNs, baselineNs);
    }

    /// <summary>
    /// The caller's share of a deferred call and how close it is to the floor of copying its input. Each run: the
    /// caller's time until <paramref name="call"/> returns, the total until <paramref name="complete"/> (e.g. the
    /// writer's Flush) says its work is written, and <paramref name="plainCopy"/> (a copy of the same input bytes into a
    /// warm array, the least a deferred call must do on the caller). With <see cref="CpuClock"/>: caller = this thread's
    /// CPU time in the call, total = the process's CPU time over call and flush (the writer's thread included), copy =
    /// this thread's CPU time in the copy; else wall times. Medians over <paramref name="runs"/> after one warm-up, with
    /// the lowest and highest caller share and the wall-time share for reference.
    /// </summary>
    public static CallerShareResult CallerShare(Action call, Action complete, Action plainCopy, int runs = 9)
    {
        call();
        complete();
        plainCopy();
        bool cpu = CpuClock.IsAvailable;
        var shares = new double[runs];
        var wallShares = new double[runs];
        var copies = new double[runs];
        var totals = new double[runs];
        var overCopy = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long processStart = cpu ? CpuClock.ProcessNanoseconds() : 0;
            long threadStart = cpu ? CpuClock.ThreadNanoseconds() : 0;
            long start = Stopwatch.GetTimestamp();
            call();
            double callerWall = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            long threadEnd = cpu ? CpuClock.ThreadNanoseconds() : 0;
            complete();
            double totalWall = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            long processEnd = cpu ? CpuClock.ProcessNanoseconds() : 0;

            long copyStart = cpu ? CpuClock.ThreadNanoseconds() : Stopwatch.GetTimestamp();
            plainCopy();
            double copy = cpu ? CpuClock.ThreadNanoseconds() - copyStart : Stopwatch.GetElapsedTime(copyStart).TotalNanoseconds;

            double caller = cpu ? threadEnd - threadStart : callerWall;
            double total = cpu ? processEnd - processStart : totalWall;
            shares[i] = caller / total;
            wallShares[i] = callerWall / totalWall;
            copies[i] = copy;
            totals[i] = total;
            overCopy[i] = caller / copy;
        }
        Array.Sort(wallShares);
        Array.Sort(copies);
        Array.Sort(totals);
        double median = Median(shares);
        return new CallerShareResult(median, shares.Min(), shares.Max(), wallShares[runs / 2], copies[runs / 2] / totals[runs / 2], Median(overCopy), cpu);
    }

    private static double Median(double[] values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    /// <summary>What <see cref="CallerShare"/> measured.</summary>
    /// <param name="Median">The caller's median share of the total.</param>
    /// <param name="Low">The lowest share seen.</param>
    /// <param name="High">The highest share seen.</param>
    /// <param name="WallMedian">The median share in wall time.</param>
    /// <param name="CopyFloor">Median plain copy of the input / median total: the share no deferred call can go below.</param>
    /// <param name="OverCopy">The median of the caller's time / the plain copy's time in each run (1 is the floor).</param>
    /// <param name="CpuTime">True when the shares are of CPU time, false when of wall time.</param>
    public readonly record struct CallerShareResult(double Median, double Low, double High, double WallMedian, double CopyFloor, double OverCopy, bool CpuTime);

    /// <summary>Bytes allocated on this thread by <paramref name="calls"/> calls of <paramref name="action"/>, per call, after one warm-up call.</summary>
    public static double AllocatedBytesPerCall(Action action, int calls = 1000)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++) action();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
    }
}
