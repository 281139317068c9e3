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
    /// <param name="cancellation">Stops the pass.</param>
    public static List<RunSegment>? Split(RunInfo run, TfRecordReaderOptions options, int recordsPerSegment, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(recordsPerSegment);
        var starts = new List<RunSegment>();
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
                    return null;
                }
                using (stream)
                {
                    if (!stream.CanSeek || !FrameFile(stream, file, block, options.MaxRecordLength, recordsPerSegment, starts, ref ordinal, cancellation))
                    {
                        return null;
                    }
                }
            }
            if (starts.Count > 0)
            {
                // The first segment starts where the run does, even when the first file holds no complete record.
                starts[0] = new RunSegment(0, 0, 0);
            }
            return starts;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }

    /// <summary>Frames one file's records; false at a framing problem.</summary>
    private static bool FrameFile(Stream stream, int file, byte[] block, long maxRecordLength, int recordsPerSegment, List<RunSegment> starts,
        ref long ordinal, CancellationToken cancellation)
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
                starts.Add(new RunSegment(file, position, ordinal));
                cancellation.ThrowIfCancellationRequested();
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
