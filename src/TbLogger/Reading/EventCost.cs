namespace TbLogger.Reading;

/// <summary>
/// What parsing an event record into protobuf objects costs, estimated from its wire bytes without building anything
/// (<see cref="EventBudget"/>). The parser allocates per element, not per byte: an empty shape dimension is 2 bytes on
/// the wire and an object of about 40 bytes in memory, an unknown field an entry of about 100, so a record of millions
/// of such elements would cost 20 to 300 times its size (a 31 MB file of empty dimensions took 1-2 GB to list and
/// verify; an empty tensor is 2 bytes and about 600 of objects). The walk follows the event's schema (summary, value,
/// metadata, tensor, shape, histogram, image, audio, session log, the tensors a variant holds, and the plugin contents
/// the reader parses in turn: hparams, custom scalar layouts, PR curve data) and charges each element what
/// Google.Protobuf allocates for it, measured and rounded up: each message its own (<see cref="MessageCost"/>), a
/// string or bytes field 88 plus twice its length (strings become UTF-16), an unpacked element of a repeated number 24,
/// a packed run up to 32 bytes per wire byte (a one-byte varint read into a long, the array doubling as it grows), a
/// field the schema does not know, which the parser keeps, 300 plus its length (and every field inside a group).
/// A message member of a oneof given twice in one message is refused whatever it costs: the parser copies the first
/// into the second (and so on), so n repeats cost n² (80 KB of repeated summaries took 4.8 GB), and no writer gives
/// one twice. The walk reads each field header once and skips numbers and bytes by their length.
/// </summary>
internal static class EventCost
{
    private const long BytesCost = 88;
    private const long RepeatedNumberCost = 24;
    private const long UnknownCost = 300;

    /// <summary>What any record costs to parse however small: the parser's own objects and buffers.</summary>
    private const long RecordCost = 256;

    /// <summary>The parser's own nesting limit (Google.Protobuf's default): deeper input fails to parse anyway.</summary>
    private const int MaxDepth = 100;

    /// <summary>The messages the walk knows; anything else is charged as bytes.</summary>
    private enum Message
    {
        Event,
        Summary,
        Value,
        Metadata,
        PluginData,
        Tensor,
        Shape,
        Dim,
        Histogram,
        Image,
        Audio,
        SessionLog,
        LogMessage,
        TaggedRunMetadata,
        SourceMetadata,
        VariantTensorData,
        ResourceHandle,
        DtypeAndShape,

        // Plugin contents (PluginData.content), parsed by the reader in turn.
        HParamsData,
        Experiment,
        HParamInfo,
        Interval,
        MetricInfo,
        MetricName,
        SessionStart,
        SessionEnd,
        StringToValue,
        ProtoValue,
        ProtoList,
        ProtoStruct,
        Layout,
        Category,
        Chart,
        Multiline,
        Margin,
        MarginSeries,
        PrCurveData,
    }

    /// <summary>The bytes of objects one parsed instance of <paramref name="kind"/> costs, with its slot in a repeated field (measured).</summary>
    private static long MessageCost(Message kind) => kind switch
    {
        // Twelve repeated fields, each its own object even when empty.
        Message.Tensor => 640,
        Message.ResourceHandle => 136,
        // A map entry: the key, the value and the dictionary's slot.
        Message.StringToValue => 160,
        Message.VariantTensorData or Message.Experiment or Message.Category => 104,
        Message.Event or Message.Histogram => 100,
        Message.Value => 90,
        _ => 64,
    };

    /// <summary>How a known field is stored once parsed.</summary>
    private enum Field
    {
        Unknown,
        Number,
        RepeatedNumber,
        Bytes,
        Child,
    }

    /// <summary>
    /// The estimated bytes of objects <paramref name="record"/> (an <c>Event</c>) would cost to parse, or -1 as soon
    /// as it passes <paramref name="limit"/> or breaks a rule no parse should pass whatever it costs (a shape over
    /// TensorFlow's rank limit, a oneof message given twice), which <paramref name="problem"/> then names. Malformed
    /// wire data ends the walk: the parser reports it.
    /// </summary>
    public static long Of(ReadOnlySpan<byte> record, long limit, out string? problem)
    {
        problem = null;
        long cost = RecordCost + MessageCost(Message.Event);
        return Walk(record, Message.Event, 0, limit, ref cost, ref problem) ? cost : -1;
    }

