namespace TbLogger.S3.Tests;

/// <summary>
/// Tests that need a server we cannot ship (moto_server here, Azurite for the Azure tests) report Inconclusive when it
/// is missing, unless <see cref="RequiredVariable"/> is "1" (CI sets it), which turns a missing server into a failure.
/// </summary>
internal static class TestServers
{
    /// <summary>The environment variable that makes every test server mandatory.</summary>
    public const string RequiredVariable = "TBLOGGER_REQUIRE_TEST_SERVERS";

    /// <summary>True when CI demands every test server.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    /// <summary>Returns when <paramref name="executable"/> is on PATH; otherwise ends the test (Inconclusive, or failed when required).</summary>
    /// <param name="executable">The program's name without extension.</param>
    /// <param name="what">What needs it, for the message.</param>
    /// <param name="install">How to get it.</param>
    public static void Require(string executable, string what, string install)
    {
        if (FindOnPath(executable) is not null)
        {
            return;
        }
        string message = $"{executable} is not on PATH, so {what} cannot run; install it with: {install}";
        if (Required)
        {
            Assert.Fail($"{message} ({RequiredVariable}=1 makes this a failure).");
        }
        Assert.Inconclusive($"{message} (skipped; {RequiredVariable}=1 makes this a failure).");
    }

    /// <summary>The full path of <paramref name="executable"/> in a PATH directory, or null.</summary>
    /// <param name="executable">The program's name without extension.</param>
    /// <returns>The path, or null.</returns>
    public static string? FindOnPath(string executable)
    {
        string[] names = OperatingSystem.IsWindows() ? [executable + ".exe", executable + ".cmd", executable + ".bat", executable] : [executable];
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }
}
