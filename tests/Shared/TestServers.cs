using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TbLogger.TestSupport;

/// <summary>
/// Tests that need a server we cannot ship (moto_server here, Azurite for the Azure tests) report Inconclusive when it
/// is missing, unless <see cref="RequiredVariable"/> is "1" (CI sets it), which turns a missing server into a failure.
/// Shared by the S3 and Azure test projects (linked into each), with the start-and-wait and free-port helpers their
/// server fixtures use.
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
        Unavailable($"{executable} is not on PATH, so {what} cannot run; install it with: {install}");
    }

    /// <summary>Ends the test because its server is missing: Inconclusive, or failed when CI requires every server.</summary>
    /// <param name="message">What is missing and how to get it.</param>
    public static void Unavailable(string message)
    {
        if (Required)
        {
            Assert.Fail($"{message} ({RequiredVariable}=1 makes this a failure).");
        }
        Assert.Inconclusive($"{message} (skipped; {RequiredVariable}=1 makes this a failure).");
    }

    /// <summary>A loopback port nothing listens on (for a server to take, or for "store unreachable" tests).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts a server process (its output drained so it never blocks on a full pipe) and waits up to 60 s until it
    /// accepts connections on <paramref name="port"/>; throws if it exits first.
    /// </summary>
    /// <param name="info">How to start it, with standard output and error redirected.</param>
    /// <param name="port">The loopback port it listens on.</param>
    /// <param name="name">The server's name, for errors.</param>
    /// <returns>The running process.</returns>
    public static Process StartListening(ProcessStartInfo info, int port, string name)
    {
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode}.");
            }
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(100);
            }
        }
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
