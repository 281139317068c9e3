using System.Text.Unicode;
using TbLogger.Reading;

namespace TbLogger.Events;

/// <summary>
/// Decides, without building objects, that an Event record is one the protobuf parser certainly accepts and whose
/// fields the wire decoders (<see cref="EventWire"/>) read exactly as the parser would: every field well formed for
/// its declared type, strings valid UTF-8, packed arrays whole, each singular message at most once (the parser
/// would merge repeats), no groups, and no resource or variant tensors (the only unbounded nesting). Anything else is
/// "not plain": the caller then asks the parser itself, so a record is accepted or rejected exactly as
/// <see cref="EventFileReader.TryReadNext(out Protos.Event)"/> does. Only the answer true must be certain; false
/// merely costs a parse.
/// </summary>
internal static class EventShape
{
    private enum Message
    {
        Event,
        SourceMetadata,
        LogMessage,
        SessionLog,
        TaggedRunMetadata,
        Summary,
        Value,
        Metadata,
        PluginData,
        Image,
        Audio,
        Histogram,
        Tensor,
        Shape,
        Dim,
    }

    private enum Field
    {
        Unknown,
        Varint,
        Fixed64,
        Fixed32,
        String,
        Bytes,
        PackedVarint,
        PackedFixed32,
        PackedFixed64,
        SingularMessage,
        RepeatedMessage,
        NotPlain,
    }

    /// <summary>True when <paramref name="record"/> is a plain Event (see the class summary).</summary>
    public static bool IsPlain(ReadOnlySpan<byte> record) =>
        MatchScalar(record, out _, out _, out _, out _) != ScalarLayout.None || IsPlain(record, Message.Event);

    /// <summary>
    /// The one-value scalar events every writer repeats millions of times, matched byte for byte (the general walk
    /// costs several times more): wall_time, an optional step, and a summary of one value holding a tag and a
    /// simple_value, or a DT_FLOAT / DT_DOUBLE tensor of one packed element with or without an empty shape. Such a
    /// value carries no metadata (a tag's first value, which does, takes the general walk).
    /// </summary>
    /// <param name="d">The record.</param>
    /// <param name="step">The step (0 when the field is absent, as protobuf reads it).</param>
    /// <param name="tagStart">Where the tag's UTF-8 bytes start.</param>
    /// <param name="tagLength">The tag's length in bytes.</param>
    /// <param name="valueAt">Where the value's 4 (float) or 8 (double) little-endian bytes start.</param>
    /// <returns>The layout, or <see cref="ScalarLayout.None"/>.</returns>
    public static ScalarLayout MatchScalar(ReadOnlySpan<byte> d, out long step, out int tagStart, out int tagLength, out int valueAt)
    {
        step = 0;
        tagStart = 0;
        tagLength = 0;
        valueAt = 0;
        if (d.Length < 16 || d[0] != 0x09)
        {
            return ScalarLayout.None;
        }
        int at = 9;
        if (d[at] == 0x10)
        {
            at++;
            if (!ProtoWire.TryReadVarint(d, ref at, out ulong varint))
            {
                return ScalarLayout.None;
            }
            step = (long)varint;
        }
        // summary (2A len) holding one value (0A len) that starts with its tag (0A len): lengths of one byte each,
        // each running to the end of the record. A length byte of 0x80 or more begins a longer varint: not this layout
        // (checking the summary's is enough, the value's is two less).
        if (d.Length - at < 6 || d[at] != 0x2A || d[at + 1] >= 0x80 || d[at + 1] != d.Length - at - 2 || d[at + 2] != 0x0A || d[at + 3] != d.Length - at - 4 || d[at + 4] != 0x0A)
        {
            return ScalarLayout.None;
        }
        tagLength = d[at + 5];
        tagStart = at + 6;
        if (tagLength >= 0x80 || tagLength > d.Length - tagStart)
        {
            return ScalarLayout.None;
        }
        ReadOnlySpan<byte> rest = d[(tagStart + tagLength)..];
        ScalarLayout layout = rest.Length switch
        {
            5 when rest[0] == 0x15 => ScalarLayout.SimpleValue,
            10 when rest[..6].SequenceEqual((ReadOnlySpan<byte>)[0x42, 0x08, 0x08, 0x01, 0x2A, 0x04]) => ScalarLayout.Float,
            12 when rest[..8].SequenceEqual((ReadOnlySpan<byte>)[0x42, 0x0A, 0x08, 0x01, 0x12, 0x00, 0x2A, 0x04]) => ScalarLayout.FloatWithShape,
            14 when rest[..6].SequenceEqual((ReadOnlySpan<byte>)[0x42, 0x0C, 0x08, 0x02, 0x32, 0x08]) => ScalarLayout.Double,
            16 when rest[..8].SequenceEqual((ReadOnlySpan<byte>)[0x42, 0x0E, 0x08, 0x02, 0x12, 0x00, 0x32, 0x08]) => ScalarLayout.DoubleWithShape,
            _ => ScalarLayout.None,
        };
        if (layout == ScalarLayout.None || !Utf8.IsValid(d.Slice(tagStart, tagLength)))
        {
            return ScalarLayout.None;
        }
        valueAt = d.Length - (layout is ScalarLayout.Double or ScalarLayout.DoubleWithShape ? 8 : 4);
        return layout;
    }

