using System.Buffers.Binary;
using TbLogger.Protos;
using TbLogger.Records;

namespace TbLogger.Storage;

/// <summary>
/// The first record of every event file: <c>Event{wall_time, file_version = "brain.Event:2", source_metadata.writer}</c>.
/// Stores that split one writer's stream into several objects start each object with it, since TensorBoard and
/// checkers treat every object as a file of its own.
/// </summary>
public static class EventFileHeader
{
    /// <summary>The file_version of the header: TensorBoard reads files of version 2 with its current rules.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>The source_metadata.writer of the header.</summary>
    public const string WriterName = "tblogger";

    /// <summary>The header event.</summary>
    /// <param name="wallTime">Seconds since the Unix epoch.</param>
    /// <returns>A new event.</returns>
    public static Event Create(double wallTime) => new()
    {
        WallTime = wallTime,
        FileVersion = FileVersion,
        SourceMetadata = new SourceMetadata { Writer = WriterName },
    };

    /// <summary>The header as a complete TFRecord (framing included), ready to prepend to a segment.</summary>
    /// <param name="wallTime">Seconds since the Unix epoch.</param>
    /// <returns>The framed record.</returns>
    public static byte[] CreateFramed(double wallTime)
    {
        byte[] data = Encode(wallTime);
        byte[] framed = new byte[data.Length + TfRecordWriter.FramingOverhead];
        TfRecordWriter.Frame(data, framed);
        return framed;
    }

    // After wall_time: file_version (3) = "brain.Event:2", source_metadata (10) = { writer (1) = "tblogger" }.
    private static ReadOnlySpan<byte> FieldsAfterWallTime =>
    [
        0x1A, 0x0D, (byte)'b', (byte)'r', (byte)'a', (byte)'i', (byte)'n', (byte)'.', (byte)'E', (byte)'v', (byte)'e', (byte)'n', (byte)'t', (byte)':', (byte)'2',
        0x52, 0x0A, 0x0A, 0x08, (byte)'t', (byte)'b', (byte)'l', (byte)'o', (byte)'g', (byte)'g', (byte)'e', (byte)'r',
    ];

    /// <summary>
    /// The header's protobuf bytes, byte for byte what Google.Protobuf writes for <see cref="Create"/> (a test holds
    /// it to that), written by hand: a writer that logs only scalars then never touches Google.Protobuf, whose
    /// first message costs a fresh process several milliseconds of loading and compiling (issue 19).
    /// </summary>
    /// <param name="wallTime">Seconds since the Unix epoch.</param>
    /// <returns>The event's bytes, without framing.</returns>
    internal static byte[] Encode(double wallTime)
    {
        // proto3 leaves out a field that holds its default, as Google.Protobuf's `WallTime != 0D` does (so -0.0 too).
        int at = wallTime != 0d ? 9 : 0;
        byte[] data = new byte[at + FieldsAfterWallTime.Length];
        if (at > 0)
        {
            data[0] = 0x09;
            BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(1), wallTime);
        }
        FieldsAfterWallTime.CopyTo(data.AsSpan(at));
        return data;
    }
}
