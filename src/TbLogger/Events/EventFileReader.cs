using System.Runtime.CompilerServices;
using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Events;

/// <summary>
/// Reads the <see cref="Event"/>s of one event file in order, streaming, from local disk or any registered store. A truncated final record ends the events
/// and sets <see cref="IsTruncated"/>; corruption follows <see cref="TfRecordReaderOptions"/>. A record whose
/// CRCs verify but which is not an Event throws <see cref="TfRecordCorruptException"/> with
/// <see cref="TfRecordCorruption.InvalidPayload"/> (or is skipped, when skipping is on).
/// <para>
/// <see cref="TryReadNext(out Event)"/> decodes the records it has already read and verified a few hundred at a time,
/// on the calling thread and, on a machine with more than one core, a thread-pool thread beside it: building the
/// protobuf objects is most of the cost of an event. What it returns, skips and throws, and where, is the same as
/// reading one record at a time; a reader is still for one thread at a time. The AppContext switch
/// <c>TbLogger.EventFileReader.SingleThreaded</c> keeps the decoding on the calling thread.
/// </para>
/// </summary>
public sealed class EventFileReader : IDisposable
{
    private readonly EventRecordSource _source;
    private readonly TfRecordReader _records;
    private readonly TfRecordReaderOptions _options;
    // Tags longer than this are decoded each time rather than cached, so a file cannot make the cache hold more than
    // a small, fixed amount however many distinct long tags it carries.
    internal const int MaxCachedTagBytes = 128;

    private readonly Reading.Utf8StringCache _names = new();
    // Made by the first TryReadNext: a reader of views alone needs none.
    private EventBatch? _batch;
    private readonly Action<TfRecordCorruptException> _reject;
    private byte[] _canonical = [];
    private long _invalidSkipped;

    /// <summary>Opens <paramref name="path"/> for reading; the file may still be growing.</summary>
    /// <param name="path">An event file: a local path, or a URI whose scheme has a registered <see cref="LogStorage"/>.</param>
    /// <param name="options">Corruption policy; null for the defaults (throw).</param>
    public EventFileReader(string path, TfRecordReaderOptions? options = null)
        : this(LogStorageRegistry.Resolve(path ?? throw new ArgumentNullException(nameof(path))), path, options)
    {
    }

    /// <summary>Opens <paramref name="path"/> of <paramref name="storage"/> for reading.</summary>
    /// <param name="storage">Where the file lives.</param>
    /// <param name="path">An event file of <paramref name="storage"/>.</param>
    /// <param name="options">Corruption policy; null for the defaults (throw).</param>
    public EventFileReader(LogStorage storage, string path, TfRecordReaderOptions? options = null)
        : this(OpenSource(storage, path, options ??= TfRecordReaderOptions.Default), options)
    {
    }

    private EventFileReader(EventRecordSource source, TfRecordReaderOptions options)
    {
        _options = options;
        _source = source;
        _records = source.Records;
        Path = source.Path;
        _reject = Reject;
    }

    private static EventRecordSource OpenSource(LogStorage storage, string path, TfRecordReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return EventRecordSource.Open(storage, path, options);
    }

    /// <summary>
    /// Opens <paramref name="path"/> of <paramref name="storage"/>, or gives null for a file deleted since it was listed
    /// or swapped for something that is not a regular file, or not readable by this user (see <see cref="EventRecordSource.TryOpen"/>).
    /// </summary>
    internal static EventFileReader? TryOpen(LogStorage storage, string path, TfRecordReaderOptions options, Action<UnauthorizedAccessException>? unreadable = null) =>
        EventRecordSource.TryOpen(storage, path, options, unreadable: unreadable) is { } source ? new EventFileReader(source, options) : null;

    /// <summary>The file's length now, if its store's stream knows it.</summary>
    internal long? Length => _source.Length;

    /// <summary>The events decoded ahead (for tests).</summary>
    internal EventBatch Batch => _batch ??= new EventBatch(Path, _names);

    /// <summary>The file being read.</summary>
    public string Path { get; }

    /// <summary>True when reading stopped at an incomplete final record.</summary>
    public bool IsTruncated => _records.IsTruncated;

