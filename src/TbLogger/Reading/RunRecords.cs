using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Reading;

/// <summary>Streams the event records of a run's files in order, decoding only each event's header.</summary>
internal static class RunRecords
{
    /// <summary>The records of <paramref name="run"/>'s files, in order, with their event headers decoded.</summary>
    /// <param name="run">The run.</param>
    /// <param name="options">Framing options; with skipping off an event that does not decode is thrown.</param>
    /// <param name="progress">Counts bytes read, or null.</param>
    /// <param name="skipped">
    /// Told about each record skipped because its event header does not decode or it is over the value budget (the
    /// reader counts and reports it); null for a silent pre-pass such as the purge plan's, which reads the same records.
    /// </param>
    public static IEnumerable<RecordRef> Enumerate(RunInfo run, TfRecordReaderOptions options, ByteProgress? progress = null, Action<TfRecordCorruptException>? skipped = null)
    {
        using var cursor = new RunRecordCursor(run, options, progress, skipped: skipped);
        while (cursor.MoveNext())
        {
            yield return cursor.Current;
        }
    }

    /// <summary>
    /// Null when <paramref name="data"/> is an event whose header decodes and whose summary is within the value
    /// budget; otherwise the corruption (<see cref="TfRecordCorruption.InvalidPayload"/>) naming file and offset. An
    /// event that is not certainly read by the wire walks as the parser reads it (<see cref="IsSound"/>: a oneof member
    /// given twice, an unknown group, a value with bytes that are not fields) is judged by the parser: one it rejects
    /// is corrupt, as TensorBoard's loaders skip it whole; one it accepts is read from its <paramref name="canonical"/>
    /// encoding (<see cref="Events.EventRecordDecoder.Canonical"/>), as <see cref="Events.EventFileReader"/> reads it
    /// (two summaries in one event are one summary of both's values).
    /// </summary>
    public static TfRecordCorruptException? Undecodable(string file, long offset, ReadOnlySpan<byte> data, out EventHeader header, out byte[]? canonical)
    {
        canonical = null;
        if (!EventWire.TryReadHeader(data, out header) || !IsSound(data))
        {
            if (Events.EventRecordDecoder.Canonical(data, offset, file, out byte[] parsed) is { } corrupt)
            {
                return corrupt;
            }
            if (!EventWire.TryReadHeader(parsed, out header))
            {
                return new TfRecordCorruptException(file, offset, TfRecordCorruption.InvalidPayload, $"{data.Length} bytes are not an Event");
            }
            canonical = parsed;
            return null;
        }
        // The budget's own first test, here to spare nearly every record a call.
        return data.Length <= EventBudget.AlwaysWithinBudget ? null : EventBudget.Problem(data) is { } overBudget ? new TfRecordCorruptException(file, offset, TfRecordCorruption.InvalidPayload, overBudget) : null;
    }

    /// <summary>
    /// True when the wire walks read <paramref name="data"/> exactly as the protobuf parser would: one of the scalar
    /// events writers repeat, matched byte for byte over the whole record (<see cref="Events.EventShape.MatchScalar"/>:
    /// nearly every record, for a few comparisons and the tag's UTF-8 check), or an event
    /// <see cref="Events.EventShape.IsPlain(ReadOnlySpan{byte})"/> vouches for. Anything else goes to the parser (see
    /// <see cref="Undecodable"/>), so a record's values are read all or none, as TensorBoard's loaders read them.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool IsSound(ReadOnlySpan<byte> data) =>
        Events.EventShape.MatchScalar(data, out _, out _, out _, out _) != Events.ScalarLayout.None || IsPlain(data);

