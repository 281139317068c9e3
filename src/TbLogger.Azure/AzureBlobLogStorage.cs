using System.Collections.Concurrent;
using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using TbLogger.Azure;
using TbLogger.Events;
using TbLogger.Storage;

[assembly: LogStorageProvider(AzureBlobLocation.Scheme, typeof(AzureBlobLogStorage))]
[assembly: LogStorageProvider("https", typeof(AzureBlobLogStorage))]
[assembly: LogStorageProvider("http", typeof(AzureBlobLogStorage))]

namespace TbLogger.Azure;

/// <summary>
/// Log directories in Azure Blob Storage: <c>new SummaryWriter("az://container/runs/exp1")</c>, or the account-URL form
/// <c>https://account.blob.core.windows.net/container/runs/exp1</c>. Event files are append blobs: every flush appends
/// the bytes written since the previous one (in appends of at most <see cref="AzureBlobLogStorageOptions.MaxAppendBlockBytes"/>),
/// so a file grows in place as a local one does, and continues in a new blob before the service's block limit.
/// Referencing this package is enough for az:// paths (the default instance reads adlfs's environment variables);
/// <see cref="Register"/> sets options.
/// </summary>
public sealed class AzureBlobLogStorage : LogStorage, IAcknowledgingStorage
{
    private readonly Lazy<AccountClients> _default;
    private readonly ConcurrentDictionary<string, AccountClients> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, AzureAppendBlobStream> _open = new(StringComparer.Ordinal);
    private long _appendedBlocks;
    private long _appendedBytes;
    private long _createdBlobs;
    private long _failedRequests;

    /// <summary>A store configured from the environment only (AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_NAME with a key or SAS token).</summary>
    public AzureBlobLogStorage()
        : this(new AzureBlobLogStorageOptions())
    {
    }

    /// <summary>A store with explicit settings.</summary>
    /// <param name="options">Account, credential, append and retry settings.</param>
    public AzureBlobLogStorage(AzureBlobLogStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        // Built on first use: a store registered by the package reference alone must not need settings until used.
        _default = new Lazy<AccountClients>(() => CreateDefaultClients(options));
    }

    /// <summary>The settings.</summary>
    public AzureBlobLogStorageOptions Options { get; }

    /// <summary>Successful appends so far.</summary>
    public long AppendedBlocks => Interlocked.Read(ref _appendedBlocks);

    /// <summary>Bytes appended so far.</summary>
    public long AppendedBytes => Interlocked.Read(ref _appendedBytes);

    /// <summary>Append blobs created so far (one per event file, plus one per rollover).</summary>
    public long CreatedBlobs => Interlocked.Read(ref _createdBlobs);

    /// <summary>Requests of writers that failed and were retried or reported.</summary>
    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    /// <inheritdoc/>
    public override bool IsLocal => false;

    /// <summary>Creates a store with <paramref name="options"/> and registers it for az:// (and https:// blob URL) paths.</summary>
    /// <param name="options">Settings.</param>
    /// <returns>The registered store.</returns>
    public static AzureBlobLogStorage Register(AzureBlobLogStorageOptions options)
    {
        var storage = new AzureBlobLogStorage(options);
        LogStorageRegistry.Register(AzureBlobLocation.Scheme, storage);
        LogStorageRegistry.Register("https", storage);
        LogStorageRegistry.Register("http", storage);
        return storage;
    }

    /// <inheritdoc/>
    public override string Combine(string directory, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string combined = directory.TrimEnd('/') + "/" + name;
        AzureBlobLocation.Parse(combined); // a name with "..", "\" or "?" never becomes a path
        return combined;
    }

    /// <inheritdoc/>
    /// <remarks>Blob storage has no directories: nothing to create, so nothing to race on. The path is checked.</remarks>
    public override void CreateDirectory(string directory) => AzureBlobLocation.Parse(directory);

