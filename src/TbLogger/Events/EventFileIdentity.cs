using TbLogger.Storage;

namespace TbLogger.Events;

/// <summary>
/// Tells whether the local event file a writer holds open is still the file at its path. A file deleted (alone or
/// with its directory) or replaced while open keeps receiving our writes through the handle, and nobody can read
/// them by name: without this check every event would be lost without an error. The file is recognised by its
/// identity (device and inode on Unix, volume and file index on Windows: <see cref="FileIdentity"/>), compared with
/// what is at the path by stat(2), which never opens it, so a FIFO put there cannot block the check. Where the
/// identity cannot be read with confidence, the fallback recognises the file by what only it holds: its first
/// record (the header, with this writer's wall time to the microsecond) and its length (we are its only writer, so
/// after a flush the name's length equals the handle's); that fallback misses a copy with the same bytes.
/// </summary>
internal sealed class EventFileIdentity
{
    private readonly FileStream _stream;
    private readonly byte[] _firstRecord;
    private FileIdentity? _identity;

    private EventFileIdentity(FileStream stream, byte[] firstRecord)
    {
        _stream = stream;
        _firstRecord = firstRecord;
    }

    /// <summary>
    /// The identity of <paramref name="stream"/> when it is a local file, else null (object stores have no name to
    /// lose). Its device and inode are read by <see cref="Capture"/>.
    /// </summary>
    /// <param name="stream">The writer's stream.</param>
    /// <param name="header">The payload of the file's first record.</param>
    public static EventFileIdentity? For(Stream stream, ReadOnlySpan<byte> header)
    {
        if (stream is not FileStream file)
        {
            return null;
        }
        byte[] framed = new byte[header.Length + Records.TfRecordWriter.FramingOverhead];
        Records.TfRecordWriter.Frame(header, framed);
        return new EventFileIdentity(file, framed);
    }

    /// <summary>
    /// Reads the file's device and inode (or file index). The writer's thread calls it first thing, just after the
    /// constructor created the file, rather than the constructor itself: the two system calls' marshalling stubs
    /// cost a fresh process's caller 1-3 ms (issue 19). Not called, or not trusted, the file is recognised by its bytes.
    /// </summary>
    public void Capture()
    {
        // Trusted only when the handle and the path agree now, just after the writer created the file.
        FileIdentity? identity = FileIdentity.Of(_stream.SafeFileHandle);
        _identity = identity is not null && FileIdentity.OfPath(_stream.Name, out _) == identity ? identity : null;
    }

    /// <summary>True when the file is recognised by device and inode (or file index), false when by its bytes.</summary>
    public bool ByIdentity => _identity is not null;

    /// <summary>Throws when the file at the path is gone or is not the one this writer holds. Call after a flush.</summary>
    /// <exception cref="IOException">The file was deleted or replaced; the message says where the written bytes went.</exception>
    public void Check()
    {
        string path = _stream.Name;
        long written = _stream.Length;
        string? problem = Problem(path, written);
        if (problem is not null)
        {
            throw new IOException(
                $"The event file '{path}' {problem} while this writer had it open. The {written} bytes written so far went to " +
                "the deleted file, which no reader can open by that name (TensorBoard shows none of them); nothing more is written.");
        }
    }

    private string? Problem(string path, long written)
    {
        if (_identity is { } identity)
        {
            FileIdentity? named = FileIdentity.OfPath(path, out bool missing);
            if (missing)
            {
                return Deleted(path);
            }
            if (named is { } found)
            {
                return found == identity ? null : "was replaced (another file is at that path now)";
            }
            // Unreadable just now (permissions changed?): the bytes decide.
        }
        return ProblemByContent(path, written);
    }

    private static string Deleted(string path) =>
        Directory.Exists(Path.GetDirectoryName(path)) ? "was deleted" : "was deleted with its directory";

    private string? ProblemByContent(string path, long written)
    {
        FileStream named;
        try
        {
            named = RegularFile.OpenRead(path); // never blocks, even if a FIFO was put at the path
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Deleted(path);
        }
        catch (NotRegularFileException ex)
        {
            return $"was replaced by a {ex.Kind}";
        }
        using (named)
        {
            if (named.Length != written)
            {
                return $"was replaced (the file there now has {named.Length} bytes)";
            }
            Span<byte> first = _firstRecord.Length <= 1024 ? stackalloc byte[_firstRecord.Length] : new byte[_firstRecord.Length];
            named.ReadExactly(first);
            return first.SequenceEqual(_firstRecord) ? null : "was replaced (the file there now starts with another header)";
        }
    }
}
