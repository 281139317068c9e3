namespace TbLogger.Records;

/// <summary>
/// A record failed its checks. The message names the source (file), the byte offset where the record starts and
/// which check failed; the same facts are properties, for programs.
/// </summary>
public sealed class TfRecordCorruptException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">The file or stream name, or null when unknown.</param>
    /// <param name="offset">Byte offset of the start of the corrupt record.</param>
    /// <param name="corruption">Which check failed.</param>
    /// <param name="detail">What was found, e.g. the stored and computed CRCs.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public TfRecordCorruptException(string? sourceName, long offset, TfRecordCorruption corruption, string detail, Exception? innerException = null)
        : base(FormatMessage(sourceName, offset, corruption, detail), innerException)
    {
        SourceName = sourceName;
        Offset = offset;
        Corruption = corruption;
        Detail = detail;
    }

    /// <summary>What was found, as given (the message without the file, offset and check around it).</summary>
    internal string Detail { get; }

    /// <summary>The file or stream name given to the reader, or null.</summary>
    public string? SourceName { get; }

    /// <summary>Byte offset at which the corrupt record starts.</summary>
    public long Offset { get; }

    /// <summary>Which check failed.</summary>
    public TfRecordCorruption Corruption { get; }

    private static string FormatMessage(string? sourceName, long offset, TfRecordCorruption corruption, string detail)
    {
        string what = corruption switch
        {
            TfRecordCorruption.LengthCrcMismatch => "length CRC mismatch",
            TfRecordCorruption.DataCrcMismatch => "data CRC mismatch",
            TfRecordCorruption.LengthOverLimit => "record length over the limit",
            _ => "record does not decode",
        };
        return $"Corrupt TFRecord in '{sourceName ?? "<stream>"}' at byte offset {offset}: {what} ({detail}).";
    }
}
