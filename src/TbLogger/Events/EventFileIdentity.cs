namespace TbLogger.Events;

/// <summary>
/// Tells whether the local event file a writer holds open is still the file at its path. A file deleted (alone or
/// with its directory) or replaced while open keeps receiving our writes through the handle, and nobody can read
/// them by name: without this check every event would be lost without an error. .NET exposes no inode, so the file
/// is recognised by what only it holds: its first record (the header, with this writer's wall time to the
/// microsecond) and its length (we are its only writer, so after a flush the name's length equals the handle's).
/// </summary>
internal sealed class EventFileIdentity
{
    private readonly FileStream _stream;
    private readonly byte[] _firstRecord;

    private EventFileIdentity(FileStream stream, byte[] firstRecord)
    {
        _stream = stream;
        _firstRecord = firstRecord;
    }

    /// <summary>The identity of <paramref name="stream"/> when it is a local file, else null (object stores have no name to lose).</summary>
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
        FileStream named;
        try
        {
            named = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        }
        catch (FileNotFoundException)
        {
            return "was deleted";
        }
        catch (DirectoryNotFoundException)
        {
            return "was deleted with its directory";
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
