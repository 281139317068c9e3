using TbLogger.Records;

namespace TbLogger.Reading;

/// <summary>How a <see cref="LogDirReader"/> reads.</summary>
public sealed record LogDirReaderOptions
{
    /// <summary>The defaults: drop points like TensorBoard's default loader, skip corrupt records.</summary>
    public static LogDirReaderOptions Default { get; } = new();

    /// <summary>
    /// Corruption policy of every file. Default: skip corrupt records (as TensorBoard does, which logs and moves
    /// on); set <see cref="TfRecordReaderOptions.SkipCorruptRecords"/> false to get a
    /// <see cref="TfRecordCorruptException"/> instead.
    /// </summary>
    public TfRecordReaderOptions RecordOptions { get; init; } = new() { SkipCorruptRecords = true };

    /// <summary>
    /// Drop the points TensorBoard drops (default true), by the rules of <see cref="Loader"/>. False keeps every point
    /// as written (no purge, no eviction), like TensorBoard's <c>--purge_orphaned_data=false</c> with the Python loader.
    /// </summary>
    public bool PurgeOrphanedData { get; init; } = true;

    /// <summary>
    /// The TensorBoard loader whose rules decide which points survive (default <see cref="TensorBoardLoader.DataServer"/>,
    /// TensorBoard's default). The two differ only for tags a resumed writer does not log again, and for steps that
    /// repeat or go back within a file of version 2 (the data server keeps the last point; the Python loader keeps all).
    /// </summary>
    public TensorBoardLoader Loader { get; init; } = TensorBoardLoader.DataServer;

    /// <summary>
    /// Hears the bytes of event files this reader has read so far (about every MiB, and at the end of each file), for
    /// a progress bar whose total is the event files' sizes. Every read counts: a second pass over the same files
    /// counts again. Null (the default) for none.
    /// </summary>
    public IProgress<long>? ReadProgress { get; init; }

    /// <summary>
    /// How many runs <see cref="LogDirReader.ReadScalars"/> (and the scalar export), <see cref="LogDirReader.Summarize"/>
    /// and <see cref="Replay.LogReplayer.Replay(string, string, Replay.ReplayOptions?, LogDirReaderOptions?)"/> (runs not merged) read at once, each on its own thread, the points,
    /// summaries and replayed runs still returned in run order and exactly as a one-thread read returns them. 0 (the default) means <see cref="Environment.ProcessorCount"/>; 1 reads on the
    /// caller's thread only; at most 64 runs are read at once. Memory stays bounded (about 31 MB of points in flight)
    /// whatever the value.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>The threads a read may use: <see cref="MaxDegreeOfParallelism"/>, the processor count for 0.</summary>
    internal int Threads => MaxDegreeOfParallelism == 0 ? Environment.ProcessorCount : MaxDegreeOfParallelism;

    /// <summary>Runs read at once at most, whatever <see cref="MaxDegreeOfParallelism"/> asks (one thread each).</summary>
    internal const int MaxRunThreads = 64;

    /// <summary>The threads a read of <paramref name="runs"/> runs uses, one run each: <see cref="Threads"/> up to the runs and <see cref="MaxRunThreads"/>.</summary>
    internal int ThreadsForRuns(int runs) => Math.Min(Math.Min(Threads, runs), MaxRunThreads);

    /// <summary>
    /// Bytes per stretch when <see cref="LogDirReader.ReadScalars"/> reads one large run on several threads (4 MiB: about
    /// 70,000 scalar records, what a thread may read ahead of the caller). Internal: tests make it small to put
    /// stretch boundaries where they want them.
    /// </summary>
    internal long SegmentBytes
    {
        get => _segmentBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(SegmentBytes));
            _segmentBytes = value;
        }
    }

    private readonly long _segmentBytes = 4L * 1024 * 1024;

    /// <summary>
    /// Scalars the process must have read on one thread before <see cref="LogDirReader.ReadScalars"/> splits one
    /// large run over several threads (see <see cref="ReadWarmth"/>). Internal: tests set 0 to split at once.
    /// </summary>
    internal long SplitAfterScalars { get; init; } = 4_000_000;

    /// <summary>
    /// Chunks of 1,024 points a run's single pass may hold in <see cref="LogDirReader.ReadScalars"/> (128: about 5 MB,
    /// 131,072 points; fewer when several runs are read at once). Internal: tests make it small to end the single pass
    /// where they want it.
    /// </summary>
    internal int SinglePassChunks { get; init; } = 128;

    /// <summary>How often <see cref="LogDirReader.WatchScalarsAsync"/> looks for new records, files and runs (default 500 ms).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
