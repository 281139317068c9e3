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
        ours();
        baseline();
        var ratios = new double[runs];
        double bestOurs = double.MaxValue, bestBaseline = double.MaxValue;
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            baseline();
            double b = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            start = Stopwatch.GetTimestamp();
            ours();
            double o = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            ratios[i] = o / b;
            bestOurs = Math.Min(bestOurs, o);
            bestBaseline = Math.Min(bestBaseline, b);
        }
        Array.Sort(ratios);
        return (ratios[runs / 2], ratios[0], ratios[^1], bestOurs / bestBaseline);
    }

    /// <summary>
    /// The caller's share of a deferred call: time until <paramref name="call"/> returns / time until
    /// <paramref name="complete"/> (e.g. the writer's Flush) says its work is written. Median over <paramref name="runs"/>
    /// after one warm-up, with the lowest and highest share seen.
    /// </summary>
    public static (double Median, double Low, double High) CallerShare(Action call, Action complete, int runs = 9)
    {
        call();
        complete();
        var shares = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            double caller = Stopwatch.GetElapsedTime(start).TotalNanoseconds;
            complete();
            shares[i] = caller / Stopwatch.GetElapsedTime(start).TotalNanoseconds;
        }
        Array.Sort(shares);
        return (shares[runs / 2], shares[0], shares[^1]);
    }

    /// <summary>Bytes allocated on this thread by <paramref name="calls"/> calls of <paramref name="action"/>, per call, after one warm-up call.</summary>
    public static double AllocatedBytesPerCall(Action action, int calls = 1000)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++) action();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
    }
}
