using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace TbLogger.S3;

/// <summary>
/// Reads an object front to back in ranged GETs of at most <see cref="S3LogStorageOptions.ReadChunkBytes"/> each,
/// straight from the response into the caller's buffer. Memory does not depend on the object's size (an object of
/// any size, over 2 GiB included, is streamed) nor on any length the store reports: Content-Length and Content-Range
/// are never trusted, a range that returns more than was asked is cut, one that returns less is continued by the
/// next range, and the end is where the store answers 416 (or a range comes back empty). A store that ignores Range
/// and answers 200 with the whole object is streamed to its end. Every request and every body read is bounded by
/// <see cref="S3LogStorageOptions.RequestTimeout"/>.
/// </summary>
internal sealed class S3ObjectReadStream : Stream
{
    // One read moves at most this much through a pooled array (ArrayPool keeps arrays of this size; larger requests
    // just return fewer bytes, as streams may).
    private const int MaxReadBytes = 1024 * 1024;

    private readonly IAmazonS3 _client;
    private readonly S3Location _location;
    private readonly string _uri;
    private readonly int _chunk;
    private readonly TimeSpan _timeout;
    private GetObjectResponse? _response;
    private long _rangeRemaining;
    private long _position;
    private bool _atEnd;
    private bool _wholeObject;
    private long _objectLength = long.MaxValue;

    public S3ObjectReadStream(IAmazonS3 client, S3Location location, int chunk, TimeSpan timeout)
    {
        _client = client;
        _location = location;
        _uri = location.ToString();
        _chunk = chunk;
        _timeout = timeout;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    /// <summary>Not known without trusting a header: readers take lengths from the bytes they read.</summary>
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>Starts the first range, so a missing object is a <see cref="FileNotFoundException"/> at open.</summary>
    public void Open() => StartRange(missingIsEnd: false);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }
        // Twice at most: once from the current range, once from a fresh one when the current ended early.
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (_response is null && !StartRange(missingIsEnd: true))
            {
                return 0;
            }
            int wanted = (int)Math.Min(Math.Min(buffer.Length, _rangeRemaining), MaxReadBytes);
            int read = ReadBody(buffer[..wanted]);
            if (read > 0)
            {
                _position += read;
                _rangeRemaining -= read;
                if (_rangeRemaining == 0)
                {
                    CloseRange(); // whatever the store sends beyond what was asked is dropped with the connection
                }
                return read;
            }
            // The range ended short of what was asked: the object's end when the store says so (its Content-Range
            // total), else a short answer to continue from here.
            _atEnd = _wholeObject || _position >= _objectLength;
            CloseRange();
        }
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseRange();
        }
        base.Dispose(disposing);
    }

    private int ReadBody(Span<byte> buffer)
    {
        // The body arrives over the network: bounded like the request itself, so a store that stops sending mid-object
        // cannot hang the reader. A pooled array keeps the synchronous span API without an allocation per read.
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            int read = _response!.ResponseStream.ReadAsync(rented.AsMemory(0, buffer.Length), timeout.Token).AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
        catch (Exception ex) when (ex is IOException or AmazonS3Exception or OperationCanceledException or System.Net.Http.HttpRequestException)
        {
            CloseRange();
            string why = ex is OperationCanceledException ? $"no data from the store within {_timeout.TotalSeconds:0.###} s" : ex.Message;
            throw new IOException($"Reading {_uri} failed at byte {_position}: {why}", ex);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Requests the next range; false at the end of the object (or when it is gone and <paramref name="missingIsEnd"/>).</summary>
    private bool StartRange(bool missingIsEnd)
    {
        if (_atEnd)
        {
            return false;
        }
        var request = new GetObjectRequest
        {
            BucketName = _location.Bucket,
            Key = _location.Key,
            ByteRange = new ByteRange(_position, _position + _chunk - 1),
        };
        GetObjectResponse response;
        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            response = _client.GetObjectAsync(request, timeout.Token).GetAwaiter().GetResult();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return false; // at (or past) the end; an empty object answers this to its first range too
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            if (missingIsEnd)
            {
                return false; // deleted while being read: it ends here, as a removed local file would
            }
            throw new FileNotFoundException($"No object at {_uri}.", _uri, ex);
        }
        catch (OperationCanceledException ex)
        {
            string message = $"GET {_uri} (bytes from {_position}): no answer from the store within {_timeout.TotalSeconds:0.###} s.";
            throw new IOException(message, new TimeoutException(message, ex));
        }
        if (response.HttpStatusCode == HttpStatusCode.OK)
        {
            if (_position > 0)
            {
                // The object again from its start: those bytes are not the ones at _position.
                response.Dispose();
                throw new IOException($"GET {_uri}: the store ignored the byte range from {_position} (answered 200, not 206); the object cannot be read in ranges.");
            }
            // A store that ignores Range sends the whole object: streamed to its end like one long range (memory
            // stays bounded; only the connection is held longer).
            _response = response;
            _rangeRemaining = long.MaxValue;
            _objectLength = long.MaxValue;
            _wholeObject = true;
            return true;
        }
        _response = response;
        // What was asked caps what is read, whatever Content-Length or Content-Range claim. The object's length in
        // Content-Range ("bytes 0-99/100") is only believed when the body also ends short of the range, to spare the
        // request that would answer 416: it never sizes a buffer and never cuts bytes the store actually sends.
        _rangeRemaining = _chunk;
        _objectLength = ObjectLength(response.ContentRange) ?? long.MaxValue;
        return true;
    }

    /// <summary>The total in a Content-Range value ("bytes 0-99/100"), or null ("*", missing, malformed).</summary>
    private static long? ObjectLength(string? contentRange)
    {
        int slash = contentRange?.LastIndexOf('/') ?? -1;
        return slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long total) ? total : null;
    }

    private void CloseRange()
    {
        _response?.Dispose();
        _response = null;
        _rangeRemaining = 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
