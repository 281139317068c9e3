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
    private readonly Lock _gate = new();

    // Exceptions the sink threw, as thrown: a pass that gives up on what it met and reads again (which meets corruption
    // and I/O errors again) must let these through, since the user's code need not throw twice.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Exception, object> s_sinkFailures = [];
    private static readonly object s_marker = new();

    public ByteProgress(IProgress<long> sink) => _sink = sink;

    /// <summary>True when <paramref name="error"/> was thrown by a progress sink's <see cref="IProgress{T}.Report"/>.</summary>
    public static bool ThrownBySink(Exception error) => s_sinkFailures.TryGetValue(error, out _);

    /// <summary>Null when nobody listens, so that readers skip the counting.</summary>
    public static ByteProgress? For(IProgress<long>? sink) => sink is null ? null : new ByteProgress(sink);

    /// <summary>Adds <paramref name="bytes"/> and reports when a step's worth has gathered (or <paramref name="force"/>).</summary>
    public void Add(long bytes, bool force = false)
    {
        long total = Interlocked.Add(ref _total, bytes);
        if (!force && total - Volatile.Read(ref _lastReported) < ReportEvery)
        {
            return;
        }
        // Runs read in parallel add from several threads: reporting under a lock, the latest total only, keeps the
        // reported values increasing.
        lock (_gate)
        {
            long now = Interlocked.Read(ref _total);
            if (now > _lastReported || force)
            {
                _lastReported = now;
                try
                {
                    _sink.Report(now);
                }
                catch (Exception ex)
                {
                    s_sinkFailures.AddOrUpdate(ex, s_marker);
                    throw;
                }
            }
        }
    }

    /// <summary>Follows one file as it is read: hand it the reader's position after each record.</summary>
    /// <param name="progress">Where to add, or null.</param>
    /// <param name="counted">Bytes of the file already counted by an earlier pass that is being redone (they are not counted again).</param>
    public struct FileCursor(ByteProgress? progress, long counted = 0)
    {
        private long _counted = counted;

        /// <summary>Bytes of the file counted so far.</summary>
        public readonly long Counted => _counted;

        /// <summary>The reader has consumed the file up to <paramref name="position"/>.</summary>
        public void At(long position, bool endOfFile = false)
        {
            if (progress is null || (!endOfFile && position - _counted < ReportEvery / 16))
            {
                return;
            }
            progress.Add(Math.Max(0, position - _counted), force: endOfFile);
            _counted = Math.Max(_counted, position);
        }

        /// <summary>Counts the file up to <paramref name="position"/> now, however few bytes that is (before another pass takes over from there).</summary>
        public void CountTo(long position)
        {
            if (progress is not null && position > _counted)
            {
                progress.Add(position - _counted);
                _counted = position;
            }
        }

        /// <summary>Takes the file's bytes up to <paramref name="counted"/> as counted by another pass.</summary>
        public void Skip(long counted) => _counted = Math.Max(_counted, counted);
    }
}
