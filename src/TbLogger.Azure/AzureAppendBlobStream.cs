using System.Buffers.Binary;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using TbLogger.Events;
using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Azure;

/// <summary>
/// The stream behind one event file in Azure Blob Storage: an append blob that grows by one append per flush (split
/// into appends of at most <see cref="AzureBlobLogStorageOptions.MaxAppendBlockBytes"/>, cut at record boundaries
/// when records allow). Before the blob's block limit the file continues in a new blob,
/// <c>{file name}.{index, 8 digits}{suffix}</c>, which starts with its own file_version record: the parts sort in
/// write order and each is a valid event file, so TensorBoard sees one continuous history. Every append carries the
/// append-position condition, so a retry after an ambiguous failure (a timeout after the service committed) can
/// never write the bytes twice. Written by the event writer's worker thread; <see cref="WaitForAcknowledgement"/>
/// comes from the thread calling <c>SummaryWriter.Flush</c>, so every member takes <see cref="_sync"/>. Every request
/// is cancelled after <see cref="AzureBlobLogStorageOptions.RequestTimeout"/>, or sooner when a flush or close
/// deadline comes first.
/// </summary>
internal sealed class AzureAppendBlobStream : Stream, IPendingWorkStream
{
    private const string IndexFormat = "D8";
    private const string WriterMetadataKey = "tbloggerwriter";
    private const int InitialBuffer = 64 * 1024;

    private readonly AzureBlobLogStorage _storage;
    private readonly AzureBlobLogStorageOptions _options;
    private readonly AzureBlobLocation _directory;
    private readonly BlobContainerClient _container;
    private readonly string _suffix;
    private readonly string _writerId = Guid.NewGuid().ToString("N");
    private readonly object _sync = new();

    private string _stem;
    private long _index;
    private AppendBlobClient _blob;
    private bool _created;
    private long _blobLength;     // bytes the blob holds, as far as this writer knows
    private int _blockCount;      // committed blocks of the blob
    private int _appendLimit;
    private int _headerLength;    // the file_version record a rolled-over blob starts with (0 for the first blob)
    private int _firstRecordLength; // the first blob's own header (the writer's first record)

    private byte[] _buffer = new byte[InitialBuffer];
    private int _sent;            // bytes of _buffer already appended
    private int _recordStart;     // start of the record _sent is in (== _sent between records)
    private int _recordsEnd;      // end of the last complete record in _buffer
    private int _length;          // bytes in _buffer

    private TimeSpan _delay;
    private long _nextAttemptAt;  // Environment.TickCount64
    private Exception? _lastError;
    private IOException? _lost;   // our blob was deleted with appended events: reported at the next Flush or Dispose
    private bool _disposed;

    public AzureAppendBlobStream(AzureBlobLogStorage storage, AzureBlobLocation directory, BlobContainerClient container, string? suffix)
    {
        _storage = storage;
        _options = storage.Options;
        _directory = directory;
        _container = container;
        _suffix = suffix ?? "";
        _appendLimit = _options.MaxAppendBlockBytes;
        _delay = _options.RetryInitialDelay;
        _stem = EventFileNames.Next(DateTimeOffset.UtcNow);
        _blob = _container.GetAppendBlobClient(BlobName(0));
        try
        {
            // Created at once, as a local file is: a missing container or a refused credential is reported when the
            // writer opens, not minutes later. A service that does not answer is retried like any append.
            EnsureCreated(_options.RequestTimeout);
        }
        catch (AzureBlobStorageException ex) when (ex.IsPermanent)
        {
            throw;
        }
        catch (AzureBlobStorageException ex)
        {
            Failed(ex);
        }
        Path = BlobUri;
    }

    /// <summary>The event file's path as the writer knows it: the first blob's URI, whatever blob the file continues in.</summary>
    public string Path { get; }

    /// <summary>The URI of the blob being written.</summary>
    public string BlobUri => _directory.UriOf(BlobName(_index));

    /// <summary>Flushed bytes wait for an append (after a failure, until their retry succeeds).</summary>
    public bool HasPendingWork
    {
        get
        {
            lock (_sync)
            {
                return PendingLocked;
            }
        }
    }

