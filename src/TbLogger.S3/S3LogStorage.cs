using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using TbLogger.Events;
using TbLogger.S3;
using TbLogger.Storage;
using S3Location = TbLogger.S3.S3Location;

[assembly: LogStorageProvider(S3Location.Scheme, typeof(S3LogStorage))]

namespace TbLogger.S3;

/// <summary>
/// Log directories in S3 or an S3-compatible store (MinIO, Ceph, …): <c>new SummaryWriter("s3://bucket/prefix/run")</c>.
/// Each event file is written as a series of immutable segments (see <see cref="S3LogStorageOptions.SegmentBytes"/>):
/// every flush uploads only the bytes written since the previous one. Referencing this package is enough for
/// s3:// paths (the default instance reads the standard AWS configuration); <see cref="Register"/> sets options.
/// </summary>
public sealed class S3LogStorage : LogStorage, IAcknowledgingStorage, IDisposable
{
    private readonly Lazy<IAmazonS3> _client;
    private readonly ConcurrentDictionary<string, S3SegmentStream> _open = new(StringComparer.Ordinal);
    private readonly bool _ownsClient;
    private long _uploadedObjects;
    private long _uploadedBytes;
    private long _failedUploads;

    /// <summary>A store configured from the environment and the AWS profile only.</summary>
    public S3LogStorage()
        : this(new S3LogStorageOptions())
    {
    }

    /// <summary>A store with explicit settings.</summary>
    /// <param name="options">Connection, segment and retry settings.</param>
    public S3LogStorage(S3LogStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _ownsClient = options.Client is null;
        // Built on first use: a store registered by the package reference alone must not need AWS settings until used.
        _client = options.Client is { } client ? new Lazy<IAmazonS3>(client) : new Lazy<IAmazonS3>(() => CreateClient(options));
    }

    /// <summary>The settings.</summary>
    public S3LogStorageOptions Options { get; }

    /// <summary>Segments uploaded so far (one PUT each).</summary>
    public long UploadedObjects => Interlocked.Read(ref _uploadedObjects);

    /// <summary>Bytes of the segments uploaded so far.</summary>
    public long UploadedBytes => Interlocked.Read(ref _uploadedBytes);

    /// <summary>Upload attempts that failed and were retried or reported.</summary>
    public long FailedUploads => Interlocked.Read(ref _failedUploads);

    /// <inheritdoc/>
    public override bool IsLocal => false;

    /// <summary>Creates a store with <paramref name="options"/> and registers it for s3:// paths.</summary>
    /// <param name="options">Settings.</param>
    /// <returns>The registered store.</returns>
    public static S3LogStorage Register(S3LogStorageOptions options)
    {
        var storage = new S3LogStorage(options);
        LogStorageRegistry.Register(S3Location.Scheme, storage);
        return storage;
    }

    /// <inheritdoc/>
    public override string Combine(string directory, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return directory.TrimEnd('/') + "/" + name;
    }

    /// <inheritdoc/>
    /// <remarks>Object stores have no directories: nothing to create, so nothing to race on.</remarks>
    public override void CreateDirectory(string directory) => S3Location.Parse(directory);

    /// <inheritdoc/>
    public override Stream CreateEventFile(string directory, string? suffix, out string path)
    {
        var location = S3Location.Parse(directory);
        _ = _client.Value; // configuration errors (no region, no credentials source) surface when the writer opens
        var stream = new S3SegmentStream(this, location, EventFileNames.Next(DateTimeOffset.UtcNow), suffix);
        path = stream.SegmentUri(0);
        _open[path] = stream;
        return stream;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Retries the file's unsent segments at once and until <see cref="S3LogStorageOptions.FlushTimeout"/>, each
    /// request bounded by <see cref="S3LogStorageOptions.RequestTimeout"/>.
    /// </remarks>
    /// <exception cref="S3UploadException">Segments are still not acknowledged (<see cref="S3UploadException.WriterKeepsSegments"/> is true).</exception>
    /// <exception cref="IOException">Nothing could be confirmed: the writer's own upload attempt took the whole flush timeout.</exception>
    public void WaitForAcknowledgement(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_open.TryGetValue(path, out var stream))
        {
            stream.WaitForAcknowledgement(Options.FlushTimeout);
        }
    }

    internal void Closed(string path) => _open.TryRemove(path, out _);

