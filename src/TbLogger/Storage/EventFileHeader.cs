using Google.Protobuf;
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
        byte[] data = Create(wallTime).ToByteArray();
        byte[] framed = new byte[data.Length + TfRecordWriter.FramingOverhead];
        TfRecordWriter.Frame(data, framed);
        return framed;
    }
}