    /// <summary>Offset of the incomplete final record, when <see cref="IsTruncated"/>.</summary>
    public long? TruncatedAt => _records.TruncatedAt;

    /// <summary>Byte offset of the next record.</summary>
    public long Position => _batch is { Pending: true } batch ? batch.NextOffset : _records.Position;

    /// <summary>Corrupt records skipped (only with <see cref="TfRecordReaderOptions.SkipCorruptRecords"/>), including records that are not Events.</summary>
    public long SkippedRecords => _records.SkippedRecords + _invalidSkipped;

    /// <summary>Reads the next complete event.</summary>
    /// <param name="value">The event.</param>
    /// <returns>False at the end of the file or at a truncated record (a later call retries that record).</returns>
    public bool TryReadNext(out Event value) => TryReadNext(out value, out _);

    /// <summary>Reads the next complete event and where its record starts.</summary>
    internal bool TryReadNext(out Event value, out long offset)
    {
        while (true)
        {
            Event? next;
            EventBatch batch = Batch;
            if (batch.Pending || batch.Fill(_records))
            {
                offset = batch.NextOffset;
                next = batch.Take(_reject);
            }
            else if (NextRecord(out offset, out ReadOnlySpan<byte> data))
            {
                // The general path, one record: reads more of the file, and meets its end, truncation and corruption.
                next = EventRecordDecoder.Deliver(EventRecordDecoder.Decode(data, offset, Path, _names, out Exception? failure), failure, _reject);
            }
            else
            {
                value = null!;
                return false;
            }
            if (next is not null)
            {
                value = next;
                return true;
            }
        }
    }

    /// <summary>
    /// Reads the next complete event as a view decoded in place, without building protobuf objects: the fast way to
    /// scan millions of events (scalars above all). The same records are returned, skipped or thrown as by
    /// <see cref="TryReadNext(out Event)"/>, and every field of the view equals the parsed event's. The view is
    /// valid only until the next read.
    /// </summary>
    /// <param name="view">The event.</param>
    /// <returns>False at the end of the file or at a truncated record (a later call retries that record).</returns>
    /// <remarks>
    /// A record is decoded in place when its layout is plain: every writer's scalar, histogram, image, audio, text
    /// and session events are. A record that repeats a message field, or holds groups, resource or variant tensors,
    /// is checked and re-encoded by the protobuf parser first (allocating), so its view reads what the parser reads.
    /// </remarks>
    public bool TryReadView(out EventView view)
    {
        while (true)
        {
            if (!NextRecord(out long offset, out ReadOnlySpan<byte> data))
            {
                view = default;
                return false;
            }
            TfRecordCorruptException? corrupt;
            if (Reading.EventBudget.Problem(data) is { } overBudget)
            {
                corrupt = new TfRecordCorruptException(Path, offset, TfRecordCorruption.InvalidPayload, overBudget);
            }
            else if (EventShape.IsPlain(data) && Reading.EventWire.TryReadHeader(data, out Reading.EventHeader header))
            {
                view = new EventView(data, offset, header, _names);
                return true;
            }
            else
            {
                // The parser is the judge of what is an Event; the view then reads its canonical encoding.
                corrupt = EventRecordDecoder.Parse(data, offset, Path, out _);
                if (corrupt is null)
                {
                    ReadOnlySpan<byte> canonical = Canonical(data);
                    if (Reading.EventWire.TryReadHeader(canonical, out header))
                    {
                        view = new EventView(canonical, offset, header, _names);
                        return true;
                    }
                    corrupt = new TfRecordCorruptException(Path, offset, TfRecordCorruption.InvalidPayload, $"{data.Length} bytes are not an Event");
                }
            }
            Reject(corrupt);
        }
    }

