namespace TbLogger.Azure;

/// <summary>
/// Flushed bytes of an event file the service did not acknowledge in time. At close (the service stayed unreachable
/// or kept refusing for <see cref="AzureBlobLogStorageOptions.CloseTimeout"/>) they are handed over here. At a flush
/// (<see cref="AzureBlobLogStorageOptions.FlushTimeout"/>, <see cref="WriterKeepsData"/> true) the writer keeps them
/// and retries; the exception says what is not in the blob yet. Either way <see cref="Unsent"/> holds them as a
/// complete event file (file_version record first), ready to save elsewhere: nothing is lost silently.
/// </summary>
public sealed class AzureUploadException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="blobUri">The blob the bytes belong to.</param>
    /// <param name="unsent">The unsent bytes, as an event file of their own.</param>
    /// <param name="events">Events in them (the file_version record not counted).</param>
    /// <param name="innerException">The last error.</param>
    public AzureUploadException(string blobUri, ReadOnlyMemory<byte> unsent, long events, Exception? innerException)
        : this(blobUri, unsent, events, innerException, writerKeepsData: false)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="blobUri">The blob the bytes belong to.</param>
    /// <param name="unsent">The bytes not acknowledged, as an event file of their own.</param>
    /// <param name="events">Events in them (the file_version record not counted).</param>
    /// <param name="innerException">The last error.</param>
    /// <param name="writerKeepsData">True at a flush: the writer still holds the bytes and retries them.</param>
    public AzureUploadException(string blobUri, ReadOnlyMemory<byte> unsent, long events, Exception? innerException, bool writerKeepsData)
        : base(Describe(blobUri, unsent.Length, events, innerException, writerKeepsData), innerException)
    {
        BlobUri = blobUri;
        Unsent = unsent;
        Events = events;
        WriterKeepsData = writerKeepsData;
    }

    /// <summary>The blob the unsent bytes belong to (its last part, if it rolled over).</summary>
    public string BlobUri { get; }

    /// <summary>The unsent events as a complete event file: a file_version record, then TFRecords in write order.</summary>
    public ReadOnlyMemory<byte> Unsent { get; }

    /// <summary>Events in <see cref="Unsent"/>, the file_version record not counted.</summary>
    public long Events { get; }

    /// <summary>True when reported by a flush: the writer still holds <see cref="Unsent"/> and retries it.</summary>
    public bool WriterKeepsData { get; }

    private static string Describe(string blobUri, int bytes, long events, Exception? inner, bool writerKeepsData)
    {
        string what = writerKeepsData
            ? "are not acknowledged by Azure Blob Storage within the flush timeout (the writer keeps them and retries)"
            : "did not reach Azure Blob Storage before the close timeout";
        return $"{events} event(s) ({bytes} bytes) of {blobUri} {what}: {inner?.Message ?? "unknown error"}";
    }
}
