namespace TbLogger.Azure;

/// <summary>
/// Flushed bytes of an event file were still unsent when its writer closed (the service stayed unreachable or kept
/// refusing for <see cref="AzureBlobLogStorageOptions.CloseTimeout"/>). Nothing is lost silently:
/// <see cref="Unsent"/> holds them as a complete event file (file_version record first), ready to save elsewhere.
/// </summary>
public sealed class AzureUploadException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="blobUri">The blob the bytes belong to.</param>
    /// <param name="unsent">The unsent bytes, as an event file of their own.</param>
    /// <param name="events">Events in them (the file_version record not counted).</param>
    /// <param name="innerException">The last error.</param>
    public AzureUploadException(string blobUri, ReadOnlyMemory<byte> unsent, long events, Exception? innerException)
        : base($"{events} event(s) ({unsent.Length} bytes) of {blobUri} did not reach Azure Blob Storage before the close timeout: {innerException?.Message ?? "unknown error"}", innerException)
    {
        BlobUri = blobUri;
        Unsent = unsent;
        Events = events;
    }

    /// <summary>The blob the unsent bytes belong to (its last part, if it rolled over).</summary>
    public string BlobUri { get; }

    /// <summary>The unsent events as a complete event file: a file_version record, then TFRecords in write order.</summary>
    public ReadOnlyMemory<byte> Unsent { get; }

    /// <summary>Events in <see cref="Unsent"/>, the file_version record not counted.</summary>
    public long Events { get; }
}