    private bool PendingLocked => _sent < _recordsEnd || !_created;

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
        EnsureRoom(buffer.Length);
        buffer.CopyTo(_buffer.AsSpan(_length));
        _length += buffer.Length;
        // A blob may only roll over where a record ends, so follow the framing.
        while (_length - _recordsEnd >= 8)
        {
            long end = _recordsEnd + RecordLength(_recordsEnd);
            if (end > _length)
            {
                break;
            }
            _recordsEnd = (int)end;
            _firstRecordLength = _firstRecordLength == 0 ? _recordsEnd : _firstRecordLength;
        }
        if (_recordsEnd - _sent >= _appendLimit)
        {
            // Full appends go out between flushes, so memory stays bounded by one append while the service is up.
            Upload(blocking: Unsent > _options.MaxPendingBytes, deadline: long.MaxValue, wholeAppendsOnly: true);
        }
    }

    /// <summary>Appends every complete record written so far; after a failure, waits for the retry delay instead (the writer's flush tick calls again).</summary>
    /// <exception cref="IOException">The blob was deleted with events this writer had appended to it.</exception>
    public override void Flush()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Upload(blocking: Unsent > _options.MaxPendingBytes, deadline: long.MaxValue, wholeAppendsOnly: false);
            ThrowIfLost();
        }
    }

    /// <summary>
    /// Retries every flushed byte at once and until <paramref name="timeout"/>; throws when some are still not
    /// acknowledged. They stay queued: the writer keeps retrying them, and closing reports them again.
    /// </summary>
    /// <exception cref="AzureUploadException">Bytes the service has not acknowledged, with <see cref="AzureUploadException.WriterKeepsData"/> true.</exception>
    /// <exception cref="IOException">The writer's own append attempt held the stream for the whole timeout.</exception>
    public void WaitForAcknowledgement(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        if (!Monitor.TryEnter(_sync, timeout))
        {
            // The worker is inside an append that takes the whole time: nothing could be confirmed.
            string message = $"Could not confirm that Azure Blob Storage holds everything flushed to {BlobUri}: its writer was busy appending for {timeout.TotalSeconds:0.###} s.";
            throw new IOException(message, new TimeoutException(message));
        }
        try
        {
            if (_disposed || !PendingLocked)
            {
                return;
            }
            _nextAttemptAt = 0; // the caller is waiting: try at once
            Upload(blocking: true, deadline, wholeAppendsOnly: false);
            if (PendingLocked && _recordsEnd > _recordStart)
            {
                var (uri, unsent, events) = UnsentEventFile();
                throw new AzureUploadException(uri, unsent, events, _lastError, writerKeepsData: true);
            }
        }
        finally
        {
            Monitor.Exit(_sync);
        }
    }

    private void ThrowIfLost()
    {
        if (_lost is { } lost)
        {
            _lost = null;
            throw lost;
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
                long deadline = Environment.TickCount64 + (long)_options.CloseTimeout.TotalMilliseconds;
                _nextAttemptAt = 0; // closing: try at once
                Upload(blocking: true, deadline, wholeAppendsOnly: false);
            }
            finally
            {
                _storage.Closed(Path);
                base.Dispose(disposing);
            }
            if (PendingLocked && _recordsEnd > _recordStart)
            {
                var (uri, unsent, events) = UnsentEventFile();
                _sent = _recordStart = _recordsEnd;
                throw new AzureUploadException(uri, unsent, events, _lastError);
            }
            ThrowIfLost();
        }
    }

    /// <summary>
    /// What the service did not take, as an event file of its own: unsent records whole (a record half appended before
    /// the failure is repeated in full), after a file_version record. Nothing appended to this blob yet means the
    /// region starts with the blob's own header.
    /// </summary>
    private (string Uri, byte[] Unsent, long Events) UnsentEventFile()
    {
        bool startsWithHeader = _blobLength == 0;
        byte[] header = startsWithHeader ? [] : EventFileHeader.CreateFramed(WallSeconds());
        byte[] unsent = new byte[header.Length + _recordsEnd - _recordStart];
        header.CopyTo(unsent, 0);
        _buffer.AsSpan(_recordStart, _recordsEnd - _recordStart).CopyTo(unsent.AsSpan(header.Length));
        return (BlobUri, unsent, CountRecords(unsent) - 1);
    }

    private int Unsent => _recordsEnd - _sent;

    private string BlobName(long index) =>
        _directory.ChildName($"{_stem}.{index.ToString(IndexFormat, CultureInfo.InvariantCulture)}{_suffix}");

    private long RecordLength(int start) =>
        TfRecordWriter.FramingOverhead + (long)BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(start));

    private void Upload(bool blocking, long deadline, bool wholeAppendsOnly)
    {
        while (_sent < _recordsEnd || !_created)
        {
            long now = Environment.TickCount64;
            if (now < _nextAttemptAt)
            {
                if (!blocking || now >= deadline)
                {
                    return;
                }
                Thread.Sleep((int)Math.Clamp(Math.Min(_nextAttemptAt, deadline) - now, 1, int.MaxValue));
                long after = Environment.TickCount64;
                if (after >= deadline && after < _nextAttemptAt)
                {
                    return;
                }
                continue;
            }
            if (_created && wholeAppendsOnly && _recordsEnd - _sent < _appendLimit && _sent == _recordStart)
            {
                return; // between flushes only full appends go out
            }
            // One attempt never outlives the caller's deadline, nor the per-request timeout.
            TimeSpan attempt = _options.RequestTimeout;
            if (blocking && deadline != long.MaxValue)
            {
                if (now >= deadline)
                {
                    return;
                }
                attempt = TimeSpan.FromMilliseconds(Math.Min(attempt.TotalMilliseconds, deadline - now));
            }
            try
            {
                EnsureCreated(attempt);
                if (_sent < _recordsEnd)
                {
                    AppendNext(attempt);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Failed(ex);
                if (!blocking || Environment.TickCount64 >= deadline)
                {
                    return;
                }
                continue;
            }
            _delay = _options.RetryInitialDelay;
            _nextAttemptAt = 0;
        }
        Compact();
    }

    private void Failed(Exception ex)
    {
        _lastError = ex;
        _storage.CountFailure();
        // Exponential backoff with ±20% jitter, so the ranks of a job do not retry in lockstep.
        double jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
        _nextAttemptAt = Environment.TickCount64 + (long)(_delay.TotalMilliseconds * jitter);
        _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, _options.RetryMaxDelay.Ticks));
    }

    /// <summary>Sends one append: whole records up to the append limit, or the next piece of a record larger than it.</summary>
    private void AppendNext(TimeSpan requestTimeout)
    {
        int length;
        int blocksNeeded = 1;
        if (_sent > _recordStart)
        {
            length = (int)Math.Min(_recordStart + RecordLength(_recordStart) - _sent, _appendLimit);
        }
        else
        {
            int end = _sent;
            while (end < _recordsEnd)
            {
                long next = end + RecordLength(end);
                if (next - _sent > _appendLimit)
                {
                    break;
                }
                end = (int)next;
            }
            if (end == _sent)
            {
                long record = RecordLength(_sent);
                blocksNeeded = (int)Math.Min((record + _appendLimit - 1) / _appendLimit, int.MaxValue);
                length = _appendLimit;
            }
            else
            {
                length = end - _sent;
            }
            // A record starts only in a blob with room for all of it; a fresh blob takes it whatever its size.
            bool fresh = _blockCount == 0 || _blobLength == _headerLength;
            if (_blockCount + blocksNeeded > _options.MaxBlocksPerBlob && !fresh)
            {
                RollOver();
                return;
            }
        }
        var conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = _blobLength };
        try
        {
            using var timeout = new CancellationTokenSource(requestTimeout);
            var info = _blob.AppendBlock(new MemoryStream(_buffer, _sent, length, writable: false),
                new AppendBlobAppendBlockOptions { Conditions = conditions }, timeout.Token).Value;
            _blockCount = info.BlobCommittedBlockCount;
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.AppendPositionConditionNotMet)
        {
            // Either an earlier attempt of this very append landed (its answer was lost), or someone else appended.
            using var timeout = new CancellationTokenSource(requestTimeout);
            var properties = _blob.GetProperties(cancellationToken: timeout.Token).Value;
            if (properties.ContentLength != _blobLength + length)
            {
                // Not ours: never write after foreign bytes; the file continues in a new blob.
                RollOver();
                throw AzureBlobStorageException.From(ex, "append to", BlobUri);
            }
            _blockCount = properties.BlobCommittedBlockCount;
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.BlockCountExceedsLimit || ex.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            if (ex.ErrorCode == BlobErrorCode.BlobNotFound && _blobLength > (_index == 0 ? _firstRecordLength : _headerLength))
            {
                // Someone deleted our blob with the events it held: a loss to report, as a local writer reports a
                // deleted file (the next Flush or Dispose throws), not to paper over by continuing elsewhere.
                _lost ??= new IOException(
                    $"The blob {BlobUri} was deleted while this writer had it open: the {_blobLength} bytes appended to it are gone " +
                    "(TensorBoard shows none of them); nothing more is written.", ex);
            }
            // The service's block limit (lower than configured), or the blob is gone (deleted, or an emulator reset):
            // the file continues in a new blob, starting with the record that was being sent.
            RollOver();
            throw AzureBlobStorageException.From(ex, "append to", BlobUri);
        }
        catch (RequestFailedException ex) when (ex.Status == 413 && _appendLimit > AzureBlobLogStorageOptions.ServiceAppendBlockBytes)
        {
            // An API version with the older 4 MiB append limit.
            _appendLimit = AzureBlobLogStorageOptions.ServiceAppendBlockBytes;
            throw AzureBlobStorageException.From(ex, "append to", BlobUri);
        }
        catch (RequestFailedException ex)
        {
            throw AzureBlobStorageException.From(ex, "append to", BlobUri);
        }
        catch (Exception ex) when (ex is OperationCanceledException or AggregateException)
        {
            throw AzureBlobStorageException.From(ex, "append to", BlobUri);
        }
        _blobLength += length;
        _sent += length;
        AdvanceRecordStart();
        _storage.CountAppend(length);
    }

    private void AdvanceRecordStart()
    {
        // _recordStart moves to the boundary at or before _sent.
        while (_recordStart < _sent)
        {
            long next = _recordStart + RecordLength(_recordStart);
            if (next > _sent)
            {
                break;
            }
            _recordStart = (int)next;
        }
    }

    /// <summary>Continues the event file in the next blob, which starts with a file_version record of its own.</summary>
    private void RollOver()
    {
        _index++;
        _created = false;
        _blob = _container.GetAppendBlobClient(BlobName(_index));
        _blobLength = 0;
        _blockCount = 0;
        // A record half sent to the old blob is sent again whole.
        _sent = _recordStart;
        byte[] header = EventFileHeader.CreateFramed(WallSeconds());
        EnsureRoom(header.Length);
        _buffer.AsSpan(_sent, _length - _sent).CopyTo(_buffer.AsSpan(_sent + header.Length));
        header.CopyTo(_buffer, _sent);
        _length += header.Length;
        _recordsEnd += header.Length;
        _headerLength = header.Length;
    }

    private void EnsureCreated(TimeSpan requestTimeout)
    {
        if (_created)
        {
            return;
        }
        var options = new AppendBlobCreateOptions
        {
            Conditions = new AppendBlobRequestConditions { IfNoneMatch = ETag.All },
            Metadata = new Dictionary<string, string> { [WriterMetadataKey] = _writerId },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
        };
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var timeout = new CancellationTokenSource(requestTimeout);
                _blob.Create(options, timeout.Token);
                _storage.CountCreated();
                break;
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.BlobAlreadyExists && attempt < 16)
            {
                using var timeout = new CancellationTokenSource(requestTimeout);
                var properties = _blob.GetProperties(cancellationToken: timeout.Token).Value;
                if (properties.Metadata.TryGetValue(WriterMetadataKey, out string? writer) && writer == _writerId)
                {
                    // An earlier attempt of ours was created but its answer lost: continue where it stands.
                    _blobLength = properties.ContentLength;
                    _blockCount = properties.BlobCommittedBlockCount;
                    _created = true;
                    return;
                }
                // Someone else's blob (another writer with the same host name and pid, in the same second): a new name.
                if (_index == 0)
                {
                    _stem = EventFileNames.Next(DateTimeOffset.UtcNow);
                }
                else
                {
                    _index++;
                }
                _blob = _container.GetAppendBlobClient(BlobName(_index));
            }
            catch (Exception ex) when (AzureBlobStorageException.IsRequestFailure(ex))
            {
                throw AzureBlobStorageException.From(ex, "create", BlobUri);
            }
        }
        _created = true;
        _blobLength = 0;
        _blockCount = 0;
    }

    private void Compact()
    {
        if (_recordStart == 0)
        {
            return;
        }
        // Keep from the start of the record being sent; a large, now empty buffer goes back to its first size.
        int keep = _length - _recordStart;
        if (keep <= InitialBuffer && _buffer.Length > 4 * InitialBuffer)
        {
            var smaller = new byte[InitialBuffer];
            _buffer.AsSpan(_recordStart, keep).CopyTo(smaller);
            _buffer = smaller;
        }
        else
        {
            _buffer.AsSpan(_recordStart, keep).CopyTo(_buffer);
        }
        _sent -= _recordStart;
        _recordsEnd -= _recordStart;
        _length = keep;
        _recordStart = 0;
    }

    private void EnsureRoom(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }
        Compact();
        if (_length + extra > _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Min(Math.Max((long)_length + extra, (long)_buffer.Length * 2), Array.MaxLength));
        }
    }

    private static long CountRecords(ReadOnlySpan<byte> data)
    {
        long count = 0;
        int position = 0;
        while (data.Length - position >= 8)
        {
            position += TfRecordWriter.FramingOverhead + (int)BinaryPrimitives.ReadUInt64LittleEndian(data[position..]);
            count++;
        }
        return count;
    }

    private static double WallSeconds() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
