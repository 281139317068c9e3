namespace TbLogger.Records;

/// <summary>How a <see cref="TfRecordReader"/> treats damaged input.</summary>
public sealed record TfRecordReaderOptions
{
    /// <summary>The default options: throw on corruption, 256 MiB record limit.</summary>
    public static TfRecordReaderOptions Default { get; } = new();

    /// <summary>
    /// When false (default), a CRC mismatch throws <see cref="TfRecordCorruptException"/>. When true, a record whose
    /// data CRC fails is skipped, and after a bad length CRC the reader scans forward byte by byte to the next
    /// record whose length and data CRCs both verify; <see cref="TfRecordReader.SkippedRecords"/> and
    /// <see cref="TfRecordReader.SkippedBytes"/> count what was passed over.
    /// </summary>
    public bool SkipCorruptRecords { get; init; }

    /// <summary>
    /// Largest record length accepted (default 256 MiB; at most <see cref="Array.MaxLength"/> - 16). A longer length is
    /// corruption, never an allocation.
    /// </summary>
    public long MaxRecordLength { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// Called (with skipping on) for each corrupt record or corrupt stretch that is skipped, with what and where, so
    /// a checker can report every problem without stopping at the first. Null by default.
    /// </summary>
    public Action<TfRecordCorruptException>? OnCorruptRecord { get; init; }

    /// <summary>
    /// With <see cref="SkipCorruptRecords"/>, for salvaging a complete file (not a live one): a record whose data CRC
    /// fails, or whose verified length runs past the end of the file, is not trusted to say where the next record
    /// starts, and the reader scans on byte by byte from just after its start, as after a bad length CRC. Recovers the
    /// records a torn record's length covers (a crash, then more records appended). Reading as TensorBoard reads skips
    /// the claimed length instead, so this is for repairs only.
    /// </summary>
    internal bool ScanPastBadRecords { get; init; }
}
