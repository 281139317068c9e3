namespace TbLogger.Storage;

/// <summary>
/// Where log directories live: the local file system (<see cref="LocalLogStorage"/>) or a store chosen by the
/// directory's URI scheme, e.g. <c>s3://bucket/prefix/run</c> once TbLogger.S3 is referenced. Writers ask it for
/// new event files; readers list and open files through it. Implementations are thread-safe.
/// </summary>
/// <remarks>
/// Register a store with <see cref="LogStorageRegistry.Register(string, LogStorage)"/>, or let the registry find it
/// through <see cref="LogStorageProviderAttribute"/>, like tensorboardX's writer factories keyed by URI prefix.
/// </remarks>
public abstract class LogStorage
{
    /// <summary>True for the local file system, whose paths every other part of TbLogger can open directly.</summary>
    public abstract bool IsLocal { get; }

    /// <summary>Joins a directory and a child name with this store's separator.</summary>
    /// <param name="directory">A directory of this store.</param>
    /// <param name="name">One path segment, e.g. a sub-run or file name.</param>
    /// <returns>The child's path.</returns>
    public abstract string Combine(string directory, string name);

    /// <summary>
    /// Makes sure <paramref name="directory"/> can hold files. Must not fail when another process creates the same
    /// directory at the same time. Object stores, which have no directories, do nothing.
    /// </summary>
    /// <param name="directory">The directory.</param>
    public abstract void CreateDirectory(string directory);

    /// <summary>
    /// Creates a new event file in <paramref name="directory"/> with a name no other writer uses (see
    /// <see cref="EventFileNames"/>) and returns a stream that writes it. Flushing the stream makes the bytes
    /// written so far visible to readers; disposing it makes all of them visible or throws.
    /// </summary>
    /// <param name="directory">The run directory; created if needed.</param>
    /// <param name="suffix">Appended to the file name, or null.</param>
    /// <param name="path">The new file's path (for an object store, the first object's URI).</param>
    /// <returns>A writable stream positioned at the start of the empty file.</returns>
    public abstract Stream CreateEventFile(string directory, string? suffix, out string path);

    /// <summary>Lists the files under <paramref name="directory"/>, sorted by ordinal path.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="recursive">True to include every sub-directory.</param>
    /// <returns>Full paths of this store; empty when the directory does not exist.</returns>
    public abstract IReadOnlyList<string> ListFiles(string directory, bool recursive);

    /// <summary>Opens a file for reading.</summary>
    /// <param name="path">A path returned by <see cref="ListFiles"/>.</param>
    /// <returns>A readable stream; the caller disposes it.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public abstract Stream OpenRead(string path);
}