    /// <inheritdoc/>
    /// <exception cref="AzureBlobStorageException">The service refused to create the blob (no such container, invalid or expired credential).</exception>
    public override Stream CreateEventFile(string directory, string? suffix, out string path)
    {
        var location = AzureBlobLocation.Parse(directory);
        if (suffix is not null && AzureBlobLocation.WhyUnsafeName("x" + suffix) is { } why)
        {
            throw new ArgumentException($"Event-file suffix '{AzureBlobLocation.Printable(suffix)}' is not allowed: {why}.", nameof(suffix));
        }
        var stream = new AzureAppendBlobStream(this, location, Clients(location).Write.GetBlobContainerClient(location.Container), suffix);
        path = stream.Path;
        _open[path] = stream;
        return stream;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Retries the file's unacknowledged appends at once and until <see cref="AzureBlobLogStorageOptions.FlushTimeout"/>,
    /// each request bounded by <see cref="AzureBlobLogStorageOptions.RequestTimeout"/>.
    /// </remarks>
    /// <exception cref="AzureUploadException">Bytes are still not acknowledged (<see cref="AzureUploadException.WriterKeepsData"/> is true).</exception>
    /// <exception cref="IOException">Nothing could be confirmed: the writer's own append attempt took the whole flush timeout.</exception>
    public void WaitForAcknowledgement(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (_open.TryGetValue(path, out var stream))
        {
            stream.WaitForAcknowledgement(Options.FlushTimeout);
        }
    }

    internal void Closed(string path) => _open.TryRemove(path, out _);

    /// <inheritdoc/>
    /// <exception cref="DirectoryNotFoundException">The container does not exist.</exception>
    /// <exception cref="InvalidDataException">A blob's name would leave the log directory (unless <see cref="AzureBlobLogStorageOptions.SkipUnsafeBlobNames"/>).</exception>
    public override IReadOnlyList<string> ListFiles(string directory, bool recursive)
    {
        var location = AzureBlobLocation.Parse(directory);
        var container = Clients(location).Read.GetBlobContainerClient(location.Container);
        string prefix = location.Path.Length == 0 ? "" : location.Path + "/";
        var result = new List<string>();
        try
        {
            foreach (string name in ListNames(container, prefix, recursive, location.ToString()))
            {
                string relative = name[prefix.Length..];
                if (AzureBlobLocation.WhyUnsafeName(relative) is { } why)
                {
                    if (Options.SkipUnsafeBlobNames)
                    {
                        continue;
                    }
                    throw new InvalidDataException(
                        $"Blob '{AzureBlobLocation.Printable(name)}' in container '{location.Container}' cannot be read as part of {location}: {why}. Rename or delete it, or set SkipUnsafeBlobNames.");
                }
                result.Add(location.UriOf(name));
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            throw new DirectoryNotFoundException($"Log directory '{location}' does not exist: no container '{location.Container}' in the account.", ex);
        }
        catch (RequestFailedException ex)
        {
            throw AzureBlobStorageException.From(ex, "list", location.ToString());
        }
        catch (System.Xml.XmlException ex)
        {
            // A listing the SDK cannot parse (e.g. a blob name with a character XML cannot carry).
            throw new InvalidDataException($"The listing of {location} could not be read: {ex.Message}", ex);
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <summary>
    /// The blob names under <paramref name="prefix"/>, one listing page per request, each page cancelled after
    /// <see cref="AzureBlobLogStorageOptions.RequestTimeout"/>: a listing of any length makes progress or fails, but a
    /// service that stops answering cannot hold it longer than one request timeout.
    /// </summary>
    private IEnumerable<string> ListNames(BlobContainerClient container, string prefix, bool recursive, string what)
    {
        string? continuation = null;
        do
        {
            using var timeout = new CancellationTokenSource(Options.RequestTimeout);
            List<string> names;
            try
            {
                if (recursive)
                {
                    var page = container.GetBlobs(new GetBlobsOptions { Prefix = prefix }, timeout.Token).AsPages(continuation).First();
                    names = page.Values.Select(b => b.Name).ToList();
                    continuation = page.ContinuationToken;
                }
                else
                {
                    var page = container.GetBlobsByHierarchy(new GetBlobsByHierarchyOptions { Prefix = prefix, Delimiter = "/" }, timeout.Token)
                        .AsPages(continuation).First();
                    names = page.Values.Where(item => item.IsBlob).Select(item => item.Blob.Name).ToList();
                    continuation = page.ContinuationToken;
                }
            }
            catch (OperationCanceledException ex)
            {
                string message = $"Listing {what}: no answer from Azure Blob Storage within {Options.RequestTimeout.TotalSeconds:0.###} s.";
                throw new IOException(message, new TimeoutException(message, ex));
            }
            catch (AggregateException ex)
            {
                // The SDK's retries all failed: a refusal among them is the service's answer (handled as one), otherwise no answer came.
                if (AzureBlobStorageException.RefusalAmong(ex) is { } refused)
                {
                    throw refused;
                }
                Exception last = ex.InnerExceptions[^1];
                string message = $"Listing {what}: no answer from Azure Blob Storage in {ex.InnerExceptions.Count} tries ({last.GetType().Name}: {AzureBlobStorageException.FirstLine(last.Message)}).";
                throw new IOException(message, last is OperationCanceledException ? new TimeoutException(message, ex) : ex);
            }
            foreach (string name in names)
            {
                yield return name;
            }
        }
        while (!string.IsNullOrEmpty(continuation));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The stream reads the blob in ranges of <see cref="AzureBlobLogStorageOptions.ReadChunkBytes"/> as it is
    /// consumed, whatever size the service reports, and keeps returning what is appended later: a reader can follow a
    /// live event file.
    /// </remarks>
    public override Stream OpenRead(string path)
    {
        var location = AzureBlobLocation.Parse(path);
        if (location.Path.Length == 0)
        {
            throw new ArgumentException($"'{path}' names a container, not a blob.", nameof(path));
        }
        var blob = Clients(location).Read.GetBlobContainerClient(location.Container).GetBlobClient(location.Path);
        var stream = new AzureBlobReadStream(blob, location.ToString(), Options.ReadChunkBytes, Options.RequestTimeout);
        stream.Open();
        return stream;
    }

    internal void CountAppend(int bytes)
    {
        Interlocked.Increment(ref _appendedBlocks);
        Interlocked.Add(ref _appendedBytes, bytes);
    }

    internal void CountCreated() => Interlocked.Increment(ref _createdBlobs);

    internal void CountFailure() => Interlocked.Increment(ref _failedRequests);

    private AccountClients Clients(AzureBlobLocation location)
    {
        if (location.AccountUrl is null)
        {
            return _default.Value;
        }
        return _accounts.GetOrAdd(location.AccountUrl.AbsoluteUri.TrimEnd('/'), (key, self) => self.CreateAccountClients(location.AccountUrl), this);
    }

    private AccountClients CreateAccountClients(Uri accountUrl)
    {
        // The configured account, when the URL names it; else the token credential (valid for any account); else
        // anonymous access (public containers), whose refusals say so.
        AccountClients? configured = null;
        try
        {
            configured = _default.Value;
        }
        catch (InvalidOperationException)
        {
        }
        if (configured is not null && SameAccount(configured.Write.Uri, accountUrl))
        {
            return configured;
        }
        if (Options.TokenCredential is { } token)
        {
            return Build(o => new BlobServiceClient(accountUrl, token, o));
        }
        return Build(o => new BlobServiceClient(accountUrl, o));
    }

    private static bool SameAccount(Uri a, Uri b) =>
        string.Equals(a.GetLeftPart(UriPartial.Path).TrimEnd('/'), b.GetLeftPart(UriPartial.Path).TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private AccountClients CreateDefaultClients(AzureBlobLogStorageOptions options)
    {
        if (options.ServiceClient is { } client)
        {
            return new AccountClients(client, client);
        }
        if (options.ConnectionString is { } connection)
        {
            return Build(o => new BlobServiceClient(connection, o));
        }
        if (options.AccountUrl is { } url)
        {
            if (options.SasToken is { } sas)
            {
                return Build(o => new BlobServiceClient(url, new AzureSasCredential(sas.TrimStart('?')), o));
            }
            if (options.SharedKey is { } key)
            {
                return Build(o => new BlobServiceClient(url, key, o));
            }
            if (options.TokenCredential is { } token)
            {
                return Build(o => new BlobServiceClient(url, token, o));
            }
            return Build(o => new BlobServiceClient(url, o));
        }
        string? environment = Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING");
        if (!string.IsNullOrWhiteSpace(environment))
        {
            return Build(o => new BlobServiceClient(environment, o));
        }
        string? account = Environment.GetEnvironmentVariable("AZURE_STORAGE_ACCOUNT_NAME");
        if (!string.IsNullOrWhiteSpace(account))
        {
            var accountUrl = new Uri($"https://{account}.blob.core.windows.net");
            string? accountKey = Environment.GetEnvironmentVariable("AZURE_STORAGE_ACCOUNT_KEY");
            string? sasToken = Environment.GetEnvironmentVariable("AZURE_STORAGE_SAS_TOKEN");
            if (!string.IsNullOrWhiteSpace(accountKey))
            {
                return Build(o => new BlobServiceClient(accountUrl, new StorageSharedKeyCredential(account, accountKey), o));
            }
            if (!string.IsNullOrWhiteSpace(sasToken))
            {
                return Build(o => new BlobServiceClient(accountUrl, new AzureSasCredential(sasToken.TrimStart('?')), o));
            }
            if (options.TokenCredential is { } token)
            {
                return Build(o => new BlobServiceClient(accountUrl, token, o));
            }
        }
        throw new InvalidOperationException(
            "az:// paths need an Azure Storage account: set AZURE_STORAGE_CONNECTION_STRING (or AZURE_STORAGE_ACCOUNT_NAME with AZURE_STORAGE_ACCOUNT_KEY or AZURE_STORAGE_SAS_TOKEN), or call AzureBlobLogStorage.Register with options.");
    }

    private AccountClients Build(Func<BlobClientOptions, BlobServiceClient> create) =>
        // Writers retry appends themselves (with the append-position condition that makes a retry safe), so their
        // client does not; readers let the SDK retry a few times.
        new(create(ClientOptions(maxRetries: 0)), create(ClientOptions(maxRetries: 3)));

    private BlobClientOptions ClientOptions(int maxRetries)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        options.Retry.NetworkTimeout = Options.RequestTimeout;
        options.Diagnostics.IsLoggingContentEnabled = false;
        if (Options.Transport is { } transport)
        {
            options.Transport = transport;
        }
        return options;
    }

    private sealed record AccountClients(BlobServiceClient Write, BlobServiceClient Read);
}
