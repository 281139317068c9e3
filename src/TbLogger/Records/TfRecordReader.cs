using System.Buffers.Binary;

namespace TbLogger.Records;

/// <summary>
/// Reads TFRecord framing from a stream. A truncated final record (partial header or data, as left by a crash or a
/// writer still writing) ends the readable data and is reported by <see cref="IsTruncated"/>, never thrown; a CRC
/// mismatch throws <see cref="TfRecordCorruptException"/> unless <see cref="TfRecordReaderOptions.SkipCorruptRecords"/>.
/// Memory grows only with bytes actually read, so a corrupt length field cannot cause a large allocation.
/// </summary>
public sealed class TfRecordReader : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly TfRecordReaderOptions _options;
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private bool _resynchronizing;
    private bool _shared;

    /// <summary>Creates a reader positioned at the stream's current position, taken as offset 0 unless the stream can seek.</summary>
    /// <param name="stream">A readable stream.</param>
    /// <param name="options">Corruption policy and limits; null for <see cref="TfRecordReaderOptions.Default"/>.</param>
    /// <param name="sourceName">Name used in error messages, e.g. the file path.</param>
    /// <param name="leaveOpen">When true, <see cref="Dispose"/> does not close the stream.</param>
    public TfRecordReader(Stream stream, TfRecordReaderOptions? options = null, string? sourceName = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream is not readable.", nameof(stream));
        }
        _stream = stream;
        _leaveOpen = leaveOpen;
        _options = options ?? TfRecordReaderOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxRecordLength, "options.MaxRecordLength");
        // A record lives in one array, framing included.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MaxRecordLength, Array.MaxLength - TfRecordWriter.FramingOverhead, "options.MaxRecordLength");
        SourceName = sourceName;
        Position = stream.CanSeek ? stream.Position : 0;
    }

    /// <summary>The name used in error messages.</summary>
    public string? SourceName { get; }

    /// <summary>Byte offset of the next record to read.</summary>
    public long Position { get; private set; }

    /// <summary>True when the last read stopped at an incomplete record; <see cref="TruncatedAt"/> says where it starts.</summary>
    public bool IsTruncated { get; private set; }

    /// <summary>Offset of the incomplete final record, when <see cref="IsTruncated"/>.</summary>
    public long? TruncatedAt { get; private set; }

    /// <summary>True while a corrupt stretch is being skipped and no good record has been found after it yet.</summary>
    internal bool IsResynchronizing => _resynchronizing;

    /// <summary>Records read successfully.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>Corrupt records (or corrupt stretches, after a bad length) skipped under <see cref="TfRecordReaderOptions.SkipCorruptRecords"/>.</summary>
    public long SkippedRecords { get; private set; }

    /// <summary>Bytes passed over while skipping corrupt records.</summary>
    public long SkippedBytes { get; private set; }

    /// <summary>
    /// Reads the next record into the reader's reusable buffer. The memory stays valid only until the next call.
    /// Returns false at the end of the data or at a truncated record; a later call tries again from the same
    /// record, so a reader can follow a file that is still being written.
    /// </summary>
    /// <param name="record">The record's payload.</param>
    /// <returns>True when a complete, verified record was read.</returns>
    /// <exception cref="TfRecordCorruptException">A CRC failed or the length is over the limit, and skipping is off.</exception>
    public bool TryReadNext(out ReadOnlyMemory<byte> record)
    {
        if (TryReadNextInPlace(out byte[] buffer, out int start, out int length))
        {
            record = new ReadOnlyMemory<byte>(buffer, start, length);
            return true;
        }
        record = default;
        return false;
    }

    /// <summary>
    /// <see cref="TryReadNext(out ReadOnlyMemory{byte})"/> for the readers that see tens of millions of records: the
    /// record is <paramref name="length"/> bytes at <paramref name="start"/> of the reader's own buffer, valid until
    /// the next call, with no <see cref="ReadOnlyMemory{T}"/> to build and take apart again per record.
    /// </summary>
    internal bool TryReadNextInPlace(out byte[] buffer, out int start, out int length)
    {
        while (true)
        {
            buffer = _buffer;
            start = 0;
            length = 0;
            long recordOffset = Position;
            // Most records are already in the buffer: Fill (a call) only when the bytes run past what was read.
            if (_end - _start < TfRecordWriter.HeaderLength && !Fill(TfRecordWriter.HeaderLength))
            {
                return EndOrTruncated(recordOffset);
            }
            ReadOnlySpan<byte> header = _buffer.AsSpan(_start, TfRecordWriter.HeaderLength);
            ulong recordLength = BinaryPrimitives.ReadUInt64LittleEndian(header);
            uint storedLengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            uint lengthCrc = MaskedCrc32C.ComputeMasked(recordLength);
            if (storedLengthCrc != lengthCrc)
            {
                Corrupt(recordOffset, TfRecordCorruption.LengthCrcMismatch, storedLengthCrc, lengthCrc, recordLength);
                SkipBytes(1);
                continue;
            }
            if (recordLength > (ulong)_options.MaxRecordLength)
            {
                Corrupt(recordOffset, TfRecordCorruption.LengthOverLimit, 0, 0, recordLength);
                SkipBytes(1);
                continue;
            }
            int dataLength = (int)recordLength;
            int total = checked(dataLength + TfRecordWriter.FramingOverhead);
            if (_end - _start < total && !Fill(total))
            {
                if (_options.ScanPastBadRecords && _options.SkipCorruptRecords)
                {
                    // A complete file being salvaged: a length running past its end is damage, not a record still
                    // being written, and good records may lie inside what it claims.
                    EnterCorruptStretch();
                    SkipBytes(1);
                    continue;
                }
                return EndOrTruncated(recordOffset);
            }
            ReadOnlySpan<byte> data = _buffer.AsSpan(_start + TfRecordWriter.HeaderLength, dataLength);
            uint storedDataCrc = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_start + TfRecordWriter.HeaderLength + dataLength, 4));
            uint dataCrc = MaskedCrc32C.ComputeMasked(data);
            if (storedDataCrc != dataCrc)
            {
                Corrupt(recordOffset, TfRecordCorruption.DataCrcMismatch, storedDataCrc, dataCrc, recordLength);
                if (_resynchronizing)
                {
                    // A length that verified by chance inside a corrupt stretch: keep scanning.
                    SkipBytes(1);
                }
                else if (_options.ScanPastBadRecords)
                {
                    // Salvaging: the length may be a torn record's, covering good records after it.
                    EnterCorruptStretch();
                    SkipBytes(1);
                }
                else
                {
                    SkippedRecords++;
                    SkipBytes(total);
                }
                continue;
            }
            buffer = _buffer;
            start = _start + TfRecordWriter.HeaderLength;
            length = dataLength;
            _start += total;
            Position += total;
            _resynchronizing = false;
            IsTruncated = false;
            TruncatedAt = null;
            RecordsRead++;
            return true;
        }
    }

    /// <summary>
    /// The common case of <see cref="TryReadNextInPlace"/>, small enough to inline into the scans' record loops: the
    /// next record lies whole in the buffer and both its CRCs verify. False when anything else is the case (more bytes
    /// to read, the end, a truncated or corrupt record, a reader resynchronising or stopped at a truncated tail):
    /// nothing was consumed then, and <see cref="TryReadNextInPlace"/> handles it. Why: a call per record cost the
    /// scan its prologue (a stack frame zeroed per record) and the state updates of the general path (issue 19).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal bool TryTakeBuffered(out byte[] buffer, out int start, out int length)
    {
        buffer = _buffer;
        start = _start;
        length = 0;
        int available = _end - start;
        if (available < TfRecordWriter.FramingOverhead || _resynchronizing || IsTruncated)
        {
            return false;
        }
        ref byte header = ref buffer[start];
        ulong recordLength = LittleEndian.ReadUInt64(ref header);
        // Within the buffer (so also within MaxRecordLength's array bound) and within the limit; the length CRC verifies.
        if (recordLength > (ulong)(available - TfRecordWriter.FramingOverhead) || recordLength > (ulong)_options.MaxRecordLength
            || LittleEndian.ReadUInt32(ref System.Runtime.CompilerServices.Unsafe.Add(ref header, 8)) != MaskedCrc32C.ComputeMasked(recordLength))
        {
            return false;
        }
        int dataLength = (int)recordLength;
        ref byte data = ref System.Runtime.CompilerServices.Unsafe.Add(ref header, TfRecordWriter.HeaderLength);
        if (LittleEndian.ReadUInt32(ref System.Runtime.CompilerServices.Unsafe.Add(ref data, dataLength)) != MaskedCrc32C.Mask(MaskedCrc32C.Compute(ref data, dataLength)))
        {
            return false;
        }
        int total = dataLength + TfRecordWriter.FramingOverhead;
        start += TfRecordWriter.HeaderLength;
        length = dataLength;
        _start += total;
        Position += total;
        RecordsRead++;
        return true;
    }

    /// <summary>
    /// Keeps the records already taken from the buffer as they are while another thread still decodes them
    /// (<see cref="Events.EventBatch"/>): the next time the buffer is full, the bytes not yet read go to a new buffer
    /// instead of being moved to the front of this one. Reading on only appends past the bytes read, so that move is
    /// the one write that could reach them; the copy costs what the move would have.
    /// </summary>
    internal void ShareBuffer() => _shared = true;

    /// <summary>Like <see cref="TryReadNext(out ReadOnlyMemory{byte})"/>, and says where the record starts.</summary>
    /// <param name="offset">Byte offset of the record's framing in the stream (when false: of the next record to read).</param>
    /// <param name="record">The record's payload, valid until the next call.</param>
    /// <returns>True when a complete, verified record was read.</returns>
    /// <exception cref="TfRecordCorruptException">A CRC failed or the length is over the limit, and skipping is off.</exception>
    public bool TryReadNext(out long offset, out ReadOnlyMemory<byte> record)
    {
        bool read = TryReadNext(out record);
        offset = read ? Position - record.Length - TfRecordWriter.FramingOverhead : Position;
        return read;
    }

    /// <summary>Reads every remaining record, each in its own array (safe to keep).</summary>
    /// <returns>The records in file order; stops at the end or at a truncated tail.</returns>
    public IEnumerable<ReadOnlyMemory<byte>> ReadRecords()
    {
        while (TryReadNext(out ReadOnlyMemory<byte> record))
        {
            yield return record.ToArray();
        }
    }

    private bool EndOrTruncated(long recordOffset)
    {
        int available = _end - _start;
        if (available == 0)
        {
            IsTruncated = false;
            TruncatedAt = null;
            return false;
        }
        // Also while resynchronising: the bytes left may be the start of a good record that is still being written,
        // so they stay unread and the next call scans on from here once more data has arrived.
        IsTruncated = true;
        TruncatedAt = recordOffset;
        return false;
    }

    /// <summary>
    /// Throws, or counts and reports, one corruption. Inside a corrupt stretch this runs for every byte scanned, so it
    /// builds no message there: resynchronisation costs constant memory however long the stretch.
    /// </summary>
    private void Corrupt(long offset, TfRecordCorruption corruption, uint stored, uint computed, ulong length)
    {
        if (!_options.SkipCorruptRecords)
        {
            throw new TfRecordCorruptException(SourceName, offset, corruption, Detail(corruption, stored, computed, length));
        }
        if (!_resynchronizing && _options.OnCorruptRecord is { } report)
        {
            // Inside a corrupt stretch every byte fails again; report the stretch once, where it starts.
            report(new TfRecordCorruptException(SourceName, offset, corruption, Detail(corruption, stored, computed, length)));
        }
        if (corruption != TfRecordCorruption.DataCrcMismatch)
        {
            EnterCorruptStretch();
        }
    }

    /// <summary>Starts scanning byte by byte for the next record whose CRCs verify (once per corrupt stretch).</summary>
    private void EnterCorruptStretch()
    {
        if (!_resynchronizing)
        {
            _resynchronizing = true;
            SkippedRecords++;
        }
    }

    private string Detail(TfRecordCorruption corruption, uint stored, uint computed, ulong length) => corruption switch
    {
        TfRecordCorruption.LengthCrcMismatch => $"stored 0x{stored:X8}, computed 0x{computed:X8}",
        TfRecordCorruption.LengthOverLimit => $"length {length} > limit {_options.MaxRecordLength}",
        _ => $"stored 0x{stored:X8}, computed 0x{computed:X8}, length {length}",
    };

    private void SkipBytes(int count)
    {
        _start += count;
        Position += count;
        SkippedBytes += count;
    }

    /// <summary>
    /// Makes at least <paramref name="count"/> bytes available from <c>_start</c>, reading from the stream.
    /// The buffer grows at most to twice what was really read, never to a size taken from the data.
    /// </summary>
    private bool Fill(int count)
    {
        while (_end - _start < count)
        {
            if (_end == _buffer.Length)
            {
                if (_start > 0 && _shared)
                {
                    // The taken records stay where they are (ShareBuffer). The new buffer is no larger than this one
                    // (it grows below by doubling, as always) and no larger than twice what is left to read: one long
                    // record that once made this one large does not make every later one as large.
                    int unread = _end - _start;
                    byte[] fresh = new byte[Math.Max(InitialBufferSize, (int)Math.Min(_buffer.Length, 2L * unread))];
                    Buffer.BlockCopy(_buffer, _start, fresh, 0, unread);
                    (_buffer, _start, _end, _shared) = (fresh, 0, unread, false);
                    continue;
                }
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                else
                {
                    // The buffer is full of real data: at most double it, however large the record claims to be.
                    long doubled = Math.Min((long)_buffer.Length * 2, Array.MaxLength);
                    Array.Resize(ref _buffer, (int)Math.Min(doubled, count));
                    // A new array: the old one, shared or not, is left as it was.
                    _shared = false;
                }
            }
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                return false;
            }
            _end += read;
        }
        return true;
    }

    /// <summary>Closes the stream unless the reader was created with leaveOpen.</summary>
    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
