namespace TbLogger.Reading;

/// <summary>
/// Counts bytes of event files read, for a progress bar: readers add what they consumed (from any thread) and the
/// sink hears the running total about every <see cref="ReportEvery"/> bytes and whenever a file ends.
/// </summary>
internal sealed class ByteProgress
{
    /// <summary>Bytes between reports: often enough for a bar, rare enough to cost nothing next to the reading.</summary>
    public const long ReportEvery = 1 << 20;

    private readonly IProgress<long> _sink;
    private long _total;
    private long _lastReported;

    public ByteProgress(IProgress<long> sink) => _sink = sink;

    /// <summary>Null when nobody listens, so that readers skip the counting.</summary>
    public static ByteProgress? For(IProgress<long>? sink) => sink is null ? null : new ByteProgress(sink);

    /// <summary>Adds <paramref name="bytes"/> and reports when a step's worth has gathered (or <paramref name="force"/>).</summary>
    public void Add(long bytes, bool force = false)
    {
        long total = Interlocked.Add(ref _total, bytes);
        long last = Volatile.Read(ref _lastReported);
        if ((force || total - last >= ReportEvery) && Interlocked.CompareExchange(ref _lastReported, total, last) == last)
        {
            _sink.Report(total);
        }
    }

    /// <summary>Follows one file as it is read: hand it the reader's position after each record.</summary>
    public struct FileCursor(ByteProgress? progress)
    {
        private long _counted;

        /// <summary>The reader has consumed the file up to <paramref name="position"/>.</summary>
        public void At(long position, bool endOfFile = false)
        {
            if (progress is null || (!endOfFile && position - _counted < ReportEvery / 16))
            {
                return;
            }
            progress.Add(position - _counted, force: endOfFile);
            _counted = position;
        }
    }
}
