using System.Diagnostics;

namespace TbLogger.Benchmarks.Quick;

/// <summary>What an action costs in memory: the working set's peak above where it started, and bytes allocated.</summary>
internal static class PeakMemory
{
    /// <summary>Runs <paramref name="action"/> while a sampler records the working set; returns peak above the starting set and bytes allocated.</summary>
    public static (long PeakDelta, long Allocated) Measure(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        long baseline = process.WorkingSet64;
        long peak = baseline;
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            var p = Process.GetCurrentProcess();
            while (!done.Wait(5))
            {
                p.Refresh();
                peak = Math.Max(peak, p.WorkingSet64);
            }
        })
        { IsBackground = true };
        sampler.Start();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        action();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        done.Set();
        sampler.Join();
        return (Math.Max(0, peak - baseline), allocated);
    }
}