    /// <summary>False when the cost passed <paramref name="limit"/> or a rule was broken (then <paramref name="problem"/> says which).</summary>
    private static bool Walk(ReadOnlySpan<byte> message, Message kind, int depth, long limit, ref long cost, ref string? problem)
    {
        if (depth > MaxDepth)
        {
            return true;
        }
        int dims = 0;
        // What the reader parses a plugin's content as, once it knows the plugin (its name may come after the content).
        Message? content = kind == Message.PluginData ? ContentOf(message) : null;
        // The oneof message members seen in this message, by field number (all below 64).
        ulong oneofsSeen = 0;
        int pos = 0;
        while (pos < message.Length)
        {
            if (!ProtoWire.TryReadTag(message, ref pos, out int number, out int wire))
            {
                return true;
            }
            Field field = Classify(kind, number, wire, out Message child);
            int start = 0, length = 0;
            if (wire == ProtoWire.LengthDelimited)
            {
                if (!ProtoWire.TryReadLengthDelimited(message, ref pos, out start, out length))
                {
                    return true;
                }
                if (content is { } parsedAs && number == 2 && field == Field.Bytes)
                {
                    // Kept as bytes, then parsed as the plugin's message: both are charged.
                    cost += BytesCost + 2L * length;
                    field = Field.Child;
                    child = parsedAs;
                }
            }
            else if (wire == 3)
            {
                // A group, known to no message here: the parser keeps it, and every field in it, as unknown fields.
                if (!SkipGroup(message, ref pos, ref cost))
                {
                    return true;
                }
                field = Field.Unknown;
            }
            else if (wire == 4)
            {
                // An end with no start: the parser refuses the record.
                return true;
            }
            else if (!ProtoWire.TrySkip(message, ref pos, wire))
            {
                return true;
            }
            switch (field)
            {
                case Field.Number:
                    break;
                case Field.RepeatedNumber:
                    cost += wire == ProtoWire.LengthDelimited ? PackedCostPerByte(kind, number) * length : RepeatedNumberCost;
                    break;
                case Field.Bytes:
                    cost += BytesCost + 2L * length;
                    break;
                case Field.Child:
                    if (child == Message.Dim && ++dims > EventBudget.MaxShapeDimensions)
                    {
                        problem = $"a tensor shape of more than {EventBudget.MaxShapeDimensions} dimensions (TensorFlow's limit)";
                        return false;
                    }
                    if (IsOneofMessage(kind, number))
                    {
                        ulong bit = 1UL << number;
                        if ((oneofsSeen & bit) != 0)
                        {
                            problem = $"field {number} of {kind} given more than once (a oneof member, which the parser would copy at every repeat)";
                            return false;
                        }
                        oneofsSeen |= bit;
                    }
                    cost += MessageCost(child);
                    if (cost <= limit && !Walk(message.Slice(start, length), child, depth + 1, limit, ref cost, ref problem))
                    {
                        return false;
                    }
                    break;
                default:
                    cost += UnknownCost + length;
                    break;
            }
            if (cost > limit)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Reads past a group whose start tag was just read, charging every field in it as an unknown field; false at malformed data.</summary>
    private static bool SkipGroup(ReadOnlySpan<byte> message, ref int pos, ref long cost)
    {
        for (int depth = 1; depth > 0;)
        {
            if (!ProtoWire.TryReadTag(message, ref pos, out _, out int wire))
            {
                return false;
            }
            cost += UnknownCost;
            if (wire == 3)
            {
                depth++;
            }
            else if (wire == 4)
            {
                depth--;
            }
            else if (wire == ProtoWire.LengthDelimited)
            {
                if (!ProtoWire.TryReadLengthDelimited(message, ref pos, out _, out int length))
                {
                    return false;
                }
                cost += length;
            }
            else if (!ProtoWire.TrySkip(message, ref pos, wire))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The message the reader parses the content of this <c>PluginData</c> as, from its plugin name; null for contents it keeps as bytes.</summary>
    private static Message? ContentOf(ReadOnlySpan<byte> pluginData)
    {
        Message? content = null;
        int pos = 0;
        while (pos < pluginData.Length && ProtoWire.TryReadTag(pluginData, ref pos, out int number, out int wire))
        {
            if (wire != ProtoWire.LengthDelimited)
            {
                if (!ProtoWire.TrySkip(pluginData, ref pos, wire))
                {
                    break;
                }
                continue;
            }
            if (!ProtoWire.TryReadLengthDelimited(pluginData, ref pos, out int start, out int length))
            {
                break;
            }
            if (number == 1)
            {
                // The last name given wins, as in the parser.
                ReadOnlySpan<byte> name = pluginData.Slice(start, length);
                content = name.SequenceEqual("hparams"u8) ? Message.HParamsData
                    : name.SequenceEqual("custom_scalars"u8) ? Message.Layout
                    : name.SequenceEqual("pr_curves"u8) ? Message.PrCurveData
                    : null;
            }
        }
        return content;
    }

    /// <summary>A message member of a oneof: given twice in one message, the parser merges a copy of the first into the second.</summary>
    private static bool IsOneofMessage(Message kind, int number) => (kind, number) switch
    {
        (Message.Event, >= 5 and <= 8) => true,
        (Message.Value, 4 or 5 or 6 or 8) => true,
        (Message.HParamsData, >= 2 and <= 4) => true,
        (Message.HParamInfo, 5 or 6) => true,
        (Message.Chart, 2 or 3) => true,
        (Message.ProtoValue, 5 or 6) => true,
        _ => false,
    };

    /// <summary>
    /// Field <paramref name="number"/> of <paramref name="kind"/> as the generated parser reads it: a field number it
    /// knows with another wire type is an unknown field to it too, except a repeated number, packed or not.
    /// </summary>
    private static Field Classify(Message kind, int number, int wire, out Message child)
    {
        child = default;
        const int V = ProtoWire.Varint, F64 = ProtoWire.Fixed64, F32 = ProtoWire.Fixed32;
        return (kind, number) switch
        {
            (Message.Event, 1) => Expect(wire, F64),
            (Message.Event, 2) => Expect(wire, V),
            (Message.Event, 3 or 4 or 9) => Bytes(wire),
            (Message.Event, 5) => Nested(wire, Message.Summary, out child),
            (Message.Event, 6) => Nested(wire, Message.LogMessage, out child),
            (Message.Event, 7) => Nested(wire, Message.SessionLog, out child),
            (Message.Event, 8) => Nested(wire, Message.TaggedRunMetadata, out child),
            (Message.Event, 10) => Nested(wire, Message.SourceMetadata, out child),
            (Message.Summary, 1) => Nested(wire, Message.Value, out child),
            (Message.Value, 1 or 3 or 7) => Bytes(wire),
            (Message.Value, 2) => Expect(wire, F32),
            (Message.Value, 4) => Nested(wire, Message.Image, out child),
            (Message.Value, 5) => Nested(wire, Message.Histogram, out child),
            (Message.Value, 6) => Nested(wire, Message.Audio, out child),
            (Message.Value, 8) => Nested(wire, Message.Tensor, out child),
            (Message.Value, 9) => Nested(wire, Message.Metadata, out child),
            (Message.Metadata, 1) => Nested(wire, Message.PluginData, out child),
            (Message.Metadata, 2 or 3) => Bytes(wire),
            (Message.Metadata, 4) => Expect(wire, V),
            (Message.PluginData, 1 or 2) => Bytes(wire),
            (Message.Tensor, 1 or 3) => Expect(wire, V),
            (Message.Tensor, 2) => Nested(wire, Message.Shape, out child),
            (Message.Tensor, 4 or 8) => Bytes(wire),
            (Message.Tensor, 5 or 9) => Repeated(wire, F32),
            (Message.Tensor, 6 or 12) => Repeated(wire, F64),
            (Message.Tensor, 7 or 10 or 11 or 13 or 16 or 17) => Repeated(wire, V),
            (Message.Tensor, 14) => Nested(wire, Message.ResourceHandle, out child),
            (Message.Tensor, 15) => Nested(wire, Message.VariantTensorData, out child),
            (Message.VariantTensorData, 1 or 2) => Bytes(wire),
            (Message.VariantTensorData, 3) => Nested(wire, Message.Tensor, out child),
            (Message.ResourceHandle, 1 or 2 or 3 or 5) => Bytes(wire),
            (Message.ResourceHandle, 4) => Expect(wire, V),
            (Message.ResourceHandle, 6) => Nested(wire, Message.DtypeAndShape, out child),
            (Message.DtypeAndShape, 1) => Expect(wire, V),
            (Message.DtypeAndShape, 2) => Nested(wire, Message.Shape, out child),
            (Message.Shape, 2) => Nested(wire, Message.Dim, out child),
            (Message.Shape, 3) => Expect(wire, V),
            (Message.Dim, 1) => Expect(wire, V),
            (Message.Dim, 2) => Bytes(wire),
            (Message.Histogram, >= 1 and <= 5) => Expect(wire, F64),
            (Message.Histogram, 6 or 7) => Repeated(wire, F64),
            (Message.Image, >= 1 and <= 3) => Expect(wire, V),
            (Message.Image, 4) => Bytes(wire),
            (Message.Audio, 1) => Expect(wire, F32),
            (Message.Audio, 2 or 3) => Expect(wire, V),
            (Message.Audio, 4 or 5) => Bytes(wire),
            (Message.SessionLog or Message.LogMessage, 1) => Expect(wire, V),
            (Message.SessionLog, 2 or 3) => Bytes(wire),
            (Message.LogMessage, 2) => Bytes(wire),
            (Message.TaggedRunMetadata, 1 or 2) => Bytes(wire),
            (Message.SourceMetadata, 1) => Bytes(wire),
            (Message.HParamsData, 1) => Expect(wire, V),
            (Message.HParamsData, 2) => Nested(wire, Message.Experiment, out child),
            (Message.HParamsData, 3) => Nested(wire, Message.SessionStart, out child),
            (Message.HParamsData, 4) => Nested(wire, Message.SessionEnd, out child),
            (Message.Experiment, 1 or 2 or 6) => Bytes(wire),
            (Message.Experiment, 3) => Expect(wire, F64),
            (Message.Experiment, 4) => Nested(wire, Message.HParamInfo, out child),
            (Message.Experiment, 5) => Nested(wire, Message.MetricInfo, out child),
            (Message.HParamInfo, 1 or 2 or 3) => Bytes(wire),
            (Message.HParamInfo, 4) => Expect(wire, V),
            (Message.HParamInfo, 5) => Nested(wire, Message.ProtoList, out child),
            (Message.HParamInfo, 6) => Nested(wire, Message.Interval, out child),
            (Message.Interval, 1 or 2) => Expect(wire, F64),
            (Message.MetricInfo, 1) => Nested(wire, Message.MetricName, out child),
            (Message.MetricInfo, 3 or 4) => Bytes(wire),
            (Message.MetricInfo, 5) => Expect(wire, V),
            (Message.MetricName, 1 or 2) => Bytes(wire),
            (Message.SessionStart, 1) => Nested(wire, Message.StringToValue, out child),
            (Message.SessionStart, 2 or 3 or 4) => Bytes(wire),
            (Message.SessionStart, 5) => Expect(wire, F64),
            (Message.SessionEnd, 1) => Expect(wire, V),
            (Message.SessionEnd, 2) => Expect(wire, F64),
            (Message.StringToValue, 1) => Bytes(wire),
            (Message.StringToValue, 2) => Nested(wire, Message.ProtoValue, out child),
            (Message.ProtoValue, 1 or 4) => Expect(wire, V),
            (Message.ProtoValue, 2) => Expect(wire, F64),
            (Message.ProtoValue, 3) => Bytes(wire),
            (Message.ProtoValue, 5) => Nested(wire, Message.ProtoStruct, out child),
            (Message.ProtoValue, 6) => Nested(wire, Message.ProtoList, out child),
            (Message.ProtoList, 1) => Nested(wire, Message.ProtoValue, out child),
            (Message.ProtoStruct, 1) => Nested(wire, Message.StringToValue, out child),
            (Message.Layout, 2) => Nested(wire, Message.Category, out child),
            (Message.Category, 1) => Bytes(wire),
            (Message.Category, 2) => Nested(wire, Message.Chart, out child),
            (Message.Category, 3) => Expect(wire, V),
            (Message.Chart, 1) => Bytes(wire),
            (Message.Chart, 2) => Nested(wire, Message.Multiline, out child),
            (Message.Chart, 3) => Nested(wire, Message.Margin, out child),
            (Message.Multiline, 1) => Bytes(wire),
            (Message.Margin, 1) => Nested(wire, Message.MarginSeries, out child),
            (Message.MarginSeries, >= 1 and <= 3) => Bytes(wire),
            (Message.PrCurveData, 1 or 2) => Expect(wire, V),
            _ => Field.Unknown,
        };
    }

    private static Field Expect(int wire, int expected) => wire == expected ? Field.Number : Field.Unknown;

    private static Field Bytes(int wire) => wire == ProtoWire.LengthDelimited ? Field.Bytes : Field.Unknown;

    private static Field Repeated(int wire, int element) => wire == element || wire == ProtoWire.LengthDelimited ? Field.RepeatedNumber : Field.Unknown;

    /// <summary>Bytes of objects per wire byte of a packed run of repeated field <paramref name="number"/> of <paramref name="kind"/>.</summary>
    private static long PackedCostPerByte(Message kind, int number) => (kind, number) switch
    {
        // int64 and uint64 varints: 8 bytes each from as little as one on the wire, the array doubling as it grows
        // (up to twice the elements, just past a power of two).
        (Message.Tensor, 10 or 17) => 32,
        // int32 and uint32 varints (half_val too): 4 bytes each from one.
        (Message.Tensor, 7 or 13 or 16) => 16,
        // Bools, floats and doubles: a byte of objects per byte on the wire, doubled as the array grows.
        _ => 2,
    };

    private static Field Nested(int wire, Message kind, out Message child)
    {
        child = kind;
        return wire == ProtoWire.LengthDelimited ? Field.Child : Field.Unknown;
    }
}
