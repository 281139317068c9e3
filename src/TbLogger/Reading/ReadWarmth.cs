namespace TbLogger.Reading;

/// <summary>
/// How many scalars this process has read on one thread: until that reaches
/// <see cref="LogDirReaderOptions.SplitAfterScalars"/>, one large run is read on one thread even when several are
/// allowed. Why (issue 19): the split read runs the read's code on both cores while the runtime's tiered compiler
/// still has it at its first, unoptimised tier; the compiler's background thread then has no core, its call-counting
/// delay keeps restarting, and in a fresh process the split read lost to the one-thread read (10^7 scalars: 1.05-1.12 s
/// wall and twice the CPU, against 0.96-1.04 s). Read on one thread first, the shared scan code reaches its optimised
/// tier with the other core free for the compiler, and the split then keeps its warmed-up gain.
/// </summary>
internal static class ReadWarmth
{
    private static long s_oneThreadScalars;

    /// <summary>Scalars read on one thread so far in this process.</summary>
    public static long OneThreadScalars => Volatile.Read(ref s_oneThreadScalars);

    /// <summary>Counts scalars read on one thread.</summary>
    public static void Add(int scalars) => Interlocked.Add(ref s_oneThreadScalars, scalars);

    /// <summary>Whether a read asking for <paramref name="splitAfter"/> may split now.</summary>
    public static bool Warm(long splitAfter) => OneThreadScalars >= splitAfter;
}
