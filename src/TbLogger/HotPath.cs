using System.Runtime.CompilerServices;

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
}
