using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using TbLogger.Azure;
using TbLogger.Benchmarks.Quick;

namespace TbLogger.Benchmarks.Azure;

/// <summary>
/// 1,000,000 scalars to Azurite's blob service on 127.0.0.1 (append blobs) against the same to a local directory,
/// in one run: the time ratio, appends made, and bytes appended per byte of events (appends never resend).
/// </summary>
public sealed class AzureQuickBenchmark : IQuickBenchmark
{
    private const int Scalars = 1_000_000;
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <inheritdoc/>
    public string Name => "azure";

    /// <inheritdoc/>
    public void Run(QuickReport report)
    {
        string? azurite = FindAzurite();
        if (azurite is null)
        {
            report.Add("skipped: Azurite not found (npm install -g azurite@3.37.0, or set TBLOGGER_AZURITE_DIR)", "-");
            return;
        }
        int port = FreePort();
        using var server = Start(azurite, port);
        string local = Path.Combine(Path.GetTempPath(), "tblogger-bench-az-" + Guid.NewGuid().ToString("N"));
        try
        {
            string connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
            new BlobServiceClient(connection).GetBlobContainerClient("bench").Create();
            var storage = new AzureBlobLogStorage(new AzureBlobLogStorageOptions { ConnectionString = connection });
            // Flush every 2 s, as a training job would: one append per flush.
            var options = new SummaryWriterOptions { FlushInterval = TimeSpan.FromSeconds(2), Rank = 0, WorldSize = 1 };
            Write(local, options, storage: null); // warm-up (JIT), then measured runs
            Directory.Delete(local, recursive: true);

            double localNs = Time(() => Write(local, options, storage: null));
            long eventBytes = Directory.GetFiles(local).Sum(f => new FileInfo(f).Length);
            long appendsBefore = storage.AppendedBlocks, bytesBefore = storage.AppendedBytes;
            double azureNs = Time(() => Write("az://bench/run", options, storage));
            long appended = storage.AppendedBytes - bytesBefore;

            report.Add("local directory, 1M scalars (ms)", (localNs / 1e6).ToString("0", CultureInfo.InvariantCulture));
            report.Add("Azure append blob (Azurite on 127.0.0.1), 1M scalars (ms)", (azureNs / 1e6).ToString("0", CultureInfo.InvariantCulture));
            report.Add("Azure scalars/s", (Scalars / (azureNs / 1e9)).ToString("0", CultureInfo.InvariantCulture));
            report.AddRatio("Azure time / local time", azureNs, localNs, "informational");
            report.Add("appends", (storage.AppendedBlocks - appendsBefore).ToString(CultureInfo.InvariantCulture));
            report.AddRatio("bytes appended / bytes of events", appended, eventBytes, "<= 1.02");
        }
        finally
        {
            // By process id: only the server this benchmark started.
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
            if (Directory.Exists(local))
            {
                Directory.Delete(local, recursive: true);
            }
        }
    }

    private static void Write(string directory, SummaryWriterOptions options, AzureBlobLogStorage? storage)
    {
        using var writer = new SummaryWriter(storage, directory, options);
        for (int i = 0; i < Scalars; i++)
        {
            writer.AddScalar("train/loss", 1.0 / (i + 1), i);
        }
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }

    private static string? FindAzurite()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "azurite-blob")).ToList();
        string cache = Environment.GetEnvironmentVariable("TBLOGGER_AZURITE_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "tblogger", "azurite-3.37.0");
        candidates.Add(Path.Combine(cache, "node_modules", ".bin", "azurite-blob"));
        return candidates.FirstOrDefault(File.Exists);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Process Start(string azurite, int port)
    {
        // In memory: the figure is about the client, not the emulator's disk.
        var info = new ProcessStartInfo(azurite) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--silent", "--disableTelemetry", "--loose" })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException) when (waited.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                Thread.Sleep(100);
            }
        }
    }
}
