namespace TbLogger.Events;

/// <summary>Queueing, flushing and naming of one event file (<see cref="EventFileWriter"/>).</summary>
public sealed record EventFileWriterOptions
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

    internal void Validate()
    {
        if (FlushInterval != Timeout.InfiniteTimeSpan && FlushInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FlushInterval), FlushInterval, "FlushInterval must be positive or Timeout.InfiniteTimeSpan.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxQueueEvents, nameof(MaxQueueEvents));
        // Listed, not Enum.IsDefined (reflection, paid by a fresh process: issue 19).
        if (QueueFullMode is not (QueueFullMode.Block or QueueFullMode.Drop))
        {
            throw new ArgumentOutOfRangeException(nameof(QueueFullMode), QueueFullMode, "Unknown queue mode.");
        }
        if (FilenameSuffix is not null && (FilenameSuffix.IndexOfAny(['/', '\\']) >= 0 || FilenameSuffix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0))
        {
            throw new ArgumentException($"FilenameSuffix '{FilenameSuffix}' contains a path separator or a character invalid in file names.", nameof(FilenameSuffix));
        }
    }
}
