using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TbLogger.Records;

/// <summary>
/// Frames records as TFRecord: uint64 length (little-endian), masked CRC32C of those 8 bytes, the data, masked
/// CRC32C of the data. Records are gathered in an internal buffer and reach the stream in large writes.
/// Not thread-safe: one writer thread per instance (the event file writer's worker).
/// </summary>
public sealed class TfRecordWriter : IDisposable
{
    /// <summary>Bytes a record's framing adds to its data: 8 length + 4 length CRC + 4 data CRC.</summary>
    public const int FramingOverhead = 16;

    /// <summary>Bytes before the data: 8 length + 4 length CRC.</summary>
    public const int HeaderLength = 12;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer;
    private int _buffered;

    // Records committed in place (CommitRecord) from this offset on still lack their data CRC: see SealCommitted.
    private int _unsealed;
    private bool _disposed;

    /// <summary>Creates a writer that frames records onto <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <param name="leaveOpen">When true, <see cref="Dispose"/> flushes but does not close the stream.</param>
    /// <param name="bufferSize">Size of the gathering buffer in bytes (at least 64).</param>
    public TfRecordWriter(Stream stream, bool leaveOpen = false, int bufferSize = 64 * 1024)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 64);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        }
        _stream = stream;
        _leaveOpen = leaveOpen;
        _buffer = new byte[bufferSize];
    }

    /// <summary>Total bytes framed so far (including those still in the buffer).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Records framed so far.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Frames one record. The bytes reach the stream on <see cref="Flush"/>, when the buffer fills, or on dispose.</summary>
    /// <param name="data">The record's payload, e.g. a serialized Event.</param>
    [MethodImpl(HotPath.Options)]
    public void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int framed = data.Length + FramingOverhead;
        if (framed > _buffer.Length - _buffered)
        {
            FlushBuffer();
        }
        if (framed <= _buffer.Length)
        {
            SealCommitted();
            Frame(data, _buffer.AsSpan(_buffered, framed));
            _buffered += framed;
            _unsealed = _buffered;
        }
        else
        {
            WriteUnbuffered(data);
        }
        BytesWritten += framed;
        RecordsWritten++;
    }

    /// <summary>
    /// Reserves room in the gathering buffer for a record of at most <paramref name="maxLength"/> bytes, so the caller
    /// can encode its data in place (no copy through a scratch buffer); <see cref="CommitRecord"/> then frames it.
    /// False when such a record could not fit even an empty buffer: use <see cref="Write"/>.
    /// </summary>
    /// <param name="maxLength">An upper bound of the record's data length.</param>
    /// <param name="data">Where the data goes: exactly <paramref name="maxLength"/> bytes.</param>
    [MethodImpl(HotPath.Options)]
    internal bool TryReserve(int maxLength, out Span<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int framed = maxLength + FramingOverhead;
        if ((uint)framed > (uint)_buffer.Length)
        {
            data = default;
            return false;
        }
        if (framed > _buffer.Length - _buffered)
        {
            FlushBuffer();
        }
        data = _buffer.AsSpan(_buffered + HeaderLength, maxLength);
        return true;
    }

    /// <summary>
    /// Frames the <paramref name="length"/> bytes written to the span <see cref="TryReserve"/> returned, as
    /// <see cref="Write"/> would; the data's CRC is written a few kilobytes of records later (see
    /// <see cref="SealCommitted"/>), always before the record leaves the buffer.
    /// </summary>
    /// <param name="length">The record's data length, at most the reserved length.</param>
    [MethodImpl(HotPath.Options)]
    internal void CommitRecord(int length)
    {
        int framed = length + FramingOverhead;
        // One bounds check (the array indexer), then fields by offset from one reference: slicing a span per field
        // costs the package's ReadyToRun code an out-of-line call each (see LittleEndian; issue 19).
        if (length < 0 || length > _buffer.Length - _buffered - FramingOverhead)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The record is longer than the room left in the write buffer.");
        }
        ref byte record = ref _buffer[_buffered];
        LittleEndian.Write(ref record, (ulong)length);
        LittleEndian.Write(ref Unsafe.Add(ref record, 8), MaskedCrc32C.ComputeMasked((ulong)length));
        _buffered += framed;
        BytesWritten += framed;
        RecordsWritten++;
        if (_buffered - _unsealed >= SealAfterBytes)
        {
            SealCommitted();
        }
    }

    // About 70 scalar records: sealed while still in the L1 cache, long after their stores have retired.
    private const int SealAfterBytes = 4096;

    /// <summary>
    /// Writes the data CRC of every record committed in place since the last call, walking them by their length
    /// headers. Deferred, not computed in <see cref="CommitRecord"/>: there the CRC's 8-byte loads read bytes the
    /// encoder had just stored a few at a time, which the processor cannot forward from its store buffer, so each load
    /// waited for those stores to reach the cache (issue 19: the CRC was a fifth of the writer thread's time).
    /// </summary>
    [MethodImpl(HotPath.Options)]
    private void SealCommitted()
    {
        int at = _unsealed;
        int end = _buffered;
        if (at == end)
        {
            return;
        }
        ref byte start = ref _buffer[0];
        while (at < end)
        {
            // Lengths were checked against the buffer when committed; read back, they are this writer's own, yet the
            // reads and writes below are unchecked, so a header that would reach past the records is refused.
            ulong header = LittleEndian.ReadUInt64(ref Unsafe.Add(ref start, at));
            if (header > (ulong)(end - at - FramingOverhead))
            {
                throw new InvalidOperationException($"The record at byte {at} of the write buffer claims {header} bytes, more than the {end - at - FramingOverhead} committed after its header: the buffer was written over.");
            }
            int length = (int)header;
            uint crc = MaskedCrc32C.Compute(ref Unsafe.Add(ref start, at + HeaderLength), length);
            LittleEndian.Write(ref Unsafe.Add(ref start, at + HeaderLength + length), MaskedCrc32C.Mask(crc));
            at += length + FramingOverhead;
        }
        _unsealed = end;
    }

    /// <summary>A record larger than the buffer: header, data and footer go straight to the stream.</summary>
    /// <remarks>Its own method: the stack buffers would otherwise cost every small record a stack-guard check.</remarks>
    private void WriteUnbuffered(ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        WriteHeader((ulong)data.Length, header);
        _stream.Write(header);
        _stream.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C.ComputeMasked(data));
        _stream.Write(footer);
    }

    /// <summary>
    /// Enlarges the gathering buffer to <paramref name="size"/> bytes (keeping what it holds), for a writer that turned
    /// out to be busy: fewer, larger writes cost the kernel less per byte (issue 19: 1 MiB writes about 15 % less
    /// kernel time than 64 KiB ones on Linux), while idle writers keep the small default buffer.
    /// </summary>
    /// <param name="size">The new size; a size not above the current one changes nothing.</param>
    internal void GrowBuffer(int size)
    {
        if (size > _buffer.Length)
        {
            // Not Array.Resize<byte>: the framework has no precompiled code for it, so a fresh process compiles it
            // (issue 19); Buffer.BlockCopy is not generic.
            byte[] grown = new byte[size];
            Buffer.BlockCopy(_buffer, 0, grown, 0, _buffer.Length);
            _buffer = grown;
        }
    }

    /// <summary>Writes buffered records to the stream and flushes the stream (to the operating system, not to the disk).</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FlushBuffer();
        _stream.Flush();
    }

    /// <summary>Frames <paramref name="data"/> into <paramref name="destination"/>, which must be exactly <c>data.Length + 16</c> bytes.</summary>
    /// <param name="data">The record's payload.</param>
    /// <param name="destination">Where the framed record goes.</param>
    [MethodImpl(HotPath.Options)]
    public static void Frame(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length != data.Length + FramingOverhead)
        {
            throw new ArgumentException(
                $"A record of {data.Length} bytes frames to {data.Length + FramingOverhead} bytes, but the destination has {destination.Length}.",
                nameof(destination));
        }
        WriteHeader((ulong)data.Length, destination);
        data.CopyTo(destination[HeaderLength..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[(HeaderLength + data.Length)..], MaskedCrc32C.ComputeMasked(data));
    }

    private static void WriteHeader(ulong length, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], MaskedCrc32C.ComputeMasked(destination[..8]));
    }

    private void FlushBuffer()
    {
        if (_buffered > 0)
        {
            SealCommitted();
            _stream.Write(_buffer, 0, _buffered);
            _buffered = 0;
            _unsealed = 0;
        }
    }

    /// <summary>
    /// Drops what is buffered and closes the stream (unless leaveOpen) without writing: for use after a write failed
    /// part-way, when writing the buffer again could leave a torn record in the middle of the stream.
    /// </summary>
    public void Abort()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _buffered = 0;
        _unsealed = 0;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <summary>Writes what is buffered, then closes the stream unless it was opened with leaveOpen.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        try
        {
            FlushBuffer();
            _stream.Flush();
        }
        finally
        {
            _disposed = true;
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }
}
