namespace TbLogger.Events;

/// <summary>
/// The background worker of an event file writer failed (disk full, file deleted, a summary that failed to build).
/// Thrown to the caller on the next call, Flush or Dispose; the original error is the inner exception.
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

    /// <summary>The event file (or stream name) that failed.</summary>
    public string Path { get; }
}
