namespace TbLogger.Storage;

/// <summary>
/// A stream returned by <see cref="LogStorage.CreateEventFile"/> whose <see cref="Stream.Flush"/> may leave work
/// behind, e.g. an object store's uploads that failed and wait for their retry. The retry is the store's own: the
/// event writer flushes its stream on every flush-interval tick, new records or not, and the stream's
/// <see cref="Stream.Flush"/> retries what is pending. The writer does not consult this interface; it tells
/// diagnostics and tests whether work is left.
/// </summary>
public interface IPendingWorkStream
{
    /// <summary>True while a flush has work left to retry.</summary>
    bool HasPendingWork { get; }
}
