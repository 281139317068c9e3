using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

using TbLogger.TestSupport;

namespace TbLogger.S3.Tests;

/// <summary>
/// A real S3-compatible server on 127.0.0.1 (moto's <c>moto_server</c>), on a free port, stopped by process id.
/// Its state lives in memory: a restart starts empty, as a store replaced by a fresh one would.
/// </summary>
internal sealed class MotoServer : IDisposable
{
    private Process? _process;

    private MotoServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The server's process id (for tests that freeze it with SIGSTOP), 0 when stopped.</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>True when moto_server is on PATH, or when CI requires it (so that starting it fails loudly).</summary>
    public static bool IsAvailable => TestServers.Required || TestServers.FindOnPath("moto_server") is not null;

    /// <summary>Returns null when moto_server is on PATH; otherwise ends the test (see <see cref="TestServers.Require"/>).</summary>
    /// <returns>Always null, so that expression-bodied helpers can call it first.</returns>
    public static S3LogStorage? RequireAvailable()
    {
        TestServers.Require("moto_server", "the S3 tests", "pip install 'moto[server]'");
        return null;
    }

    /// <summary>
    /// Starts a server, or ends the calling test as Inconclusive (one line saying how to get moto) when
    /// <c>moto_server</c> is not on PATH: a machine with only the .NET SDK still passes <c>dotnet test</c>. CI sets
    /// <see cref="TestServers.RequiredVariable"/>=1, and then a missing server fails the test instead.
    /// </summary>
    public static MotoServer Start()
    {
        RequireAvailable();
        var server = new MotoServer(FreePort());
        server.Restart();
        return server;
    }

    /// <summary>A port nothing listens on, for "store unreachable" tests.</summary>
    public static int FreePort() => TestServers.FreePort();

    public void Restart()
    {
        Stop();
        var info = new ProcessStartInfo("moto_server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-H");
        info.ArgumentList.Add("127.0.0.1");
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _process = TestServers.StartListening(info, Port, "moto_server");
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
                // By process id: this server's tree only.
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>A client for this server that counts requests on the wire.</summary>
    public AmazonS3Client CreateClient(RequestCounter? counter = null) => CreateClient(ServiceUrl, counter);

    public static AmazonS3Client CreateClient(string serviceUrl, RequestCounter? counter = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = serviceUrl,
            AuthenticationRegion = "us-east-1",
            ForcePathStyle = true,
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(20),
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (counter is not null)
        {
            config.HttpClientFactory = new CountingHttpClientFactory(counter);
        }
        return new AmazonS3Client(new BasicAWSCredentials("test", "test"), config);
    }

    public static void CreateBucket(IAmazonS3 client, string bucket) =>
        client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }).GetAwaiter().GetResult();

    /// <summary>Every object of a bucket: key → bytes, ordered by key.</summary>
    public static SortedDictionary<string, byte[]> Download(IAmazonS3 client, string bucket, string prefix = "")
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var list = client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix }).GetAwaiter().GetResult();
        foreach (var entry in list.S3Objects ?? [])
        {
            using var response = client.GetObjectAsync(bucket, entry.Key).GetAwaiter().GetResult();
            using var copy = new MemoryStream();
            response.ResponseStream.CopyTo(copy);
            result[entry.Key] = copy.ToArray();
        }
        return result;
    }

    public void Dispose() => Stop();
}
