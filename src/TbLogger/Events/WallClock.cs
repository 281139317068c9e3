namespace TbLogger.Events;

/// <summary>Wall time as TensorBoard stores it: seconds since the Unix epoch, as a double.</summary>
internal static class WallClock
{
    private const long UnixEpochTicks = 621_355_968_000_000_000L;

    // Inlined into AddScalar's optimised code: called, it ran as tier-0 code on every scalar of a short run (issue 19).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static double Now() => (DateTime.UtcNow.Ticks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;

    // Inlined into AddScalar's optimised code, as Now (a scalar logged with its wall time; without profile-guided
    // optimisation it was called, as tier-0 code).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static double From(DateTimeOffset time) => (time.UtcTicks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;
}