    /// <summary>
    /// The header of an event in the writers' layout of one scalar value, read and checked in one pass: wall_time, step,
    /// and a summary running to the end of the record that holds one value, a tag and a simple_value or a DT_FLOAT /
    /// DT_DOUBLE tensor of one packed number with or without an empty shape, byte for byte (the layouts of
    /// <see cref="Events.EventShape.MatchScalar"/>) and a tag that is UTF-8, so that the parser reads it as the walks do.
    /// False for anything else.
    /// </summary>
    // Not inlined: the cursor's MoveNext is inlined into the scans' record loops only while it stays small.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static bool TryReadExactScalar(ReadOnlySpan<byte> data, out EventHeader header)
    {
        header = default;
        int at = 10;
        if (data.Length < 16 || data[0] != 0x09 || data[9] != 0x10 || !ProtoWire.TryReadVarint(data, ref at, out ulong step))
        {
            return false;
        }
        // summary (2A, one-byte length) = value (0A, one-byte length) = tag (0A, one-byte length, bytes), then the number.
        if (data.Length - at < 6 || data[at] != 0x2A || data[at + 1] != data.Length - at - 2 || data[at + 2] != 0x0A
            || data[at + 3] != data.Length - at - 4 || data[at + 4] != 0x0A || data[at + 5] >= 0x80 || data[at + 1] >= 0x80)
        {
            return false;
        }
        int tagEnd = at + 6 + data[at + 5];
        if (tagEnd > data.Length || !IsUtf8(data[(at + 6)..tagEnd]))
        {
            return false;
        }
        ReadOnlySpan<byte> rest = data[tagEnd..];
        bool exact = rest.Length switch
        {
            5 => rest[0] == 0x15,
            10 => System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(rest) == 0x0842 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(rest[2..]) == 0x042A0108u,
            12 => System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(rest) == 0x0A42 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(rest[2..]) == 0x00120108u
                && System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(rest[6..]) == 0x042A,
            14 => System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(rest) == 0x0C42 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(rest[2..]) == 0x08320208u,
            16 => System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(rest) == 0x0E42 && System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(rest[2..]) == 0x00120208u
                && System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(rest[6..]) == 0x0832,
            _ => false,
        };
        if (!exact)
        {
            return false;
        }
        header.WallTime = System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(data[1..]);
        header.Step = (long)step;
        header.Kind = EventKind.Summary;
        header.PayloadStart = at + 2;
        header.PayloadLength = data.Length - at - 2;
        return true;
    }

    /// <summary>
    /// Whether <paramref name="tag"/> is UTF-8: a tag of 8 to 16 ASCII bytes (most) by two loads, for about a nanosecond
    /// where the framework's validation costs three or four per record; any other by that validation.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool IsUtf8(ReadOnlySpan<byte> tag)
    {
        if (tag.Length is >= 8 and <= 16
            && ((System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(tag) | System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(tag[^8..])) & 0x8080808080808080UL) == 0)
        {
            return true;
        }
        return System.Text.Unicode.Utf8.IsValid(tag);
    }

    // Out of line: the walk is for the few records of other layouts.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsPlain(ReadOnlySpan<byte> data) => Events.EventShape.IsPlain(data);
}

/// <summary>
/// The loop of <see cref="RunRecords.Enumerate"/> as a plain cursor, for the paths that see tens of millions of
/// records (the scalar scan and the purge pre-pass): no iterator state machine between the caller and the record,
/// and the header is read in place instead of being copied through a <see cref="RecordRef"/> per record.
/// </summary>
internal sealed class RunRecordCursor : IDisposable
{
    private readonly RunInfo _run;
    private readonly TfRecordReaderOptions _options;
    private readonly ByteProgress? _progress;
    private readonly long[] _counted;
    private readonly Action<TfRecordCorruptException>? _skipped;
    private int _nextFile;
    private EventRecordSource? _source;
    private ByteProgress.FileCursor _bytes;
    private long _nextOrdinal;

    /// <param name="run">The run.</param>
    /// <param name="options">Corruption policy.</param>
    /// <param name="progress">Hears bytes read, or null.</param>
    /// <param name="counted">
    /// Bytes of each file (by index in <see cref="RunInfo.Files"/>) already counted by an abandoned pass over the
    /// run, not to be counted again; null for none. Updated as this cursor counts.
    /// </param>
    /// <param name="skipped">
    /// Told about each record skipped in skip mode because its event header does not decode or it is over the value
    /// budget (the reader counts and reports it); null for a silent pre-pass that reads the same records again.
    /// </param>
    /// <param name="from">Where to start (a segment of the run, see <see cref="RunSegments"/>); null for the run's start.</param>
    /// <param name="to">Where to stop (the next segment's start); null for the run's end.</param>
    /// <param name="fromIdentity">
    /// What the file of <paramref name="from"/> must be (another cursor holds it open): opening anything else there,
    /// or nothing, throws <see cref="IOException"/> instead of reading another file's bytes or skipping the file.
    /// </param>
    public RunRecordCursor(RunInfo run, TfRecordReaderOptions options, ByteProgress? progress = null, long[]? counted = null,
        Action<TfRecordCorruptException>? skipped = null, RunSegment? from = null, RunSegment? to = null, FileIdentity? fromIdentity = null)
    {
        _fromIdentity = fromIdentity;
        _skipped = skipped;
        _run = run;
        _options = options;
        _progress = progress;
        _counted = counted ?? new long[run.Files.Count];
        if (from is { } start)
        {
            _nextFile = start.File;
            _nextOrdinal = start.Ordinal;
            _startOffset = start.Offset;
            // The bytes before the segment are another segment's to count.
            _counted[start.File] = Math.Max(_counted[start.File], start.Offset);
        }
        if (to is { } end)
        {
            _endFile = end.File;
            _endOffset = end.Offset;
        }
    }

