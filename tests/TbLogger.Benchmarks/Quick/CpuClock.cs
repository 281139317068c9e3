using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TbLogger.Benchmarks.Quick;

/// <summary>
/// CPU time of this thread and of the whole process, in nanoseconds (Linux: <c>clock_gettime</c> with the thread and
/// process CPU-time clocks). On a loaded machine wall time counts the time other processes hold the core; CPU time
/// counts only the work, so a share of CPU times stays meaningful when the load is high. Elsewhere
/// <see cref="IsAvailable"/> is false and callers fall back to wall time.
/// </summary>
internal static class CpuClock
{
    private const int ProcessCpuTimeId = 2;
    private const int ThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport rather than LibraryImport: the generated marshaller would need unsafe blocks in this project.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>True where both clocks can be read (64-bit Linux).</summary>
    public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess && Probe();

    private static bool Probe()
    {
        try
        {
            return ClockGetTime(ThreadCpuTimeId, out _) == 0 && ClockGetTime(ProcessCpuTimeId, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>CPU time this thread has used.</summary>
    public static long ThreadNanoseconds() => Read(ThreadCpuTimeId);

    /// <summary>CPU time every thread of this process has used.</summary>
    public static long ProcessNanoseconds() => Read(ProcessCpuTimeId);

    private static long Read(int clock)
    {
        if (ClockGetTime(clock, out TimeSpec time) != 0)
        {
            throw new UnreachableException($"clock_gettime({clock}) failed.");
        }
        return time.Seconds * 1_000_000_000 + time.Nanoseconds;
    }
}
