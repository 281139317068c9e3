using System.Buffers.Binary;
using System.Globalization;
using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.S3;

/// <summary>
/// The stream behind one event file in S3. Objects cannot be appended, so instead of re-uploading a growing file
/// (O(n²) traffic) every flush seals the bytes written since the last one into a new object, a segment named
/// <c>{file name}.{index, 8 digits}{suffix}</c>: one writer's segments sort in write order, and each starts with
/// the file_version record, so TensorBoard and every reader see each segment as a valid event file and the run as
/// one continuous history. Written by the event writer's worker thread; <see cref="WaitForAcknowledgement"/> comes
/// from the thread calling <c>SummaryWriter.Flush</c>, so every member takes <see cref="_sync"/>.
/// </summary>
internal sealed class S3SegmentStream : Stream, IPendingWorkStream
{
    private const string IndexFormat = "D8";

    private readonly S3LogStorage _storage;
    private readonly S3LogStorageOptions _options;
    private readonly S3Location _directory;
    private readonly string _stem;
    private readonly string _suffix;
    private readonly Queue<Segment> _pending = new();
    private readonly object _sync = new();

    private byte[] _current = new byte[64 * 1024];
    private int _length;          // bytes in _current
    private int _recordsEnd;      // end of the last complete record in _current
    private int _records;         // complete records in _current
    private int _headerLength;    // the file_version record this segment starts with (0 for the first: the writer writes it)
    private long _index;
    private long _pendingBytes;
    private TimeSpan _delay;
    private long _nextAttemptAt;  // Environment.TickCount64
    private Exception? _lastError;
    private bool _disposed;

    public S3SegmentStream(S3LogStorage storage, S3Location directory, string stem, string? suffix)
    {
        _storage = storage;
        _options = storage.Options;
        _directory = directory;
        _stem = stem;
        _suffix = suffix ?? "";
        _delay = _options.RetryInitialDelay;
    }

    /// <summary>The URI of segment <paramref name="index"/>.</summary>
    public string SegmentUri(long index) => _directory.UriOf(SegmentKey(index));

    /// <summary>Sealed segments wait for an upload (after a failure, until their retry succeeds).</summary>
    public bool HasPendingWork
    {
        get
        {
            lock (_sync)
            {
                return _pending.Count > 0;
            }
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_sync)
        {
            WriteLocked(buffer);
        }
    }

    private void WriteLocked(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureCapacity(_length + buffer.Length);
        buffer.CopyTo(_current.AsSpan(_length));
        _length += buffer.Length;
        // The writer hands over whole gathered buffers, but a large record may arrive in pieces: a segment may end
        // only where a record ends, so follow the framing.
        while (_length - _recordsEnd >= 8)
        {
            ulong data = BinaryPrimitives.ReadUInt64LittleEndian(_current.AsSpan(_recordsEnd));
            long end = _recordsEnd + TfRecordWriter.FramingOverhead + (long)data;
            if (end > _length)
            {
                break;
            }
            _recordsEnd = (int)end;
            _records++;
            if (_recordsEnd >= _options.SegmentBytes)
            {
                Seal();
                UploadPending(blocking: _pendingBytes > _options.MaxPendingBytes, deadline: long.MaxValue);
            }
        }
    }

