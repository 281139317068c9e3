using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using TbLogger.Benchmarks.Quick;
using TbLogger.S3;

namespace TbLogger.Benchmarks.S3;

/// <summary>
/// 1,000,000 scalars to a local S3-compatible server (moto_server on 127.0.0.1) against the same to a local
/// directory, in one run: the time ratio, and bytes uploaded per byte of events (segments, never re-uploads).
/// </summary>
public sealed class S3QuickBenchmark : IQuickBenchmark
{
    private const int Scalars = 1_000_000;

    /// <inheritdoc/>
    public string Name => "s3";

    /// <inheritdoc/>
    public void Run(QuickReport report)
    {
        int port = FreePort();
        using var server = StartMoto(port);
        try
        {
            var config = new AmazonS3Config
            {
                ServiceURL = $"http://127.0.0.1:{port}",
                AuthenticationRegion = "us-east-1",
                ForcePathStyle = true,
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            };
            using var client = new AmazonS3Client(new BasicAWSCredentials("bench", "bench"), config);
            client.PutBucketAsync(new PutBucketRequest { BucketName = "bench" }).GetAwaiter().GetResult();
            using var storage = new S3LogStorage(new S3LogStorageOptions { Client = client });

            string local = Path.Combine(Path.GetTempPath(), "tblogger-bench-s3-" + Guid.NewGuid().ToString("N"));
            try
            {
                // Flush every 2 s, as a training job would, so that S3 gets several segments.
                var options = new SummaryWriterOptions { FlushInterval = TimeSpan.FromSeconds(2), Rank = 0, WorldSize = 1 };
                Write(local, options, storage: null); // warm-up (JIT), then measured runs
                Directory.Delete(local, recursive: true);

                double localNs = Time(() => Write(local, options, storage: null));
                long eventBytes = Directory.GetFiles(local).Sum(f => new FileInfo(f).Length);
                long uploadedBefore = storage.UploadedBytes, objectsBefore = storage.UploadedObjects;
                double s3Ns = Time(() => Write("s3://bench/run", options, storage));
                long uploaded = storage.UploadedBytes - uploadedBefore;

                report.Add("local directory, 1M scalars (ms)", (localNs / 1e6).ToString("0"));
                report.Add("S3 (moto on 127.0.0.1), 1M scalars (ms)", (s3Ns / 1e6).ToString("0"));
                report.AddRatio("S3 time / local time", s3Ns, localNs, "informational");
                report.Add("segments uploaded", (storage.UploadedObjects - objectsBefore).ToString());
                report.AddRatio("bytes uploaded / bytes of events", uploaded, eventBytes, "<= 1.05");
            }
            finally
            {
                if (Directory.Exists(local))
                {
                    Directory.Delete(local, recursive: true);
                }
            }
        }
        finally
        {
            // By process id: only the server this benchmark started.
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
    }

    private static void Write(string directory, SummaryWriterOptions options, S3LogStorage? storage)
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Process StartMoto(int port)
    {
        var info = new ProcessStartInfo("moto_server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("moto_server did not start.");
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
