using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace TbLogger.Azure;

/// <summary>
/// Settings of <see cref="AzureBlobLogStorage"/>. Give one way to reach the account: a <see cref="ConnectionString"/>,
/// or an <see cref="AccountUrl"/> with a <see cref="SasToken"/>, a <see cref="SharedKey"/> or a
/// <see cref="TokenCredential"/> (e.g. Azure.Identity's DefaultAzureCredential), or a ready <see cref="ServiceClient"/>.
/// Left empty, the environment variables adlfs reads are used: AZURE_STORAGE_CONNECTION_STRING, or
/// AZURE_STORAGE_ACCOUNT_NAME with AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN.
/// <see cref="ToString"/> never prints a secret.
/// </summary>
public sealed record AzureBlobLogStorageOptions
{
    /// <summary>The service's limit on one append for API versions before 2022-11-02 (later ones accept 100 MiB).</summary>
    public const int ServiceAppendBlockBytes = 4 * 1024 * 1024;

    /// <summary>The most an append blob accepts in one block on current API versions.</summary>
    public const int MaxServiceAppendBlockBytes = 100 * 1024 * 1024;

    /// <summary>The service's limit on committed blocks per append blob.</summary>
    public const int ServiceMaxBlocks = 50_000;

    /// <summary>A storage connection string (account, key or SAS, endpoints); for Azurite, "UseDevelopmentStorage=true" or its full form.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The account's blob endpoint for az:// paths, e.g. https://myaccount.blob.core.windows.net.</summary>
    public Uri? AccountUrl { get; init; }

    /// <summary>A SAS token for <see cref="AccountUrl"/> (with or without the leading '?').</summary>
    public string? SasToken { get; init; }

    /// <summary>The account name and key for <see cref="AccountUrl"/>.</summary>
    public StorageSharedKeyCredential? SharedKey { get; init; }

    /// <summary>An Entra ID credential (DefaultAzureCredential, a managed identity, …); also used for https:// paths of other accounts.</summary>
    public TokenCredential? TokenCredential { get; init; }

    /// <summary>A ready client; its own retry and timeout settings apply to every request.</summary>
    public BlobServiceClient? ServiceClient { get; init; }

    /// <summary>The HTTP transport (a proxy, or a test's counting handler); null for the SDK's.</summary>
    public HttpPipelineTransport? Transport { get; init; }

    /// <summary>
    /// Largest append (default 4 MiB, the limit every API version accepts; up to 100 MiB). A flush larger than this
    /// is sent as several appends.
    /// </summary>
    public int MaxAppendBlockBytes { get; init; } = ServiceAppendBlockBytes;

    /// <summary>
    /// Appends per blob before the event file continues in a new blob (default 50,000, the service's limit). Each
    /// blob starts with the file_version record, so every blob is a valid event file.
    /// </summary>
    public int MaxBlocksPerBlob { get; init; } = ServiceMaxBlocks;

    /// <summary>
    /// Longest time one request (an append, a create, a listing page, a ranged read and the reading of its body) may
    /// take before it is cancelled and counted as failed (default 30 s). It applies on top of the SDK's own network
    /// timeout, so a service that accepts connections and never answers cannot block a flush, a dispose or a read
    /// for longer, even with a <see cref="ServiceClient"/> configured otherwise.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <see cref="SummaryWriter.Flush"/> keeps retrying bytes the service has not acknowledged before it
    /// reports them in <see cref="AzureUploadException"/> (default 30 s). The writer keeps them and retries afterwards.
    /// </summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait after a failed append; it doubles (with jitter) up to <see cref="RetryMaxDelay"/> (default 0.5 s).</summary>
    public TimeSpan RetryInitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between append attempts (default 30 s).</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Flushed bytes kept in memory while the service is unreachable before the writer waits for it instead of
    /// accepting more (default 256 MiB); the wait then holds the writer's queue, which blocks or drops per its mode.
    /// </summary>
    public long MaxPendingBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>How long disposing a writer keeps retrying unsent bytes before it reports them in <see cref="AzureUploadException"/> (default 60 s).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Bytes fetched per ranged read (default 4 MiB): a reader's memory per open blob, whatever the blob's size.</summary>
    public int ReadChunkBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// What a listing does with a blob whose name would leave the log directory ("..", ".", empty segments,
    /// backslashes, control characters): false (default) throws <see cref="InvalidDataException"/> naming it; true skips it.
    /// </summary>
    public bool SkipUnsafeBlobNames { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"AzureBlobLogStorageOptions {{ Account = {AccountDescription()}, Credential = {CredentialKind()}, MaxAppendBlockBytes = {MaxAppendBlockBytes}, "
        + $"MaxBlocksPerBlob = {MaxBlocksPerBlob}, RequestTimeout = {RequestTimeout}, FlushTimeout = {FlushTimeout}, CloseTimeout = {CloseTimeout} }}";

    internal string CredentialKind() =>
        ServiceClient is not null ? "client" : ConnectionString is not null ? "connection string" : SasToken is not null ? "SAS"
        : SharedKey is not null ? "shared key" : TokenCredential is not null ? "token" : "none";

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAppendBlockBytes, 1024, nameof(MaxAppendBlockBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxAppendBlockBytes, MaxServiceAppendBlockBytes, nameof(MaxAppendBlockBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBlocksPerBlob, 2, nameof(MaxBlocksPerBlob));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBlocksPerBlob, ServiceMaxBlocks, nameof(MaxBlocksPerBlob));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RequestTimeout, TimeSpan.FromDays(1), nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(FlushTimeout, TimeSpan.Zero, nameof(FlushTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FlushTimeout, TimeSpan.FromDays(1), nameof(FlushTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CloseTimeout, TimeSpan.FromDays(1), nameof(CloseTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryInitialDelay, TimeSpan.Zero, nameof(RetryInitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryMaxDelay, RetryInitialDelay, nameof(RetryMaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingBytes, (long)MaxAppendBlockBytes, nameof(MaxPendingBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(CloseTimeout, TimeSpan.Zero, nameof(CloseTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadChunkBytes, 4096, nameof(ReadChunkBytes));
        int ways = (ConnectionString is null ? 0 : 1) + (SasToken is null ? 0 : 1) + (SharedKey is null ? 0 : 1) + (ServiceClient is null ? 0 : 1);
        if (ways > 1)
        {
            throw new ArgumentException("Give at most one of ConnectionString, SasToken, SharedKey and ServiceClient.", "options");
        }
        if ((SasToken is not null || SharedKey is not null) && AccountUrl is null)
        {
            throw new ArgumentException("A SasToken or SharedKey needs the AccountUrl it is for.", "options");
        }
    }

    private string AccountDescription() => AccountUrl?.GetLeftPart(UriPartial.Path) ?? ServiceClient?.Uri.GetLeftPart(UriPartial.Path) ?? (ConnectionString is null ? "(environment)" : "(connection string)");
}
