using System.Diagnostics;

namespace TbLogger.Tests.Support;

/// <summary>
/// A mode of TbLogger.CrashWriter in a fresh process, for the tests that watch such a process compile or load (the JIT
/// events of the scalar path, the assemblies a scalar-only writer loads). The runtime's compilation settings are
/// pinned to the defaults: the test's own environment (a developer's DOTNET_TieredPGO=0 or DOTNET_TieredCompilation=0,
/// say) must not decide what they check.
/// </summary>
internal static class FreshProcess
{
    /// <summary>The runtime settings (after DOTNET_ or COMPlus_) that change what is compiled when.</summary>
    private static readonly string[] s_knobs = ["Tiered", "TC_", "ReadyToRun", "OSR", "Jit", "ZapDisable"];

    /// <summary>
    /// Runs <c>TbLogger.CrashWriter <paramref name="mode"/> <paramref name="logDir"/></c> with the default compilation
    /// settings and then <paramref name="settings"/>; returns its standard output (line ends as "\n", trimmed) once it
    /// ended with exit code 0, or fails the test (with its standard error) when it did not end so within
    /// <paramref name="timeout"/>. Waits without holding a thread: with the test classes in parallel, a test thread
    /// blocked for the child's second or two starved other tests' thread-pool work.
    /// </summary>
    public static async Task<string> CrashWriterAsync(string mode, string logDir, TimeSpan timeout, params (string Name, string Value)[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "TbLogger.CrashWriter.dll"), mode, logDir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string name in start.Environment.Keys.ToList())
        {
            bool runtime = name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("COMPlus_", StringComparison.OrdinalIgnoreCase);
            if (runtime && s_knobs.Any(knob => name.AsSpan(name.IndexOf('_') + 1).StartsWith(knob, StringComparison.OrdinalIgnoreCase)))
            {
                start.Environment.Remove(name);
            }
        }
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"the child ({mode}) did not end within {timeout.TotalSeconds:0} s; it printed: {await output}{await errors}");
        }
        Assert.AreEqual(0, process.ExitCode, await errors);
        return (await output).ReplaceLineEndings("\n").Trim();
    }
}
