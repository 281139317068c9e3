using System.Reflection;
using System.Runtime.CompilerServices;
using TbLogger.Events;
using TbLogger.Loading;
using TbLogger.Records;

namespace TbLogger;

/// <summary>How the per-scalar methods (caller and writer thread) are compiled (issue 19: a short run's start).</summary>
internal static class HotPath
{
#if TBLOGGER_READY_TO_RUN_IMAGE
    // The package's ReadyToRun image: crossgen2 leaves AggressiveOptimization methods out of the image (they are always
    // jitted), so there they carry no flag and start as precompiled optimised code; a fresh 200k-scalar run used about
    // 11 ms less CPU than with the flag. Hot ones are promoted to tier 1 later as usual.
    public const MethodImplOptions Options = 0;
#else
    // Plain IL: fully optimised from the first call, since a short run ends before tiering would promote tier-0 code.
    public const MethodImplOptions Options = MethodImplOptions.AggressiveOptimization;
#endif

#if !TBLOGGER_READY_TO_RUN_IMAGE
    private static int s_warmUpsStarted;

    /// <summary>Background warm-ups this process started: at most one (tests check the constructor starts it).</summary>
    internal static int WarmUpsStarted => Volatile.Read(ref s_warmUpsStarted);
#else
    /// <summary>Background warm-ups this process started: none with the image.</summary>
    internal static int WarmUpsStarted => 0;
#endif

    /// <summary>
    /// Without a ReadyToRun image (the plain assembly: a runtime the package has no image for, a project reference),
    /// starts compiling the per-scalar methods on a background thread, once per process, while the first writing
    /// SummaryWriter's constructor makes its directory, file and header on the caller's thread. Compiled fully
    /// optimised on first use, they cost a fresh process about 12 ms of JIT on the scalar path: half on the caller's
    /// first AddScalar, half on the writer thread's first batch, which the caller then waits for once the queue is
    /// full. Nothing to do with the image (precompiled), on one core (nothing runs beside the caller) or where the
    /// runtime compiles nothing at run time (NativeAOT). Never throws: it is only a head start.
    /// </summary>
    public static void WarmUpInBackground()
    {
#if !TBLOGGER_READY_TO_RUN_IMAGE
        if (Environment.ProcessorCount < 2 || !RuntimeFeature.IsDynamicCodeCompiled || Interlocked.Exchange(ref s_warmUpsStarted, 1) != 0)
        {
            return;
        }
        try
        {
            new Thread(WarmUp) { IsBackground = true, Name = "TbLogger warm-up" }.Start();
        }
        catch (Exception)
        {
            // No thread to spare (a process or memory limit): the methods are compiled on first use, as without it.
        }
#endif
    }

#if !TBLOGGER_READY_TO_RUN_IMAGE
    private static void WarmUp()
    {
        try
        {
            foreach (MethodInfo? method in ScalarMethods())
            {
                if (method is not null)
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
            }
        }
        catch (Exception)
        {
            // Only a head start: whatever fails here is compiled on first use as it would be without it, and an
            // exception on this thread would end the process.
        }
    }
#endif

    /// <summary>
    /// The methods a logged scalar runs under the default options that are compiled on their own (not inlined into
    /// another of these) and fully optimised (<see cref="Options"/>), in the order of first use: the caller's, then the
    /// writer thread's. What a scalar meets only now and then (a tag's first value, the queue growing, the lock's slow
    /// paths) starts as tier-0 code, cheap to compile, on first use. A test runs a fresh process that logs scalars
    /// after the warm-up and checks from the runtime's JIT events that no TbLogger method is then compiled optimised
    /// (one missing here) nor promoted by tiering (per-scalar code left to tier 0). The record framing and CRC methods
    /// are left out: the constructor's header record compiles them. Other options run a little more or less
    /// (StepDiscipline.Throw also LoaderModel.WouldEvict, Silent neither Admit nor Observe); those are compiled on first
    /// use as before. A test checks that each is found and is one of the <see cref="Options"/> methods, so a rename
    /// cannot silently drop it from the list.
    /// </summary>
    internal static MethodInfo?[] ScalarMethods()
    {
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        Type pending = typeof(PendingEvent).MakeByRefType();
        Type? workerState = typeof(EventFileWriter).GetNestedType("WorkerState", BindingFlags.NonPublic);
        return
        [
            typeof(SummaryWriter).GetMethod(nameof(SummaryWriter.AddScalar), Declared, [typeof(string), typeof(double), typeof(long), typeof(DateTimeOffset?)]),
            typeof(SummaryWriter).GetMethod(nameof(SummaryWriter.AddScalar), Declared, [typeof(string), typeof(float), typeof(long), typeof(DateTimeOffset?)]),
            typeof(SummaryWriter).GetMethod(nameof(SummaryWriter.AddScalar), Declared, [typeof(string), typeof(long), typeof(long), typeof(DateTimeOffset?)]),
            typeof(EventFileWriter).GetMethod("EnqueueLocked", Declared, [pending, typeof(EnqueueGate), typeof(string), typeof(bool).MakeByRefType()]),
            typeof(EventFileWriter).GetMethod("ThrowIfBuildFailed", Declared, [typeof(bool)]),
            typeof(StepPolicy).GetMethod(nameof(StepPolicy.Admit), Declared, [typeof(string), typeof(long)]),
            typeof(LoaderModel).GetMethod(nameof(LoaderModel.Observe), Declared, [typeof(string), typeof(long), typeof(long).MakeByRefType(), typeof(bool).MakeByRefType()]),
            workerState is null ? null : typeof(EventFileWriter).GetMethod("Turn", Declared, [workerState]),
            workerState is null ? null : typeof(EventFileWriter).GetMethod("WriteOne", Declared, [pending, workerState]),
            typeof(TfRecordWriter).GetMethod(nameof(TfRecordWriter.TryReserve), Declared, [typeof(int), typeof(Span<byte>).MakeByRefType()]),
            typeof(ScalarEventEncoder).GetMethod(nameof(ScalarEventEncoder.Encode), Declared, [typeof(string), typeof(double), typeof(long), typeof(double), typeof(ScalarEncoding), typeof(Span<byte>)]),
            typeof(ScalarEventEncoder).GetMethod("Lookup", Declared, [typeof(string)]),
            typeof(TfRecordWriter).GetMethod(nameof(TfRecordWriter.CommitRecord), Declared, [typeof(int)]),
            typeof(TfRecordWriter).GetMethod("SealCommitted", Declared, Type.EmptyTypes),
        ];
    }
}
