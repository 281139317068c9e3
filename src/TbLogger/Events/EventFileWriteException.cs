namespace TbLogger.Events;

/// <summary>
/// The background worker of an event file writer failed (disk full, file deleted), or a value it was building on the
/// worker thread failed to build (then only that value is missing: the writer goes on and loses nothing else).
/// Thrown to the caller on the next call, Flush or Dispose; the original error is the inner exception. A call that
/// throws it did not queue the event it was queuing when the failure was reported (as a call that refuses its input
/// queues nothing); a call that queues several events may have queued the ones before it.
/// </summary>
public sealed class EventFileWriteException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The event file (or stream name) that failed.</param>
    /// <param name="innerException">What the worker caught.</param>
    public EventFileWriteException(string path, Exception innerException)
        : base($"Writing event file '{path}' failed: {innerException.Message} Events accepted after the last successful flush may be lost.", innerException)
    {
        Path = path;
    }

    private EventFileWriteException(string path, string message, Exception innerException)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>
    /// A value built on the worker thread failed; it was skipped and every other event is written. Reported by a call
    /// that would have queued an event (<paramref name="refusedCall"/>), that event was not queued either; the message
    /// does not say the whole call queued nothing, as a call that queues several events may have queued some before.
    /// </summary>
    internal static EventFileWriteException BuildFailed(string path, Exception innerException, int failures, bool refusedCall) => new(
        path,
        $"Building a value for event file '{path}' on its writer thread failed: {innerException.Message} " +
        $"{(failures == 1 ? "That value was" : $"{failures} values were")} not written" +
        (refusedCall
            ? ", and the event this call was queuing was not queued; every other event is written, and the writer stays usable."
            : "; every other event is, and the writer stays usable."),
        innerException);

    /// <summary>The event file (or stream name) that failed.</summary>
    public string Path { get; }
}
