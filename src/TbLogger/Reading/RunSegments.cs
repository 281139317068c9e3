using System.Buffers;
using System.Buffers.Binary;
using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Reading;

/// <summary>Where a segment of a run starts: the file (index in <see cref="RunInfo.Files"/>), the record's offset and its ordinal.</summary>
internal readonly record struct RunSegment(int File, long Offset, long Ordinal);

/// <summary>
/// Splits one large run into segments of a fixed number of records, so that two threads can read it (see
/// <see cref="ScalarRuns"/>): a framing-only pass that hops from record to record by its length, checking only the
/// length's CRC (no data CRC, no decoding), a few nanoseconds per record from the page cache.
/// Anything unusual gives null and the run is read on one thread as before, so damaged or hostile files keep exactly
/// the one-thread behaviour and reports: a length whose CRC fails or that is over the limit, a store whose streams
/// cannot seek, a file that cannot be opened. A truncated last record of a file ends that file's records here as it
/// does for the framing reader (which stops there and goes on with the next file), so it needs no fallback.
/// </summary>
internal static class RunSegments
{
    /// <summary>Bytes read at a time: large enough that a read costs nothing per record, small enough to rent.</summary>
    private const int BlockSize = 256 * 1024;

    /// <summary>
    /// The start of every segment of <paramref name="run"/> (the first at the run's first record), each
    /// <paramref name="recordsPerSegment"/> records after the previous one; null when the run must be read on one thread.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="options">The limit on record lengths.</param>
    /// <param name="recordsPerSegment">Records per segment.</param>
    public static List<RunSegment>? Split(RunInfo run, TfRecordReaderOptions options, int recordsPerSegment)
    {
        var found = new FramedSegments();
        return Split(run, options, recordsPerSegment, found) ? found.All : null;
    }

    /// <summary>
    /// <see cref="Split(RunInfo, TfRecordReaderOptions, int)"/> that hands each segment start to <paramref name="found"/>
    /// as soon as it is known, so that other threads can start on the first segments while the pass goes on; it
    /// also ends <paramref name="found"/> (done, or failed when it returns false).
    /// </summary>
    public static bool Split(RunInfo run, TfRecordReaderOptions options, int recordsPerSegment, FramedSegments found)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(recordsPerSegment);
        bool framed = false;
        long ordinal = 0;
        byte[] block = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            for (int file = 0; file < run.Files.Count; file++)
            {
                Stream stream;
                try
                {
                    stream = run.Storage.OpenRead(run.Files[file]);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotRegularFileException)
                {
                    // Deleted since listed, or not a file: the one-thread read decides what to say about it.
                    return false;
                }
                using (stream)
                {
                    if (!stream.CanSeek || !FrameFile(stream, file, block, options.MaxRecordLength, recordsPerSegment, found, ref ordinal))
                    {
                        return false;
                    }
                }
            }
            framed = true;
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
            found.End(framed);
        }
    }

    /// <summary>Frames one file's records; false at a framing problem.</summary>
    private static bool FrameFile(Stream stream, int file, byte[] block, long maxRecordLength, int recordsPerSegment, FramedSegments found, ref long ordinal)
    {
        long length = stream.Length;
        // The block holds the file's bytes [blockStart, blockStart + blockLength).
        long blockStart = 0;
        int blockLength = 0;
        long position = 0;
        while (position + TfRecordWriter.HeaderLength <= length)
        {
            if (position + TfRecordWriter.HeaderLength > blockStart + blockLength)
            {
                blockStart = position;
                blockLength = ReadBlock(stream, position, block);
                if (blockLength < TfRecordWriter.HeaderLength)
                {
                    // The file shrank while being framed.
                    return false;
                }
            }
            ReadOnlySpan<byte> header = block.AsSpan((int)(position - blockStart), TfRecordWriter.HeaderLength);
            ulong recordLength = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != MaskedCrc32C.ComputeMasked(recordLength) || recordLength > (ulong)maxRecordLength)
            {
                return false;
            }
            long next = position + (long)recordLength + TfRecordWriter.FramingOverhead;
            if (next > length)
            {
                // A truncated last record: the framing reader stops at it too.
                break;
            }
            if (ordinal % recordsPerSegment == 0)
            {
                // The first segment starts where the run does, even when the first file holds no complete record.
                found.Add(ordinal == 0 ? new RunSegment(0, 0, 0) : new RunSegment(file, position, ordinal));
            }
            ordinal++;
            position = next;
        }
        return true;
    }

    private static int ReadBlock(Stream stream, long position, byte[] block)
    {
        stream.Seek(position, SeekOrigin.Begin);
        int filled = 0;
        while (filled < block.Length)
        {
            int read = stream.Read(block, filled, block.Length - filled);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return filled;
    }
}

/// <summary>
/// Segment starts as a framing pass finds them (<see cref="RunSegments.Split(RunInfo, TfRecordReaderOptions, int, FramedSegments)"/>
/// on one thread), handed to the threads that observe the segments (<see cref="SegmentPrePass"/>): a segment can be
/// taken once the next one's start, or the end of the pass, is known. A run of fewer than three segments is not worth
/// splitting (two segments' worth of points is what the one-thread single pass holds), so nothing is handed out
/// before a third start is found.
/// </summary>
internal sealed class FramedSegments
{
    private readonly List<RunSegment> _starts = [];
    private readonly Lock _gate = new();

    // 0 while framing, 1 done, -1 failed (the run is read on one thread).
    private int _state;

    /// <summary>Every start, once the pass is done.</summary>
    public List<RunSegment> All => _starts;

    /// <summary>True when the pass ended with at least three segments.</summary>
    public bool Usable => Volatile.Read(ref _state) > 0 && _starts.Count > 2;

    public void Add(RunSegment start)
    {
        lock (_gate)
        {
            _starts.Add(start);
        }
    }

    /// <summary>Ends the pass; a failure a taker reported meanwhile stands.</summary>
    public void End(bool framed) => Interlocked.CompareExchange(ref _state, framed ? 1 : -1, 0);

    /// <summary>Stops the takers (a failure elsewhere): <see cref="TryTake"/> answers false from now on.</summary>
    public void Fail() => Volatile.Write(ref _state, -1);

    /// <summary>Waits until segment <paramref name="k"/>'s start and end are known; false when there is none to take.</summary>
    public bool TryTake(int k, out RunSegment from, out RunSegment? to)
    {
        var spin = new SpinWait();
        while (true)
        {
            // Read before the list: "done" is written after the last start was added.
            int state = Volatile.Read(ref _state);
            lock (_gate)
            {
                int count = _starts.Count;
                if (state >= 0 && count > Math.Max(k + 1, 2))
                {
                    (from, to) = (_starts[k], _starts[k + 1]);
                    return true;
                }
                if (state != 0)
                {
                    bool take = state > 0 && count > 2 && k < count;
                    from = take ? _starts[k] : default;
                    to = take && k + 1 < count ? _starts[k + 1] : null;
                    return take;
                }
            }
            // The framing pass is several times faster than observing a segment: a short wait at the start only.
            spin.SpinOnce();
        }
    }
}