    private static bool IsPlain(ReadOnlySpan<byte> data, Message message)
    {
        // Singular message fields seen so far (every such field number here is below 64).
        ulong seen = 0;
        int pos = 0;
        while (pos < data.Length)
        {
            if (!ProtoWire.TryReadTag(data, ref pos, out int number, out int wire))
            {
                return false;
            }
            (Field field, Message child) = number < FieldsPerMessage ? s_fields[((int)message * FieldsPerMessage) + number] : (Field.Unknown, default);
            switch (field)
            {
                case Field.Unknown:
                    // Unknown fields are kept as opaque bytes by the parser: only their framing matters.
                    if (!ProtoWire.TrySkip(data, ref pos, wire))
                    {
                        return false;
                    }
                    break;
                case Field.Varint when wire == ProtoWire.Varint:
                case Field.Fixed64 when wire == ProtoWire.Fixed64:
                case Field.Fixed32 when wire == ProtoWire.Fixed32:
                case Field.Bytes when wire == ProtoWire.LengthDelimited:
                case Field.PackedVarint when wire == ProtoWire.Varint:
                case Field.PackedFixed32 when wire == ProtoWire.Fixed32:
                case Field.PackedFixed64 when wire == ProtoWire.Fixed64:
                    if (!ProtoWire.TrySkip(data, ref pos, wire))
                    {
                        return false;
                    }
                    break;
                case Field.String when wire == ProtoWire.LengthDelimited:
                    if (!ProtoWire.TryReadLengthDelimited(data, ref pos, out int textStart, out int textLength) ||
                        !Utf8.IsValid(data.Slice(textStart, textLength)))
                    {
                        return false;
                    }
                    break;
                case Field.PackedVarint or Field.PackedFixed32 or Field.PackedFixed64 when wire == ProtoWire.LengthDelimited:
                    if (!ProtoWire.TryReadLengthDelimited(data, ref pos, out int packedStart, out int packedLength) ||
                        !IsWholePacked(data.Slice(packedStart, packedLength), field))
                    {
                        return false;
                    }
                    break;
                case Field.SingularMessage or Field.RepeatedMessage when wire == ProtoWire.LengthDelimited:
                    if (field == Field.SingularMessage)
                    {
                        ulong bit = 1UL << number;
                        if ((seen & bit) != 0)
                        {
                            return false;
                        }
                        seen |= bit;
                    }
                    if (!ProtoWire.TryReadLengthDelimited(data, ref pos, out int start, out int length) ||
                        !IsPlain(data.Slice(start, length), child))
                    {
                        return false;
                    }
                    break;
                default:
                    // A declared field with another wire type (the parser keeps it as an unknown field), or a
                    // resource/variant tensor: left to the parser.
                    return false;
            }
        }
        return true;
    }

    private static bool IsWholePacked(ReadOnlySpan<byte> packed, Field field)
    {
        switch (field)
        {
            case Field.PackedFixed32:
                return packed.Length % 4 == 0;
            case Field.PackedFixed64:
                return packed.Length % 8 == 0;
            default:
                int pos = 0;
                while (pos < packed.Length)
                {
                    if (!ProtoWire.TryReadVarint(packed, ref pos, out _))
                    {
                        return false;
                    }
                }
                return true;
        }
    }

    // Every declared field number is below this: Describe is tabulated once, so the walk costs one lookup per field.
    private const int FieldsPerMessage = 20;