    /// <summary>Seals what was written since the last flush into a segment and uploads every sealed segment it can.</summary>
    public override void Flush()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Seal();
            UploadPending(blocking: _pendingBytes > _options.MaxPendingBytes, deadline: long.MaxValue);
        }
    }

    /// <summary>
    /// Retries every sealed segment at once and until <paramref name="timeout"/>; throws when some are still not
    /// acknowledged. They stay queued: the writer keeps retrying them, and closing reports them again.
    /// </summary>
    /// <exception cref="S3UploadException">Segments the store has not acknowledged, with <see cref="S3UploadException.WriterKeepsSegments"/> true.</exception>
    /// <exception cref="IOException">The writer's own upload attempt held the stream for the whole timeout.</exception>
    public void WaitForAcknowledgement(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        if (!Monitor.TryEnter(_sync, timeout))
        {
            // The worker is inside an upload that takes the whole time: nothing could be confirmed.
            string message = $"Could not confirm that the store holds everything flushed to {SegmentUri(0)}: its writer was busy uploading for {timeout.TotalSeconds:0.###} s.";
            throw new IOException(message, new TimeoutException(message));
        }
        try
        {
            if (_disposed || _pending.Count == 0)
            {
                return;
            }
            _nextAttemptAt = 0; // the caller is waiting: try at once
            UploadPending(blocking: true, deadline);
            if (_pending.Count > 0)
            {
                throw new S3UploadException(Unsent(), _lastError, writerKeepsSegments: true);
            }
        }
        finally
        {
            Monitor.Exit(_sync);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            base.Dispose(disposing);
            return;
        }
        lock (_sync)
        {
            if (_disposed)
            {
                base.Dispose(disposing);
                return;
            }
            _disposed = true;
            try
            {
                Seal();
                long deadline = Environment.TickCount64 + (long)_options.CloseTimeout.TotalMilliseconds;
                _nextAttemptAt = 0; // closing: try at once
                UploadPending(blocking: true, deadline);
            }
            finally
            {
                _storage.Closed(SegmentUri(0));
                base.Dispose(disposing);
            }
            if (_pending.Count > 0)
            {
                var unsent = Unsent();
                _pending.Clear();
                throw new S3UploadException(unsent, _lastError);
            }
        }
    }

    private List<S3PendingSegment> Unsent() =>
        _pending.Select(s => new S3PendingSegment(_directory.UriOf(s.Key), s.Data.AsMemory(0, s.Length), s.Events)).ToList();

    private string SegmentKey(long index) =>
        _directory.ChildKey($"{_stem}.{index.ToString(IndexFormat, CultureInfo.InvariantCulture)}{_suffix}");

    private void Seal()
    {
        // A segment is worth an object when it has events, or when it is the first: the run then exists from the
        // writer's start, as a local file would.
        bool hasEvents = _records > (_headerLength > 0 ? 1 : 0);
        if (!hasEvents && !(_index == 0 && _records > 0))
        {
            return;
        }
        byte[] data = _current;
        int length = _recordsEnd;
        int events = _records - 1; // the file_version record is not one of the caller's events
        int leftover = _length - _recordsEnd;

        byte[] header = EventFileHeader.CreateFramed(WallSeconds());
        _current = new byte[Math.Max(64 * 1024, header.Length + leftover)];
        header.CopyTo(_current, 0);
        data.AsSpan(length, leftover).CopyTo(_current.AsSpan(header.Length));
        _headerLength = header.Length;
        _length = header.Length + leftover;
        _recordsEnd = header.Length;
        _records = 1;

        _pending.Enqueue(new Segment(SegmentKey(_index), data, length, Math.Max(events, 0)));
        _pendingBytes += length;
        _index++;
    }

    private void UploadPending(bool blocking, long deadline)
    {
        while (_pending.Count > 0)
        {
            long now = Environment.TickCount64;
            if (blocking && now >= deadline)
            {
                return;
            }
            if (now < _nextAttemptAt)
            {
                if (!blocking)
                {
                    return;
                }
                Thread.Sleep((int)Math.Clamp(Math.Min(_nextAttemptAt, deadline) - now, 1, int.MaxValue));
                continue;
            }
            // One attempt never outlives the caller's deadline, nor the per-request timeout.
            TimeSpan attempt = _options.RequestTimeout;
            if (blocking && deadline != long.MaxValue)
            {
                attempt = TimeSpan.FromMilliseconds(Math.Max(1, Math.Min(attempt.TotalMilliseconds, deadline - now)));
            }
            var segment = _pending.Peek();
            try
            {
                _storage.Upload(_directory.Bucket, segment.Key, segment.Data, segment.Length, attempt);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _lastError = ex;
                _storage.CountFailure();
                // Exponential backoff with ±20% jitter, so the ranks of a job do not retry in lockstep.
                double jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
                _nextAttemptAt = Environment.TickCount64 + (long)(_delay.TotalMilliseconds * jitter);
                _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, _options.RetryMaxDelay.Ticks));
                if (!blocking)
                {
                    return;
                }
                continue;
            }
            _pending.Dequeue();
            _pendingBytes -= segment.Length;
            _delay = _options.RetryInitialDelay;
            _nextAttemptAt = 0;
        }
    }

    private static double WallSeconds() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private void EnsureCapacity(int needed)
    {
        if (needed > _current.Length)
        {
            Array.Resize(ref _current, Math.Max(needed, _current.Length * 2));
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private sealed record Segment(string Key, byte[] Data, int Length, int Events);
}