    // The segment's start offset in its first file (used once), and where the segment ends: the next segment's first
    // record (file index, offset), or int.MaxValue for the run's end.
    private long _startOffset;

    // What the first file opened must be, when another cursor holds it open (checked once).
    private FileIdentity? _fromIdentity;

    // Where MoveNext's fast path stops in the open file: the segment's end in its last file, otherwise nowhere.
    private long _fastLimit;
    private readonly int _endFile = int.MaxValue;
    private readonly long _endOffset;

    /// <summary>The ordinal the next record would get: after the end, the number of ordinals this cursor used plus its start.</summary>
    public long NextOrdinal => _nextOrdinal;

    /// <summary>
    /// Where the cursor stopped at its segment's end: the offset, in the end's file, of the first record at or after
    /// the end; null while it has not, and when the records ran out before the end (the file ended, or ends in a
    /// truncated record).
    /// </summary>
    public long? StoppedAt { get; private set; }

    /// <summary>Bytes counted per file so far (complete once the cursor is disposed).</summary>
    public long[] Counted => _counted;

    /// <summary>
    /// Where the record after the current one starts (its file, offset and ordinal), for another cursor to read the
    /// rest of the run from there; null when no file is open (before the first record, after the last).
    /// </summary>
    public RunSegment? Next => _source is { } source ? new RunSegment(_nextFile - 1, source.Records.Position, _nextOrdinal) : null;

    /// <summary>What the open file is (see <see cref="EventRecordSource.Identity"/>); null when none is open or on any doubt.</summary>
    public FileIdentity? OpenFileIdentity => _source?.Identity();

    /// <summary>
    /// Counts the open file's bytes up to <see cref="Next"/> (with <see cref="Counted"/>), so that a cursor that reads
    /// on from there, sharing <see cref="Counted"/>, counts exactly the bytes after it.
    /// </summary>
    public void CountToNext()
    {
        if (_source is { } source)
        {
            _bytes.CountTo(source.Records.Position);
            _counted[_nextFile - 1] = Math.Max(_counted[_nextFile - 1], _bytes.Counted);
        }
    }

    /// <summary>Takes the open file's bytes that another cursor counted in <see cref="Counted"/> as counted, before reading on.</summary>
    public void SkipCounted()
    {
        if (_source is not null)
        {
            _bytes.Skip(_counted[_nextFile - 1]);
        }
    }

    /// <summary>The current record's file.</summary>
    public string File { get; private set; } = "";

    /// <summary>Byte offset of the current record's framing in <see cref="File"/>.</summary>
    public long Offset { get; private set; }

    /// <summary>Position of the current record among all records of the run (files in order).</summary>
    public long Ordinal { get; private set; }

    /// <summary>The current record's bytes, valid until the next <see cref="MoveNext"/>.</summary>
    public ReadOnlyMemory<byte> Data => new(_buffer, _start, _length);

    /// <summary><see cref="Data"/> as a span, without building the memory: the per-record path of the scans.</summary>
    public ReadOnlySpan<byte> Span => new(_buffer, _start, _length);

    private byte[] _buffer = [];
    private int _start;
    private int _length;

    /// <summary>The current record's decoded header.</summary>
    public EventHeader Header;

    public RecordRef Current => new(File, Offset, Ordinal, Data, Header);

    /// <summary>
    /// Moves to the next record whose header decodes. A record that verifies but is not an Event (or is over
    /// <see cref="EventBudget"/>) is thrown as corruption, or skipped (taking an ordinal) when skipping is on.
    /// </summary>
    /// <remarks>
    /// Inlined into the scans' record loops: a record that lies whole in the framing reader's buffer, verifies, is
    /// before the segment's end and has a header that decodes within the budget is taken here, without a call (the
    /// general path's frame and its state updates cost the scans about a fifth of their time, issue 19); anything else
    /// goes to the general path, which meets it exactly as before.
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool MoveNext()
    {
        if (_source is { } source && source.Records.Position < _fastLimit && source.Records.TryTakeBuffered(out byte[] buffer, out int start, out int length))
        {
            if (_progress is not null)
            {
                _bytes.At(source.Records.Position);
            }
            long offset = source.Records.Position - length - TfRecordWriter.FramingOverhead;
            ReadOnlySpan<byte> span = new(buffer, start, length);
            // The writers' layout of one scalar value (nearly every record), read and vouched for in one pass; any
            // other event within the budget by the general walks.
            if (length <= EventBudget.AlwaysWithinBudget
                && (RunRecords.TryReadExactScalar(span, out Header) || (EventWire.TryReadHeader(span, out Header) && RunRecords.IsSound(span))))
            {
                Take(source.Path, offset, buffer, start, length);
                return true;
            }
            if (TakeDecodable(source.Path, offset, buffer, start, length))
            {
                return true;
            }
        }
        return MoveNextGeneral();
    }

