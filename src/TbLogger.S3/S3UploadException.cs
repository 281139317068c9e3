namespace TbLogger.S3;

/// <summary>
/// Event-file segments were still unsent when their writer closed (the store stayed unreachable for
/// <see cref="S3LogStorageOptions.CloseTimeout"/>). Nothing is lost silently: <see cref="Segments"/> holds their bytes.
/// </summary>
public sealed class S3UploadException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="segments">The unsent segments, in order.</param>
    /// <param name="innerException">The last upload error.</param>
    public S3UploadException(IReadOnlyList<S3PendingSegment> segments, Exception? innerException)
        : base(Describe(segments, innerException), innerException)
    {
        Segments = segments;
    }

    /// <summary>The unsent segments, in order; each is a complete event file.</summary>
    public IReadOnlyList<S3PendingSegment> Segments { get; }

    /// <summary>Events in the unsent segments.</summary>
    public long Events => Segments.Sum(s => (long)s.Events);

    private static string Describe(IReadOnlyList<S3PendingSegment> segments, Exception? inner)
    {
        long bytes = segments.Sum(s => (long)s.Data.Length);
        long events = segments.Sum(s => (long)s.Events);
        string first = segments.Count > 0 ? segments[0].Uri : "(none)";
        return $"{segments.Count} event-file segment(s) ({events} events, {bytes} bytes) could not be uploaded, starting with {first}: {inner?.Message ?? "unknown error"}";
    }
}
