namespace TbLogger.S3;

/// <summary>
/// Event-file segments the store did not acknowledge in time. At close (the store stayed unreachable for
/// <see cref="S3LogStorageOptions.CloseTimeout"/>) they are handed over here: <see cref="Segments"/> holds their bytes.
/// At a flush (<see cref="S3LogStorageOptions.FlushTimeout"/>, <see cref="WriterKeepsSegments"/> true) the writer
/// keeps them and retries; the list says what is not in the store yet. Nothing is lost silently.
/// </summary>
public sealed class S3UploadException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="segments">The unsent segments, in order.</param>
    /// <param name="innerException">The last upload error.</param>
    public S3UploadException(IReadOnlyList<S3PendingSegment> segments, Exception? innerException)
        : this(segments, innerException, writerKeepsSegments: false)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="segments">The segments not acknowledged, in order.</param>
    /// <param name="innerException">The last upload error.</param>
    /// <param name="writerKeepsSegments">True at a flush: the writer still holds the segments and retries them.</param>
    public S3UploadException(IReadOnlyList<S3PendingSegment> segments, Exception? innerException, bool writerKeepsSegments)
        : base(Describe(segments, innerException, writerKeepsSegments), innerException)
    {
        Segments = segments;
        WriterKeepsSegments = writerKeepsSegments;
    }

    /// <summary>True when reported by a flush: the writer still holds <see cref="Segments"/> and retries them.</summary>
    public bool WriterKeepsSegments { get; }

    /// <summary>The unsent segments, in order; each is a complete event file.</summary>
    public IReadOnlyList<S3PendingSegment> Segments { get; }

    /// <summary>Events in the unsent segments.</summary>
    public long Events => Segments.Sum(s => (long)s.Events);

    private static string Describe(IReadOnlyList<S3PendingSegment> segments, Exception? inner, bool writerKeepsSegments)
    {
        long bytes = segments.Sum(s => (long)s.Data.Length);
        long events = segments.Sum(s => (long)s.Events);
        string first = segments.Count > 0 ? segments[0].Uri : "(none)";
        string what = writerKeepsSegments ? "are not acknowledged by the store yet (the writer keeps them and retries)" : "could not be uploaded";
        return $"{segments.Count} event-file segment(s) ({events} events, {bytes} bytes) {what}, starting with {first}: {inner?.Message ?? "unknown error"}";
    }
}