    /// <summary>Makes a record whose <see cref="Header"/> is decoded the current one, with the next ordinal.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Take(string file, long offset, byte[] buffer, int start, int length)
    {
        // Most records are in the file and the reader's buffer of the one before: no store (and its write barrier)
        // for the same path or array.
        if (!ReferenceEquals(File, file))
        {
            File = file;
        }
        if (!ReferenceEquals(_buffer, buffer))
        {
            _buffer = buffer;
        }
        Offset = offset;
        _start = start;
        _length = length;
        Ordinal = _nextOrdinal++;
    }

    /// <summary>
    /// Decodes a verified record's header by the general rules (undecodable, over the budget) and takes it; true when
    /// it is the current record now, false when it was skipped (taking an ordinal) in skip mode.
    /// </summary>
    private bool TakeDecodable(string file, long offset, byte[] buffer, int start, int length)
    {
        if (RunRecords.Undecodable(file, offset, new ReadOnlySpan<byte>(buffer, start, length), out Header, out byte[]? canonical) is { } corrupt)
        {
            if (!_options.SkipCorruptRecords)
            {
                throw corrupt;
            }
            _skipped?.Invoke(corrupt);
            _nextOrdinal++;
            return false;
        }
        if (canonical is not null)
        {
            Take(file, offset, canonical, 0, canonical.Length);
            return true;
        }
        Take(file, offset, buffer, start, length);
        return true;
    }

    private bool MoveNextGeneral()
    {
        while (true)
        {
            if (_source is null && !OpenNextFile())
            {
                return false;
            }
            EventRecordSource source = _source!;
            if (_nextFile - 1 == _endFile && source.Records.Position >= _endOffset)
            {
                // The next segment starts here: count this segment's bytes and stop.
                StoppedAt = source.Records.Position;
                _bytes.At(source.Records.Position, endOfFile: true);
                CloseFile();
                _nextFile = _run.Files.Count;
                return false;
            }
            if (!source.TryReadNextInPlace(out long offset, out byte[] buffer, out int start, out int length))
            {
                _bytes.At(source.Records.Position, endOfFile: true);
                CloseFile();
                continue;
            }
            if (_nextFile - 1 == _endFile && offset >= _endOffset)
            {
                // Skipping damaged bytes (a file that changed since the pre-pass) carried the read past the end:
                // this record is the next segment's, which reads it itself.
                StoppedAt = offset;
                _bytes.At(_endOffset, endOfFile: true);
                CloseFile();
                _nextFile = _run.Files.Count;
                return false;
            }
            if (_progress is not null)
            {
                _bytes.At(source.Records.Position);
            }
            if (TakeDecodable(source.Path, offset, buffer, start, length))
            {
                return true;
            }
        }
    }

    private bool OpenNextFile()
    {
        // A segment that ends at the start of a file does not open that file.
        while (_nextFile < _run.Files.Count && (_nextFile < _endFile || (_nextFile == _endFile && _endOffset > 0)))
        {
            long start = _startOffset;
            _startOffset = 0;
            string path = _run.Files[_nextFile++];
            _source = EventRecordSource.TryOpen(_run.Storage, path, _options, start);
            if (_fromIdentity is { } expected)
            {
                // The file another cursor reads was deleted or replaced since it opened it: this cursor would read
                // what that one never returns.
                _fromIdentity = null;
                if (_source?.Identity() != expected)
                {
                    _source?.Dispose();
                    _source = null;
                    _nextFile = _run.Files.Count;
                    throw new IOException($"'{PathPolicy.Printable(path)}' changed while it was read.");
                }
            }
            if (_source is not null)
            {
                // In the file where the segment ends, the fast path stops short of the end and lets the general path stop.
                _fastLimit = _nextFile - 1 == _endFile ? _endOffset : long.MaxValue;
                _bytes = new ByteProgress.FileCursor(_progress, _counted[_nextFile - 1]);
                return true;
            }
        }
        return false;
    }

    private void CloseFile()
    {
        // The larger: another cursor that read on from this one's position may have counted more of the file.
        _counted[_nextFile - 1] = Math.Max(_counted[_nextFile - 1], _bytes.Counted);
        _source?.Dispose();
        _source = null;
    }

    public void Dispose()
    {
        if (_source is not null)
        {
            CloseFile();
        }
    }
}
