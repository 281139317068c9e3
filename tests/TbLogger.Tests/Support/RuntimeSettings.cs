using System.Diagnostics;

namespace TbLogger.Tests.Support;

/// <summary>
/// Pins what decides how a child process's code is compiled, for the tests that watch a fresh process compile or load
/// (the JIT events of the scalar path, the assemblies a scalar-only writer loads): the test's own environment (a
/// developer's DOTNET_TieredPGO=0 or DOTNET_TieredCompilation=0, say) must not decide what they check.
/// </summary>
internal static class RuntimeSettings
{
    /// <summary>The runtime settings (after DOTNET_ or COMPlus_) that change what is compiled when.</summary>
    private static readonly string[] s_knobs = ["Tiered", "TC_", "ReadyToRun", "OSR", "Jit", "ZapDisable"];

    /// <summary>Removes the runtime's compilation settings from <paramref name="start"/>'s environment, so the child runs with the defaults.</summary>
    public static void UseDefaults(ProcessStartInfo start)
    {
        foreach (string name in start.Environment.Keys.ToList())
        {
            bool runtime = name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("COMPlus_", StringComparison.OrdinalIgnoreCase);
            if (runtime && s_knobs.Any(knob => name.AsSpan(name.IndexOf('_') + 1).StartsWith(knob, StringComparison.OrdinalIgnoreCase)))
            {
                start.Environment.Remove(name);
            }
        }
    }
}