    /// <summary>
    /// Lists the objects under <paramref name="directory"/> with their sizes as the store reports them (one listing,
    /// no download): what <c>tblog ls</c> shows per run.
    /// </summary>
    /// <param name="directory">An s3:// directory.</param>
    /// <param name="recursive">True to include every sub-directory.</param>
    /// <returns>URI to size in bytes.</returns>
    public IReadOnlyDictionary<string, long> ListFileLengths(string directory, bool recursive)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (uri, length) in List(directory, recursive))
        {
            result[uri] = length;
        }
        return result;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ListFiles(string directory, bool recursive)
    {
        var result = List(directory, recursive).Select(entry => entry.Uri).ToList();
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    private List<(string Uri, long Length)> List(string directory, bool recursive)
    {
        var location = S3Location.Parse(directory);
        var request = new ListObjectsV2Request
        {
            BucketName = location.Bucket,
            Prefix = location.Key.Length == 0 ? "" : location.Key + "/",
            Delimiter = recursive ? null : "/",
        };
        var result = new List<(string, long)>();
        ListObjectsV2Response response;
        do
        {
            response = WithTimeout($"LIST {location}", token => _client.Value.ListObjectsV2Async(request, token));
            foreach (var entry in response.S3Objects ?? [])
            {
                if (!entry.Key.EndsWith('/'))
                {
                    result.Add((location.UriOf(entry.Key), entry.Size ?? 0));
                }
            }
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
        return result;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The object is streamed in ranged GETs of <see cref="S3LogStorageOptions.ReadChunkBytes"/> (see
    /// <see cref="S3ObjectReadStream"/>): memory stays at one chunk's worth of network buffers whatever the object's
    /// size (over 2 GiB too) or the lengths the store reports. The first range is requested here, so a missing object
    /// is a <see cref="FileNotFoundException"/> at once.
    /// </remarks>
    public override Stream OpenRead(string path)
    {
        var location = S3Location.Parse(path);
        var stream = new S3ObjectReadStream(_client.Value, location, Options.ReadChunkBytes, Options.RequestTimeout);
        try
        {
            stream.Open();
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the client when this store created it.</summary>
    public void Dispose()
    {
        if (_ownsClient && _client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    internal void Upload(string bucket, string key, byte[] data, int length, TimeSpan timeout)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new MemoryStream(data, 0, length, writable: false),
            ContentType = "application/octet-stream",
            // Integrity without a streamed trailer, and one signature over the whole body instead of aws-chunked
            // signing (about 175 bytes per chunk): the request body is exactly the segment.
            MD5Digest = Convert.ToBase64String(MD5.HashData(data.AsSpan(0, length))),
            UseChunkEncoding = false,
        };
        WithTimeout($"PUT s3://{bucket}/{key}", token => _client.Value.PutObjectAsync(request, token), timeout);
        Interlocked.Increment(ref _uploadedObjects);
        Interlocked.Add(ref _uploadedBytes, length);
    }

    internal void CountFailure() => Interlocked.Increment(ref _failedUploads);

    /// <summary>Runs one request, cancelled after <paramref name="timeout"/> (default <see cref="S3LogStorageOptions.RequestTimeout"/>).</summary>
    /// <exception cref="IOException">No answer in time (the inner exception is a <see cref="TimeoutException"/>); names the request.</exception>
    private T WithTimeout<T>(string what, Func<CancellationToken, Task<T>> request, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Options.RequestTimeout;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            return request(cancel.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException ex) when (cancel.IsCancellationRequested)
        {
            string message = $"{what}: no answer from the store within {limit.TotalSeconds:0.###} s.";
            throw new IOException(message, new TimeoutException(message, ex));
        }
    }

    private static AmazonS3Client CreateClient(S3LogStorageOptions options)
    {
        var config = new AmazonS3Config
        {
            // A checksum trailer would turn each PUT into a chunked upload; MD5 (Content-MD5) checks integrity instead.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        };
        string? endpoint = options.ServiceUrl ?? TensorFlowEndpoint();
        string? sdkEndpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        string? region = options.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        // S3-compatible servers rarely have per-bucket DNS names: path style is what they expect.
        config.ForcePathStyle = options.ForcePathStyle ?? (endpoint is not null || sdkEndpoint is not null);
        return options.Credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(options.Credentials, config);
    }

    private static string? TensorFlowEndpoint()
    {
        // TensorFlow's and tensorboardX's variables: S3_ENDPOINT may omit the scheme; S3_USE_HTTPS=0 means http.
        string? endpoint = Environment.GetEnvironmentVariable("S3_ENDPOINT");
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }
        if (endpoint.Contains("://", StringComparison.Ordinal))
        {
            return endpoint;
        }
        bool https = Environment.GetEnvironmentVariable("S3_USE_HTTPS") is not ("0" or "false");
        return (https ? "https://" : "http://") + endpoint;
    }
}
