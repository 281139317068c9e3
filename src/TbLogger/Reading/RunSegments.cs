using System.Buffers;
using System.Buffers.Binary;
using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Reading;

/// <summary>Where a segment of a run starts: the file (index in <see cref="RunInfo.Files"/>), the record's offset and its ordinal.</summary>
internal readonly record struct RunSegment(int File, long Offset, long Ordinal);

/// <summary>
/// A stretch of one file's bytes, [<paramref name="Start"/>, <paramref name="End"/>), whose records (those that start
/// in it) one thread observes in the split read's pre-pass (<see cref="SegmentPrePass"/>). <paramref name="End"/> is
/// null for the file's last stretch, which reads to the file's end, whatever its length by then.
/// </summary>
internal readonly record struct ByteSegment(int File, long Start, long? End);

/// <summary>
/// Splits one large run into stretches of a fixed number of bytes, so that two threads can read it (see
/// <see cref="ScalarRuns"/>) without first framing every record on one thread: a thread that takes a stretch finds its
/// first record itself (<see cref="FirstRecord"/>: the first position whose length field's CRC verifies) and hops on by
/// the records' lengths. A position inside a record's data may pass that test too (one in 2^32 by chance, always for
/// data crafted to): so every stretch's first record is checked against where the stretch before it stopped hopping,
/// which, hopping from the file's start, is exact (<see cref="SegmentPrePass"/>); any difference reads the run on one
/// thread as before.
/// </summary>
internal static class RunSegments
{
    /// <summary>Bytes read at a time while looking for a stretch's first record.</summary>
    private const int BlockSize = 64 * 1024;

    /// <summary>
    /// The stretches of <paramref name="run"/>'s files, each <paramref name="segmentBytes"/> long but each file's last
    /// (a file has at least one, however short); null when a file's length cannot be asked (the one-thread read then
    /// says what it has to about that file).
    /// </summary>
    public static List<ByteSegment>? Plan(RunInfo run, long segmentBytes) => Plan(run, segmentBytes, out _);

    /// <summary><see cref="Plan(RunInfo, long)"/>, and the files' lengths together (<paramref name="bytes"/>).</summary>
    public static List<ByteSegment>? Plan(RunInfo run, long segmentBytes, out long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentBytes);
        bytes = 0;
        var segments = new List<ByteSegment>();
        for (int file = 0; file < run.Files.Count; file++)
        {
            long length;
            try
            {
                length = new FileInfo(run.Files[file]).Length;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
            bytes += length;
            long start = 0;
            for (; length - start > segmentBytes; start += segmentBytes)
            {
                segments.Add(new ByteSegment(file, start, start + segmentBytes));
            }
            segments.Add(new ByteSegment(file, start, null));
        }
        return segments;
    }

    /// <summary>
    /// The first position in [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="stream"/> where a
    /// record's framing could start: 12 bytes whose length is within <paramref name="maxRecordLength"/> and whose
    /// masked CRC verifies, as the framing reader checks them. Null when there is none. Reads only the stretch (and
    /// the 11 bytes after it), so a stretch of damaged or crafted bytes costs its own length once.
    /// </summary>
    public static long? FirstRecord(Stream stream, long from, long to, long maxRecordLength)
    {
        byte[] block = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            long position = from;
            while (position < to)
            {
                stream.Seek(position, SeekOrigin.Begin);
                // No more than the stretch's candidates need: a short stretch reads a few bytes, not a block.
                int wanted = (int)Math.Min(BlockSize - TfRecordWriter.HeaderLength + 1, to - position) + TfRecordWriter.HeaderLength - 1;
                int filled = stream.ReadAtLeast(block.AsSpan(0, wanted), wanted, throwOnEndOfStream: false);
                if (filled < TfRecordWriter.HeaderLength)
                {
                    return null;
                }
                // Candidates whose 12 bytes lie in the block and that start before the stretch's end.
                int last = (int)Math.Min(filled - TfRecordWriter.HeaderLength, to - 1 - position);
                for (int i = 0; i <= last; i++)
                {
                    ulong recordLength = BinaryPrimitives.ReadUInt64LittleEndian(block.AsSpan(i));
                    if (recordLength <= (ulong)maxRecordLength && BinaryPrimitives.ReadUInt32LittleEndian(block.AsSpan(i + 8)) == MaskedCrc32C.ComputeMasked(recordLength))
                    {
                        return position + i;
                    }
                }
                position += last + 1;
            }
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }
}
