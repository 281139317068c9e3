using TbLogger.Records;

namespace TbLogger.Storage;

/// <summary>
/// The records of one event file, wherever it lives: opened by its store (<see cref="LogStorage.OpenRead"/>: a local
/// file shared with writers that may still append, rename or delete it, or an object), framed and checked by
/// <see cref="TfRecordReader"/>, yielded as (offset, bytes). Every reader of event files starts here: the typed
/// reader, the fast scalar path, the follower and the verifier.
/// </summary>
internal sealed class EventRecordSource : IDisposable
{
    private readonly Stream _stream;

    private EventRecordSource(Stream stream, string path, TfRecordReaderOptions? options)
    {
        _stream = stream;
        Path = path;
        try
        {
            Records = new TfRecordReader(stream, options, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The file's path (or URI).</summary>
    public string Path { get; }

    /// <summary>The framing reader: position, truncation and skip counts.</summary>
    public TfRecordReader Records { get; }

    /// <summary>The file's length now (a local file's stream asks the file system each time), if the store's stream knows it.</summary>
    public long? Length => _stream.CanSeek ? _stream.Length : null;

    /// <summary>How far into the file the framing reader has read (a record cut short included), when the stream seeks.</summary>
    public long? ReadUpTo => _stream.CanSeek ? _stream.Position : null;

    /// <summary>What the open file is (device and inode), when it is a local file and that can be read with confidence; else null.</summary>
    public FileIdentity? Identity() => _stream is FileStream file ? FileIdentity.Of(file.SafeFileHandle) : null;

    /// <summary>Opens <paramref name="path"/> of <paramref name="storage"/>.</summary>
    /// <param name="storage">The store.</param>
    /// <param name="path">The file.</param>
    /// <param name="options">Framing options.</param>
    /// <param name="startOffset">
    /// Where the first record to read starts (a segment of a run read on two threads); 0 for the file's start.
    /// Only for stores whose streams can seek: the caller found the offset by framing the same file.
    /// </param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static EventRecordSource Open(LogStorage storage, string path, TfRecordReaderOptions? options, long startOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(path);
        Stream stream = storage.OpenRead(path);
        if (startOffset > 0)
        {
            try
            {
                // The framing reader takes the stream's position as the offset of what it reads next.
                stream.Seek(startOffset, SeekOrigin.Begin);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        return new EventRecordSource(stream, path, options);
    }

    /// <summary>
    /// Like <see cref="Open"/>, but a file deleted since it was listed (e.g. rotated) gives null, as TensorBoard skips
    /// it too; so does one swapped for a FIFO or device since (with a warning on standard error naming it), and one
    /// this user may not read (told to <paramref name="unreadable"/>, or a warning on standard error): the run's other
    /// files, and the other runs, are still read.
    /// </summary>
    public static EventRecordSource? TryOpen(LogStorage storage, string path, TfRecordReaderOptions? options, long startOffset = 0, Action<UnauthorizedAccessException>? unreadable = null)
    {
        try
        {
            return Open(storage, path, options, startOffset);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (NotRegularFileException ex)
        {
            LogDirectoryWalk.StandardErrorWarning($"skipped '{PathPolicy.Printable(ex.FilePath)}': it is a {ex.Kind}, not a regular file.");
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            if (unreadable is not null)
            {
                unreadable(ex);
            }
            else
            {
                LogDirectoryWalk.StandardErrorWarning($"skipped '{PathPolicy.Printable(path)}': {PathPolicy.Printable(ex.Message)}");
            }
            return null;
        }
    }

    /// <summary>Reads the next verified record; see <see cref="TfRecordReader.TryReadNext(out long, out ReadOnlyMemory{byte})"/>.</summary>
    public bool TryReadNext(out long offset, out ReadOnlyMemory<byte> record) => Records.TryReadNext(out offset, out record);

    /// <summary>
    /// Like <see cref="TryReadNext"/>, the record left in the framing reader's buffer (<paramref name="length"/> bytes
    /// at <paramref name="start"/>, valid until the next call): the scalar scan's per-record path.
    /// </summary>
    public bool TryReadNextInPlace(out long offset, out byte[] buffer, out int start, out int length)
    {
        bool read = Records.TryReadNextInPlace(out buffer, out start, out length);
        offset = read ? Records.Position - length - TfRecordWriter.FramingOverhead : Records.Position;
        return read;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => Records.Dispose();
}
