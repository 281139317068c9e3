using TbLogger.Protos;
using TbLogger.Reading;

namespace TbLogger.Events;

/// <summary>
/// One event read by <see cref="EventFileReader.TryReadView(out EventView)"/>, decoded in place from the record's
/// bytes: no objects are built, so millions of events cost no allocation. It is valid only until the reader moves on
/// (its spans point into the reader's buffer); keep what you need, or call <see cref="ToEvent"/>. Every field equals
/// the same field of the <see cref="Event"/> that <see cref="EventFileReader.TryReadNext(out Event)"/> returns for
/// the same record.
/// </summary>
public readonly ref struct EventView
{
    private readonly Utf8StringCache? _names;

    internal EventView(ReadOnlySpan<byte> record, long offset, scoped in EventHeader header, Utf8StringCache names)
    {
        Record = record;
        Offset = offset;
        WallTime = header.WallTime;
        Step = header.Step;
        Kind = header.Kind;
        Payload = header.Kind == EventKind.None ? default : record.Slice(header.PayloadStart, header.PayloadLength);
        SessionStatus = header.Kind == EventKind.SessionLog ? (SessionLog.Types.SessionStatus)header.SessionStatus : SessionLog.Types.SessionStatus.StatusUnspecified;
        _names = names;
    }

    /// <summary>Byte offset of the event's record in the file.</summary>
    public long Offset { get; }

    /// <summary>The event's wall time, seconds since the Unix epoch.</summary>
    public double WallTime { get; }

    /// <summary>The event's step.</summary>
    public long Step { get; }

    /// <summary>Which member of the event's <c>what</c> one-of is set.</summary>
    public EventKind Kind { get; }

    /// <summary>
    /// The event's protobuf encoding: the record's payload, or, for the rare record that repeats a message field or
    /// holds groups or variant tensors, the protobuf parser's re-encoding of it (same fields, unknown fields dropped).
    /// </summary>
    public ReadOnlySpan<byte> Record { get; }

    /// <summary>
    /// The encoded <c>what</c> member: the UTF-8 text of <c>file_version</c>, the bytes of <c>graph_def</c> or
    /// <c>meta_graph_def</c>, the encoded Summary, SessionLog, LogMessage or TaggedRunMetadata; empty for
    /// <see cref="EventKind.None"/>.
    /// </summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The session status of a <see cref="EventKind.SessionLog"/> event (unspecified for other kinds).</summary>
    public SessionLog.Types.SessionStatus SessionStatus { get; }

    /// <summary>The summary's values in order (none unless <see cref="Kind"/> is <see cref="EventKind.Summary"/>).</summary>
    public SummaryValueEnumerator Values => new(Kind == EventKind.Summary ? Payload : default, _names);

    /// <summary>Parses the event into protobuf objects (allocates; the result may be kept).</summary>
    /// <returns>The event.</returns>
    public Event ToEvent() => Event.Parser.ParseFrom(Record);
}
