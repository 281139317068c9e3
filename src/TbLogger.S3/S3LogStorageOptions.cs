using Amazon.Runtime;
using Amazon.S3;

namespace TbLogger.S3;

/// <summary>
/// Settings of <see cref="S3LogStorage"/>. Anything left null comes from the standard AWS SDK configuration
/// (environment variables such as AWS_REGION, AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, the shared profile), and
/// TensorFlow's S3_ENDPOINT / S3_USE_HTTPS are honoured too, so MinIO, Ceph and other S3-compatible stores work.
/// </summary>
public sealed record S3LogStorageOptions
{
    /// <summary>A ready client (its configuration wins over every connection setting below), or null to build one.</summary>
    public IAmazonS3? Client { get; init; }

    /// <summary>The endpoint, e.g. "http://127.0.0.1:9000" for MinIO; null for the SDK's (AWS, or AWS_ENDPOINT_URL_S3) or S3_ENDPOINT.</summary>
    public string? ServiceUrl { get; init; }

    /// <summary>The region, e.g. "eu-west-1"; null for the SDK's (AWS_REGION, profile). With a custom endpoint and no region, "us-east-1" signs requests.</summary>
    public string? Region { get; init; }

    /// <summary>Path-style addressing (endpoint/bucket/key); null: on when a custom endpoint is used (MinIO, Ceph), off for AWS.</summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>Credentials; null for the SDK's default chain (environment, profile, instance role).</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>
    /// A segment is sealed and uploaded once it holds this many bytes, even between flushes (default 8 MiB).
    /// Every flush also seals the segment, so this bounds an object's size, not the upload frequency.
    /// </summary>
    public int SegmentBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>First wait after a failed upload; it doubles (with jitter) up to <see cref="RetryMaxDelay"/> (default 0.5 s).</summary>
    public TimeSpan RetryInitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between upload attempts (default 30 s).</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sealed segments kept in memory while the store is unreachable before the writer waits for it instead of
    /// accepting more (default 256 MiB); the wait then holds the writer's queue, which blocks or drops per its mode.
    /// </summary>
    public long MaxPendingBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>How long disposing a writer keeps retrying unsent segments before it reports them in <see cref="S3UploadException"/> (default 60 s).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest time one request (a segment PUT, a listing page, a GET) may take, SDK retries included, before it is
    /// cancelled and counted as failed (default 30 s): a server that accepts connections and never answers cannot
    /// block a flush, a dispose or a read for longer.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <see cref="SummaryWriter.Flush"/> keeps retrying segments the store has not acknowledged before it
    /// reports them in <see cref="S3UploadException"/> (default 30 s). The writer keeps them and retries afterwards.
    /// </summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads ask for this many bytes per ranged GET (default 8 MiB, one segment): an object is streamed, never held
    /// whole, so reading memory stays about one chunk whatever the object's size.
    /// </summary>
    public int ReadChunkBytes { get; init; } = 8 * 1024 * 1024;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadChunkBytes, 4096, nameof(ReadChunkBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentBytes, 1024, nameof(SegmentBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingBytes, SegmentBytes, nameof(MaxPendingBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryInitialDelay, TimeSpan.Zero, nameof(RetryInitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMaxDelay, RetryInitialDelay, nameof(RetryMaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(CloseTimeout, TimeSpan.Zero, nameof(CloseTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RequestTimeout, TimeSpan.FromDays(1), nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(FlushTimeout, TimeSpan.Zero, nameof(FlushTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FlushTimeout, TimeSpan.FromDays(1), nameof(FlushTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CloseTimeout, TimeSpan.FromDays(1), nameof(CloseTimeout));
    }
}