    /// <summary>
    /// The next verified record, valid until the next read: taken inline when it lies whole in the framing reader's
    /// buffer and verifies (most records), otherwise read by the general path, which meets corruption, truncation and
    /// the end exactly as before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool NextRecord(out long offset, out ReadOnlySpan<byte> data)
    {
        if (_batch is { } batch)
        {
            if (batch.Pending)
            {
                // Records taken ahead for events come first, each read as a view instead.
                data = batch.TakeRecord(out offset);
                return true;
            }
            // The framing reader is about to read on: a helper must not be decoding in its buffer then.
            batch.End(_records);
        }
        if (_records.TryTakeBuffered(out byte[] buffer, out int start, out int length)
            || _records.TryReadNextInPlace(out buffer, out start, out length))
        {
            offset = _records.Position - length - TfRecordWriter.FramingOverhead;
            data = new ReadOnlySpan<byte>(buffer, start, length);
            return true;
        }
        offset = _records.Position;
        data = default;
        return false;
    }

    /// <summary>Throws <paramref name="corrupt"/>, or reports and counts it when skipping.</summary>
    private void Reject(TfRecordCorruptException corrupt)
    {
        if (!_options.SkipCorruptRecords)
        {
            throw corrupt;
        }
        _options.OnCorruptRecord?.Invoke(corrupt);
        _invalidSkipped++;
    }

    /// <summary>
    /// The parsed event's encoding without unknown fields (they may hold groups, which the wire decoders do not
    /// walk), in a buffer reused until the next read.
    /// </summary>
    private ReadOnlySpan<byte> Canonical(ReadOnlySpan<byte> record)
    {
        Event clean = EventRecordDecoder.WithoutUnknownFields.ParseFrom(record);
        int size = clean.CalculateSize();
        if (_canonical.Length < size)
        {
            _canonical = new byte[Math.Max(size, _canonical.Length * 2)];
        }
        clean.WriteTo(_canonical.AsSpan(0, size));
        return _canonical.AsSpan(0, size);
    }

    /// <summary>Every remaining event, in file order.</summary>
    /// <returns>A lazy sequence; it ends at the end of the file or at a truncated record.</returns>
    public IEnumerable<Event> ReadEvents()
    {
        while (TryReadNext(out Event value))
        {
            yield return value;
        }
    }

    /// <summary>
    /// Follows a file that is still being written: yields every complete event, then waits (polling every
    /// <paramref name="pollInterval"/>) for more, never returning a half-written record, until cancelled.
    /// </summary>
    /// <param name="pollInterval">How often to look for new records (default 200 ms).</param>
    /// <param name="cancellationToken">Ends the sequence (without throwing) when cancelled.</param>
    /// <returns>The events as they appear.</returns>
    public IAsyncEnumerable<Event> FollowAsync(TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        // Checked here, not in the iterator, so a bad interval fails at the call rather than at the first MoveNextAsync.
        TimeSpan interval = pollInterval ?? TimeSpan.FromMilliseconds(200);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(pollInterval));
        return FollowCore(interval, cancellationToken);
    }

    private async IAsyncEnumerable<Event> FollowCore(TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            while (TryReadNext(out Event value))
            {
                yield return value;
            }
            try
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>Reads every event of <paramref name="path"/> in order (streaming); the file is closed when the sequence ends.</summary>
    /// <param name="path">An event file.</param>
    /// <param name="options">Corruption policy; null for the defaults (throw).</param>
    /// <returns>A lazy sequence of events that stops at a truncated tail.</returns>
    public static IEnumerable<Event> Read(string path, TfRecordReaderOptions? options = null)
    {
        using var reader = new EventFileReader(path, options);
        foreach (var value in reader.ReadEvents())
        {
            yield return value;
        }
    }

    /// <summary>Follows <paramref name="path"/> as it grows; see <see cref="FollowAsync(TimeSpan?, CancellationToken)"/>.</summary>
    /// <param name="path">An event file.</param>
    /// <param name="pollInterval">How often to look for new records (default 200 ms).</param>
    /// <param name="cancellationToken">Ends the sequence when cancelled.</param>
    /// <returns>The events as they appear.</returns>
    public static async IAsyncEnumerable<Event> Follow(string path, TimeSpan? pollInterval = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new EventFileReader(path);
        await foreach (var value in reader.FollowAsync(pollInterval, cancellationToken).ConfigureAwait(false))
        {
            yield return value;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _source.Dispose();
}
