using System.Buffers.Binary;
using System.Runtime.ExceptionServices;
using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Records;

namespace TbLogger.Events;

/// <summary>
/// One verified record to the <see cref="Event"/> that <see cref="EventFileReader.TryReadNext(out Event)"/> returns,
/// or the reason it is not one. Pure apart from the tag cache it is given, so the caller's thread and a helper can
/// decode records of one file at once, each with a cache of its own (<see cref="EventBatch"/>).
/// </summary>
internal static class EventRecordDecoder
{
    /// <summary>The event of <paramref name="record"/>, or null and the failure: a record that is not an Event, or anything decoding threw.</summary>
    /// <param name="record">The record's payload.</param>
    /// <param name="offset">Where its framing starts, for the message.</param>
    /// <param name="path">The file, for the message.</param>
    /// <param name="names">The tag cache of the thread decoding.</param>
    /// <param name="failure">Why it is not an Event: a <see cref="TfRecordCorruptException"/>, or what the parser threw.</param>
    public static Event? Decode(ReadOnlySpan<byte> record, long offset, string path, Utf8StringCache names, out Exception? failure)
    {
        failure = null;
        try
        {
            if (EventShape.MatchScalar(record, out long step, out int tagStart, out int tagLength, out int valueAt) is var layout and not ScalarLayout.None)
            {
                return BuildScalar(record, layout, step, tagStart, tagLength, valueAt, names);
            }
            failure = Parse(record, offset, path, out Event value);
            return failure is null ? value : null;
        }
        catch (Exception ex)
        {
            // Thrown where the record is delivered, after every event before it (records are decoded ahead).
            failure = ex;
            return null;
        }
    }

    /// <summary>
    /// What reading a decoded record gives: its event; or, for a record that is not an Event, null once
    /// <paramref name="reject"/> has thrown or reported its corruption; anything else decoding threw is thrown here,
    /// where the record is delivered.
    /// </summary>
    public static Event? Deliver(Event? value, Exception? failure, Action<TfRecordCorruptException> reject)
    {
        if (failure is TfRecordCorruptException corrupt)
        {
            reject(corrupt);
        }
        else if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
        return value;
    }

    /// <summary>Parses one record, or says why it is not an Event.</summary>
    public static TfRecordCorruptException? Parse(ReadOnlySpan<byte> record, long offset, string path, out Event value)
    {
        value = null!;
        if (EventBudget.Problem(record) is { } overBudget)
        {
            return new TfRecordCorruptException(path, offset, TfRecordCorruption.InvalidPayload, overBudget);
        }
        try
        {
            value = Event.Parser.ParseFrom(record);
            return null;
        }
        catch (InvalidProtocolBufferException ex)
        {
            return new TfRecordCorruptException(path, offset, TfRecordCorruption.InvalidPayload, $"{record.Length} bytes are not an Event: {ex.Message}", ex);
        }
    }

    /// <summary>The parser of <see cref="Canonical"/>: unknown fields are dropped, so nothing is left that the wire readers do not walk.</summary>
    internal static readonly MessageParser<Event> WithoutUnknownFields = Event.Parser.WithDiscardUnknownFields(true);

    /// <summary>
    /// For a record the wire readers do not walk (a oneof member given twice, which the parser merges; an unknown
    /// group): the parser judges it (<see cref="Parse"/>: the budget, then the protobuf parser), and an Event it accepts
    /// is encoded again without its unknown fields, which the wire readers then read as the parser would.
    /// </summary>
    /// <param name="record">The record's payload.</param>
    /// <param name="offset">Where its framing starts, for the message.</param>
    /// <param name="path">The file, for the message.</param>
    /// <param name="canonical">The Event's canonical encoding; empty when it is not an Event.</param>
    /// <returns>Null, or why the record is not an Event.</returns>
    public static TfRecordCorruptException? Canonical(ReadOnlySpan<byte> record, long offset, string path, out byte[] canonical)
    {
        canonical = [];
        if (Parse(record, offset, path, out _) is { } corrupt)
        {
            return corrupt;
        }
        canonical = WithoutUnknownFields.ParseFrom(record).ToByteArray();
        return null;
    }

    /// <summary>
    /// The Event the protobuf parser would build from a record of one of the scalar layouts, built directly: the
    /// parser's generic walk costs more than the objects themselves, and the tag string is shared between events
    /// (strings are immutable, so no caller can tell). The objects are equal to the parser's, field for field
    /// (tests compare them, and their encodings). Each repeated field gets an array of one, not the eight a first
    /// <c>Add</c> allocates: an event of about 20 objects is allocation-bound, and this is 80 of its 912 bytes.
    /// </summary>
    private static Event BuildScalar(ReadOnlySpan<byte> data, ScalarLayout layout, long step, int tagStart, int tagLength, int valueAt, Utf8StringCache names)
    {
        var summary = new Summary();
        summary.Value.Capacity = 1;
        summary.Value.Add(BuildValue(data, layout, Tag(data.Slice(tagStart, tagLength), names), valueAt));
        return new Event
        {
            WallTime = BinaryPrimitives.ReadDoubleLittleEndian(data[1..]),
            Step = step,
            Summary = summary,
        };
    }

    /// <summary>The tag of a scalar layout's value as the parser makes it, from <paramref name="names"/> unless it is long.</summary>
    public static string Tag(ReadOnlySpan<byte> utf8, Utf8StringCache names) =>
        utf8.Length <= EventFileReader.MaxCachedTagBytes ? names.Get(utf8) : System.Text.Encoding.UTF8.GetString(utf8);

    /// <summary>The summary value of a record of one of the scalar layouts, as the parser builds it, tagged <paramref name="tag"/>.</summary>
    public static Summary.Types.Value BuildValue(ReadOnlySpan<byte> data, ScalarLayout layout, string tag, int valueAt)
    {
        var summaryValue = new Summary.Types.Value { Tag = tag };
        ReadOnlySpan<byte> bytes = data[valueAt..];
        switch (layout)
        {
            case ScalarLayout.SimpleValue:
                summaryValue.SimpleValue = BinaryPrimitives.ReadSingleLittleEndian(bytes);
                break;
            case ScalarLayout.Float or ScalarLayout.FloatWithShape:
                var floatTensor = new TensorProto { Dtype = DataType.DtFloat };
                floatTensor.FloatVal.Capacity = 1;
                floatTensor.FloatVal.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes));
                summaryValue.Tensor = floatTensor;
                break;
            default:
                var doubleTensor = new TensorProto { Dtype = DataType.DtDouble };
                doubleTensor.DoubleVal.Capacity = 1;
                doubleTensor.DoubleVal.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes));
                summaryValue.Tensor = doubleTensor;
                break;
        }
        if (layout is ScalarLayout.FloatWithShape or ScalarLayout.DoubleWithShape)
        {
            summaryValue.Tensor.TensorShape = new TensorShapeProto();
        }
        return summaryValue;
    }
}
