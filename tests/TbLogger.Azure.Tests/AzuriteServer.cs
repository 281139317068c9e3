using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;

using TbLogger.TestSupport;

namespace TbLogger.Azure.Tests;

/// <summary>
/// A real Azure Blob Storage emulator on 127.0.0.1: Azurite's blob service on a free port, its data in a temporary
/// directory (so a restart keeps the blobs, as the real service does), stopped by process id. Azurite is found on
/// PATH, in TBLOGGER_AZURITE_DIR, or in a per-user cache, where it is installed with npm on first use.
/// </summary>
internal sealed class AzuriteServer : IDisposable
{
    public const string Version = "3.37.0";
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<(string? Path, string Why)> s_executable = new(FindOrInstall);
    private readonly string _location;
    private Process? _process;

    private AzuriteServer(int port)
    {
        Port = port;
        _location = Path.Combine(Path.GetTempPath(), "tblogger-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_location);
    }

    public int Port { get; }

    /// <summary>The server's process id (for tests that freeze it with SIGSTOP), 0 when stopped.</summary>
    public int ProcessId => _process?.Id ?? 0;

    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{AccountName}";

    public string ConnectionString => ConnectionStringFor(Port);

    public static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port}/{AccountName};";

    /// <summary>Starts a server, or ends the test: Inconclusive without node/Azurite, failed when TBLOGGER_REQUIRE_TEST_SERVERS=1.</summary>
    public static AzuriteServer Start()
    {
        var (path, why) = s_executable.Value;
        if (path is null)
        {
            TestServers.Unavailable($"Azurite {Version} is not available ({why}): install Node.js 20+ and run `npm install -g azurite@{Version}`.");
        }
        var server = new AzuriteServer(FreePort());
        server.Restart();
        return server;
    }

    /// <summary>A port nothing listens on.</summary>
    public static int FreePort() => TestServers.FreePort();

    public void Restart()
    {
        Stop();
        var info = new ProcessStartInfo(s_executable.Value.Path!)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(CultureInfo.InvariantCulture), "--location", _location,
            "--skipApiVersionCheck", "--silent", "--disableTelemetry", "--loose",
        })
        {
            info.ArgumentList.Add(argument);
        }
        _process = TestServers.StartListening(info, Port, "Azurite");
    }

    public void Stop()
    {
        if (_process is null)
        {
            return;
        }
        try
        {
            if (!_process.HasExited)
            {
                // By process id. SIGTERM first: Azurite then saves its metadata, so a restart finds every blob, as the
                // real service would after an outage; a hard kill only if it does not exit.
                if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
                {
                    _ = SendSignal(_process.Id, 15);
                }
                if (!_process.WaitForExit(TimeSpan.FromSeconds(15)))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit();
                }
            }
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>A client for checking what the service holds, independent of the store under test.</summary>
    public BlobServiceClient Admin(HttpPipelineTransport? transport = null)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        if (transport is not null)
        {
            options.Transport = transport;
        }
        return new BlobServiceClient(ConnectionString, options);
    }

    public string NewContainer()
    {
        string name = "tb-" + Guid.NewGuid().ToString("N")[..20];
        Admin().GetBlobContainerClient(name).Create();
        return name;
    }

    public AzureBlobLogStorage Storage(AzureBlobLogStorageOptions? options = null, HttpPipelineTransport? transport = null) =>
        new((options ?? new AzureBlobLogStorageOptions()) with
        {
            ConnectionString = ConnectionString,
            Transport = transport ?? options?.Transport,
        });

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (string? Path, string Why) FindOrInstall()
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, "azurite-blob");
            if (File.Exists(candidate))
            {
                return (candidate, "");
            }
        }
        string cache = Environment.GetEnvironmentVariable("TBLOGGER_AZURITE_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "tblogger", "azurite-" + Version);
        string installed = Path.Combine(cache, "node_modules", ".bin", "azurite-blob");
        if (File.Exists(installed))
        {
            return (installed, "");
        }
        if (!OnPath("node") || !OnPath("npm"))
        {
            return (null, "node and npm are not on PATH");
        }
        try
        {
            Directory.CreateDirectory(cache);
            // One installer at a time (test processes run in parallel); the lock file goes with its handle.
            using var gate = new FileStream(Path.Combine(cache, ".install.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            if (File.Exists(installed))
            {
                return (installed, "");
            }
            var info = new ProcessStartInfo("npm") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in new[] { "install", "--no-audit", "--no-fund", "--prefix", cache, "azurite@" + Version })
            {
                info.ArgumentList.Add(argument);
            }
            using var npm = Process.Start(info)!;
            npm.OutputDataReceived += static (_, _) => { };
            npm.ErrorDataReceived += static (_, _) => { };
            npm.BeginOutputReadLine();
            npm.BeginErrorReadLine();
            if (!npm.WaitForExit(TimeSpan.FromMinutes(4)))
            {
                npm.Kill(entireProcessTree: true);
                return (null, "npm install did not finish in 4 minutes");
            }
            return File.Exists(installed) ? (installed, "") : (null, $"npm install azurite@{Version} failed with exit code {npm.ExitCode}");
        }
        catch (IOException ex)
        {
            return (null, "the Azurite cache is busy or not writable: " + ex.Message);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}
