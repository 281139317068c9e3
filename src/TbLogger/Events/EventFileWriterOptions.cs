namespace TbLogger.Events;

/// <summary>Queueing and flushing of an <see cref="EventFileWriter"/>.</summary>
public record EventFileWriterOptions
{
    /// <summary>
    /// How often the worker flushes written events to the operating system (default 120 s, like TensorFlow's
    /// writer). <see cref="Timeout.InfiniteTimeSpan"/> flushes only on <see cref="EventFileWriter.Flush"/> and dispose.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Capacity of the in-memory queue in events (default 8192).</summary>
    public int MaxQueueEvents { get; init; } = 8192;

    /// <summary>What happens when the queue is full (default: block the caller).</summary>
    public QueueFullMode QueueFullMode { get; init; } = QueueFullMode.Block;

    /// <summary>Appended to the event file name (e.g. ".v2"), or null.</summary>
    public string? FilenameSuffix { get; init; }

    /// <summary>
    /// When set, the first event after file_version is <c>SessionLog{status = START}</c> at this step, which makes
    /// TensorBoard discard the run's earlier events with step &gt;= PurgeStep: resume after a crash without
    /// duplicate points. Step tracking starts just below it.
    /// </summary>
    public long? PurgeStep { get; init; }

    /// <summary>
    /// What to do when a tag's step repeats or goes back (default <see cref="Events.StepDiscipline.Warn"/>):
    /// TensorBoard's default loader keeps one point per step and evicts later points when a step goes back.
    /// </summary>
    public StepDiscipline StepDiscipline { get; init; } = StepDiscipline.Warn;

    /// <summary>
    /// How scalars are stored (default <see cref="TbLogger.ScalarEncoding.Float32Tensor"/>, the TF2 form).
    /// <see cref="TbLogger.ScalarEncoding.Float64Tensor"/> keeps double precision, but TensorBoard's default
    /// loader drops DT_DOUBLE scalars: only <c>tensorboard --load_fast=false</c> shows them.
    /// </summary>
    public ScalarEncoding ScalarEncoding { get; init; } = ScalarEncoding.Float32Tensor;

    /// <summary>
    /// Receives the first step violation of each tag under <see cref="Events.StepDiscipline.Warn"/>; null writes it
    /// to standard error. Called on the thread that wrote the event, outside the writer's locks.
    /// </summary>
    public Action<StepViolation>? StepViolationHandler { get; init; }

    /// <summary>
    /// Appended to every tag this writer writes (e.g. "/rank1"), or null. Applied on the writer's thread, so logging
    /// stays free of allocations; hparams and custom-scalars layout tags keep their fixed names.
    /// </summary>
    public string? TagSuffix { get; init; }

    internal void Validate()
    {
        if (FlushInterval != Timeout.InfiniteTimeSpan && FlushInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FlushInterval), FlushInterval, "FlushInterval must be positive or Timeout.InfiniteTimeSpan.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxQueueEvents, nameof(MaxQueueEvents));
        if (!Enum.IsDefined(ScalarEncoding))
        {
            throw new ArgumentOutOfRangeException(nameof(ScalarEncoding), ScalarEncoding, "Unknown scalar encoding.");
        }
        if (!Enum.IsDefined(StepDiscipline))
        {
            throw new ArgumentOutOfRangeException(nameof(StepDiscipline), StepDiscipline, "Unknown step discipline.");
        }
        if (!Enum.IsDefined(QueueFullMode))
        {
            throw new ArgumentOutOfRangeException(nameof(QueueFullMode), QueueFullMode, "Unknown queue mode.");
        }
        if (FilenameSuffix is not null && (FilenameSuffix.IndexOfAny(['/', '\\']) >= 0 || FilenameSuffix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0))
        {
            throw new ArgumentException($"FilenameSuffix '{FilenameSuffix}' contains a path separator or a character invalid in file names.", nameof(FilenameSuffix));
        }
    }
}
