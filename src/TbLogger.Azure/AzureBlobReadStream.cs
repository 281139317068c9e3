using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace TbLogger.Azure;

/// <summary>
/// Reads a blob front to back in ranged requests of at most a chunk each, straight from the response into the
/// caller's buffer: memory does not depend on the blob's size or on any length the service reports, and a range
/// that returns more than asked is cut. At the end it returns 0, and a later read asks again from the same
/// offset, so a reader following a live append blob sees what is appended (as with a growing local file).
/// </summary>
internal sealed class AzureBlobReadStream : Stream
{
    private readonly BlobClient _blob;
    private readonly string _uri;
    private readonly int _chunk;
    private readonly TimeSpan _timeout;
    private Stream? _body;
    private long _bodyRemaining;
    private long _position;
    private long? _length;

    public AzureBlobReadStream(BlobClient blob, string uri, int chunk, TimeSpan timeout)
    {
        _blob = blob;
        _uri = uri;
        _chunk = chunk;
        _timeout = timeout;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    /// <summary>The blob's length when first asked (one request); it may grow after.</summary>
    public override long Length => _length ??= FetchLength();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>Starts the first range, so a missing blob is a <see cref="FileNotFoundException"/> at open.</summary>
    public void Open()
    {
        if (!StartRange(missingIsEnd: false))
        {
            _body = null;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (_body is null && !StartRange(missingIsEnd: true))
            {
                return 0;
            }
            int wanted = (int)Math.Min(buffer.Length, _bodyRemaining);
            int read;
            try
            {
                read = ReadBody(buffer[..wanted]);
            }
            catch (OperationCanceledException ex)
            {
                CloseBody();
                string message = $"Reading {_uri} failed at byte {_position}: no data within the request timeout ({_timeout.TotalSeconds:0.###} s).";
                throw new IOException(message, new TimeoutException(message, ex));
            }
            catch (Exception ex) when (ex is IOException or RequestFailedException or AggregateException)
            {
                CloseBody();
                throw new IOException($"Reading {_uri} failed at byte {_position}: {ex.Message}", ex);
            }
            if (read > 0)
            {
                _position += read;
                _bodyRemaining -= read;
                if (_bodyRemaining == 0)
                {
                    CloseBody();
                }
                return read;
            }
            // The range ended early (the blob is shorter than its answer said): ask again from here.
            CloseBody();
        }
        return 0;
    }

    /// <summary>
    /// One read of the response body, cancelled after the request timeout: the SDK's network timeout may be longer
    /// (a caller's own client), and a service that sends headers and then stalls must not hang the reader.
    /// </summary>
    private int ReadBody(Span<byte> destination)
    {
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(destination.Length);
        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            var pending = _body!.ReadAsync(rented.AsMemory(0, destination.Length), timeout.Token);
            int read = pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(destination);
            return read;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseBody();
        }
        base.Dispose(disposing);
    }

    /// <summary>Requests the next range; false at the end of the blob (or when it is gone and <paramref name="missingIsEnd"/>).</summary>
    private bool StartRange(bool missingIsEnd)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            var response = _blob.DownloadStreaming(new BlobDownloadOptions { Range = new HttpRange(_position, _chunk) }, timeout.Token);
            _body = response.Value.Content;
            // What was asked caps what is read, whatever the response claims.
            _bodyRemaining = Math.Min(_chunk, response.Value.Details.ContentLength is > 0 and var n ? n : _chunk);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 416)
        {
            return false; // at (or past) the end: nothing new yet
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode != BlobErrorCode.ContainerNotFound)
        {
            if (missingIsEnd)
            {
                return false; // deleted while being read: it ends here, as a removed local file would
            }
            throw new FileNotFoundException($"No blob at {_uri}.", _uri, ex);
        }
        catch (Exception ex) when (AzureBlobStorageException.IsRequestFailure(ex))
        {
            throw AzureBlobStorageException.From(ex, "read", _uri);
        }
    }

    private long FetchLength()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            return _blob.GetProperties(cancellationToken: timeout.Token).Value.ContentLength;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new FileNotFoundException($"No blob at {_uri}.", _uri, ex);
        }
        catch (Exception ex) when (AzureBlobStorageException.IsRequestFailure(ex))
        {
            throw AzureBlobStorageException.From(ex, "read the length of", _uri);
        }
    }

    private void CloseBody()
    {
        _body?.Dispose();
        _body = null;
        _bodyRemaining = 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
