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

    /// <summary>Bytes allocated on this thread by <paramref name="calls"/> calls of <paramref name="action"/>, per call, after one warm-up call.</summary>
    public static double AllocatedBytesPerCall(Action action, int calls = 1000)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++) action();
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
    }
}
