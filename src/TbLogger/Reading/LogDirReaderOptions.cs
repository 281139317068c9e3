using TbLogger.Records;

namespace TbLogger.Reading;

/// <summary>How a <see cref="LogDirReader"/> reads.</summary>
public sealed record LogDirReaderOptions
{
    /// <summary>The defaults: purge like TensorBoard, skip corrupt records.</summary>
    public static LogDirReaderOptions Default { get; } = new();

    /// <summary>
    /// Corruption policy of every file. Default: skip corrupt records (as TensorBoard does, which logs and moves
    /// on); set <see cref="TfRecordReaderOptions.SkipCorruptRecords"/> false to get a
    /// <see cref="TfRecordCorruptException"/> instead.
    /// </summary>
    public TfRecordReaderOptions RecordOptions { get; init; } = new() { SkipCorruptRecords = true };

    /// <summary>
    /// TensorBoard's <c>purge_orphaned_data</c> (default true): with file_version 2, a <c>SessionLog START</c> at step
    /// s drops the run's earlier events with step &gt;= s; without file_version (very old files), a summary whose step
    /// goes back drops the earlier events of its tags with step &gt;= its step.
    /// </summary>
    public bool PurgeOrphanedData { get; init; } = true;

    /// <summary>
    /// Hears the bytes of event files this reader has read so far (about every MiB, and at the end of each file), for
    /// a progress bar whose total is the event files' sizes. Every read counts: a second pass over the same files
    /// counts again. Null (the default) for none.
    /// </summary>
    public IProgress<long>? ReadProgress { get; init; }

    /// <summary>How often <see cref="LogDirReader.WatchScalarsAsync"/> looks for new records, files and runs (default 500 ms).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}
