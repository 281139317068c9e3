namespace TbLogger.Storage;

/// <summary>
/// A store that acknowledges written bytes later than its stream's <see cref="Stream.Flush"/> returns, e.g. an object
/// store that uploads in the background and retries failed uploads. <see cref="SummaryWriter.Flush"/> asks it, after
/// flushing, whether everything flushed so far reached the store, so a flush never reports success for bytes the store
/// did not acknowledge. Local files do not implement it.
/// </summary>
public interface IAcknowledgingStorage
{
    /// <summary>
    /// Returns once the store has acknowledged every byte flushed so far to the event file <paramref name="path"/>,
    /// retrying pending uploads until the store's flush timeout; unknown or closed paths return at once.
    /// </summary>
    /// <param name="path">An event file path returned by <see cref="LogStorage.CreateEventFile"/>.</param>
    /// <exception cref="IOException">The store did not acknowledge everything in time; the message says what is missing, and the writer keeps it and retries.</exception>
    void WaitForAcknowledgement(string path);
}