    private static readonly (Field, Message)[] s_fields = Tabulate();

    private static (Field, Message)[] Tabulate()
    {
        int messages = Enum.GetValues<Message>().Length;
        var table = new (Field, Message)[messages * FieldsPerMessage];
        for (int m = 0; m < messages; m++)
        {
            for (int number = 0; number < FieldsPerMessage; number++)
            {
                table[(m * FieldsPerMessage) + number] = Describe((Message)m, number);
            }
        }
        return table;
    }

    /// <summary>The declared type of field <paramref name="number"/> of <paramref name="message"/> (TensorBoard's .proto files).</summary>
    private static (Field Field, Message Child) Describe(Message message, int number) => (message, number) switch
    {
        (Message.Event, 1) => (Field.Fixed64, default),
        (Message.Event, 2) => (Field.Varint, default),
        (Message.Event, 3) => (Field.String, default),
        (Message.Event, 4 or 9) => (Field.Bytes, default),
        (Message.Event, 5) => (Field.SingularMessage, Message.Summary),
        (Message.Event, 6) => (Field.SingularMessage, Message.LogMessage),
        (Message.Event, 7) => (Field.SingularMessage, Message.SessionLog),
        (Message.Event, 8) => (Field.SingularMessage, Message.TaggedRunMetadata),
        (Message.Event, 10) => (Field.SingularMessage, Message.SourceMetadata),
        (Message.SourceMetadata, 1) => (Field.String, default),
        (Message.LogMessage, 1) => (Field.Varint, default),
        (Message.LogMessage, 2) => (Field.String, default),
        (Message.SessionLog, 1) => (Field.Varint, default),
        (Message.SessionLog, 2 or 3) => (Field.String, default),
        (Message.TaggedRunMetadata, 1) => (Field.String, default),
        (Message.TaggedRunMetadata, 2) => (Field.Bytes, default),
        (Message.Summary, 1) => (Field.RepeatedMessage, Message.Value),
        (Message.Value, 1 or 7) => (Field.String, default),
        (Message.Value, 2) => (Field.Fixed32, default),
        (Message.Value, 3) => (Field.Bytes, default),
        (Message.Value, 4) => (Field.SingularMessage, Message.Image),
        (Message.Value, 5) => (Field.SingularMessage, Message.Histogram),
        (Message.Value, 6) => (Field.SingularMessage, Message.Audio),
        (Message.Value, 8) => (Field.SingularMessage, Message.Tensor),
        (Message.Value, 9) => (Field.SingularMessage, Message.Metadata),
        (Message.Metadata, 1) => (Field.SingularMessage, Message.PluginData),
        (Message.Metadata, 2 or 3) => (Field.String, default),
        (Message.Metadata, 4) => (Field.Varint, default),
        (Message.PluginData, 1) => (Field.String, default),
        (Message.PluginData, 2) => (Field.Bytes, default),
        (Message.Image, 1 or 2 or 3) => (Field.Varint, default),
        (Message.Image, 4) => (Field.Bytes, default),
        (Message.Audio, 1) => (Field.Fixed32, default),
        (Message.Audio, 2 or 3) => (Field.Varint, default),
        (Message.Audio, 4) => (Field.Bytes, default),
        (Message.Audio, 5) => (Field.String, default),
        (Message.Histogram, 1 or 2 or 3 or 4 or 5) => (Field.Fixed64, default),
        (Message.Histogram, 6 or 7) => (Field.PackedFixed64, default),
        (Message.Tensor, 1 or 3) => (Field.Varint, default),
        (Message.Tensor, 2) => (Field.SingularMessage, Message.Shape),
        (Message.Tensor, 4 or 8 or 18) => (Field.Bytes, default),
        (Message.Tensor, 5 or 9) => (Field.PackedFixed32, default),
        (Message.Tensor, 6 or 12) => (Field.PackedFixed64, default),
        (Message.Tensor, 7 or 10 or 11 or 13 or 16 or 17) => (Field.PackedVarint, default),
        (Message.Tensor, 14 or 15) => (Field.NotPlain, default),
        (Message.Shape, 2) => (Field.RepeatedMessage, Message.Dim),
        (Message.Shape, 3) => (Field.Varint, default),
        (Message.Dim, 1) => (Field.Varint, default),
        (Message.Dim, 2) => (Field.String, default),
        _ => (Field.Unknown, default),
    };
}
