namespace TbLogger.Storage;

/// <summary>
/// A stream returned by <see cref="LogStorage.CreateEventFile"/> whose <see cref="Stream.Flush"/> may leave work
/// behind, e.g. an object store's uploads that failed and wait for their retry. The event writer flushes such a
/// stream on every <see cref="Events.EventFileWriterOptions.FlushInterval"/> tick while work is pending, even when
/// nothing new was written, so an idle writer still retries. Local files do not implement it.
/// </summary>
public interface IPendingWorkStream
{
    /// <summary>True while a flush has work left to retry (read on the writer's worker thread only).</summary>
    bool HasPendingWork { get; }
}
