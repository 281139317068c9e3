using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TbLogger.Reading;

/// <summary>The top of an Event decoded from its wire bytes: offsets into the record, no objects.</summary>
internal struct EventHeader
{
    public double WallTime;
    public long Step;
    public EventKind Kind;

    /// <summary>Start and length of the one-of member's bytes (summary, file_version string, ...).</summary>
    public int PayloadStart;
    public int PayloadLength;

    /// <summary>SessionLog.status when <see cref="Kind"/> is SessionLog.</summary>
    public int SessionStatus;
}

/// <summary>One Summary.Value decoded from its wire bytes (offsets relative to the value's own span).</summary>
internal struct ValueInfo
{
    public int TagStart;
    public int TagLength;

    /// <summary>Start of plugin_data.plugin_name, or -1 when the value has no metadata or no plugin name.</summary>
    public int PluginStart;
    public int PluginLength;
    public int ContentStart;
    public int ContentLength;
    public bool HasMetadata;

    /// <summary>The value one-of's field number (2 simple_value, 4 image, 5 histo, 6 audio, 8 tensor), or 0.</summary>
    public int ValueField;
    public float SimpleValue;
    public int PayloadStart;
    public int PayloadLength;
}

/// <summary>
/// Decodes Event → Summary → Value straight from wire bytes, for the paths that see millions of events (scalar
/// export, purge planning, ls). It reads only what those need; everything else goes through Google.Protobuf.
/// A test holds it to the protobuf parser on the golden files and on generated events.
/// </summary>
internal static class EventWire
{
    public const int SessionStart = 1;

    /// <summary>
    /// The header of a summary event in the layout every writer uses (wall_time, step below 2^21, summary to the end
    /// of the record), small enough to inline into the scans' record loops; false for anything else, which
    /// <see cref="TryReadHeader"/> decodes. What it gives equals <see cref="TryReadHeader"/>'s.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool TryReadSummaryHeader(ReadOnlySpan<byte> data, out EventHeader header)
    {
        header = default;
        if (data.Length <= 12 || data[0] != 0x09 || data[9] != 0x10)
        {
            return false;
        }
        // The step's varint, up to three bytes, unrolled (data[12] exists); a longer one goes the general way.
        uint b = data[10];
        ulong step = b & 0x7F;
        int at = 11;
        if (b >= 0x80)
        {
            b = data[11];
            step |= (ulong)(b & 0x7F) << 7;
            at = 12;
            if (b >= 0x80)
            {
                b = data[12];
                if (b >= 0x80)
                {
                    return false;
                }
                step |= (ulong)b << 14;
                at = 13;
            }
        }
        return TrySummaryToEnd(data, at, step, ref header);
    }

    /// <summary>
    /// The rest of the common summary layout once wall_time and the step (ending at <paramref name="at"/>) are read:
    /// the summary field, running to the end of the record; fills <paramref name="header"/> when it is there.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool TrySummaryToEnd(ReadOnlySpan<byte> data, int at, ulong step, ref EventHeader header)
    {
        if ((uint)at >= (uint)data.Length || data[at] != 0x2A)
        {
            return false;
        }
        at++;
        if (!ProtoWire.TryReadVarint(data, ref at, out ulong summaryLength) || summaryLength != (ulong)(data.Length - at))
        {
            return false;
        }
        header.WallTime = BinaryPrimitives.ReadDoubleLittleEndian(data[1..]);
        header.Step = (long)step;
        header.Kind = EventKind.Summary;
        header.PayloadStart = at;
        header.PayloadLength = (int)summaryLength;
        return true;
    }

    public static bool TryReadHeader(ReadOnlySpan<byte> data, out EventHeader header)
    {
        header = default;
        // The layout every writer uses for a summary event, checked field by field before the general walk:
        // wall_time (09 + 8 bytes), step (10 + varint), summary (2A + length) running to the end of the record.
        if (data.Length > 12 && data[0] == 0x09 && data[9] == 0x10)
        {
            int at = 10;
            if (ProtoWire.TryReadVarint(data, ref at, out ulong fastStep) && TrySummaryToEnd(data, at, fastStep, ref header))
            {
                return true;
            }
        }
        int pos = 0;
        bool oneofSeen = false;
        while (pos < data.Length)
        {
            if (!ProtoWire.TryReadTag(data, ref pos, out int field, out int wire))
            {
                return false;
            }
            switch (field)
            {
                case >= 3 and <= 9 when oneofSeen:
                    // A second member of the oneof: the parser keeps the last, merging it with the first when both are
                    // the same message (two summaries are one summary of both's values). Left to the parser.
                    return false;
                case 1 when wire == ProtoWire.Fixed64:
                    if (!ProtoWire.TryReadFixed64(data, ref pos, out ulong bits))
                    {
                        return false;
                    }
                    header.WallTime = BitConverter.UInt64BitsToDouble(bits);
                    break;
                case 2 when wire == ProtoWire.Varint:
                    if (!ProtoWire.TryReadVarint(data, ref pos, out ulong step))
                    {
                        return false;
                    }
                    header.Step = (long)step;
                    break;
                case >= 3 and <= 9 when wire == ProtoWire.LengthDelimited:
                    if (!ProtoWire.TryReadLengthDelimited(data, ref pos, out int start, out int length))
                    {
                        return false;
                    }
                    oneofSeen = true;
                    header.Kind = (EventKind)field;
                    header.PayloadStart = start;
                    header.PayloadLength = length;
                    if (field == (int)EventKind.SessionLog)
                    {
                        header.SessionStatus = ReadSessionStatus(data.Slice(start, length));
                    }
                    break;
                default:
                    if (!ProtoWire.TrySkip(data, ref pos, wire))
                    {
                        return false;
                    }
                    break;
            }
        }
        return true;
    }

    private static int ReadSessionStatus(ReadOnlySpan<byte> sessionLog)
    {
        // Lenient: a damaged SessionLog yields the status read before the damage.
        ProtoWire.TryReadVarintField(sessionLog, 1, out ulong status);
        return (int)status;
    }

    /// <summary>Finds the next Summary.value (field 1) at or after <paramref name="pos"/> in a Summary's bytes.</summary>
    public static bool TryNextValue(ReadOnlySpan<byte> summary, ref int pos, out int start, out int length)
    {
        start = 0;
        length = 0;
        while (pos < summary.Length)
        {
            if (!ProtoWire.TryReadTag(summary, ref pos, out int field, out int wire))
            {
                pos = summary.Length;
                return false;
            }
            if (field == 1 && wire == ProtoWire.LengthDelimited)
            {
                if (!ProtoWire.TryReadLengthDelimited(summary, ref pos, out start, out length))
                {
                    pos = summary.Length;
                    return false;
                }
                return true;
            }
            if (!ProtoWire.TrySkip(summary, ref pos, wire))
            {
                pos = summary.Length;
                return false;
            }
        }
        return false;
    }

    /// <summary>
    /// The layouts writers use for a scalar value after a tag's first (ours, PyTorch's, TensorFlow's once the metadata
    /// was written), matched byte for byte before the general walk: the tag (0A, a one-byte length, the bytes), then
    /// simple_value (15 and 4 bytes) or a tensor (42, a one-byte length, the bytes), and nothing more. Returns the value
    /// field (2 or 8) and where its bytes are, or 0 when the value has another layout (<see cref="TryReadValue"/> then
    /// reads it). A match is exactly what <see cref="TryReadValue"/> would read: the tag at 2, no metadata, and the
    /// simple_value or tensor at <paramref name="payloadStart"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryReadCommonScalar(ReadOnlySpan<byte> value, out int tagLength, out int payloadStart, out int payloadLength)
    {
        payloadStart = 0;
        payloadLength = 0;
        tagLength = 0;
        if (value.Length < 7 || value[0] != 0x0A || value[1] >= 0x80)
        {
            return 0;
        }
        tagLength = value[1];
        int at = 2 + tagLength;
        if (at + 5 == value.Length && value[at] == 0x15)
        {
            payloadStart = at + 1;
            payloadLength = 4;
            return 2;
        }
        if (at + 2 <= value.Length && value[at] == 0x42 && value[at + 1] < 0x80 && at + 2 + value[at + 1] == value.Length)
        {
            payloadStart = at + 2;
            payloadLength = value[at + 1];
            return 8;
        }
        return 0;
    }

    /// <summary>What <see cref="TryReadValue"/> reads from a value that <see cref="TryReadCommonScalar"/> matched (field 2 or 8).</summary>
    public static ValueInfo CommonInfo(ReadOnlySpan<byte> value, int field, int tagLength, int payloadStart, int payloadLength)
    {
        var info = new ValueInfo { TagStart = 2, TagLength = tagLength, PluginStart = -1, ContentStart = -1, ValueField = field };
        if (field == 2)
        {
            info.SimpleValue = BinaryPrimitives.ReadSingleLittleEndian(value[payloadStart..]);
        }
        else
        {
            info.PayloadStart = payloadStart;
            info.PayloadLength = payloadLength;
        }
        return info;
    }

    public static bool TryReadValue(ReadOnlySpan<byte> value, out ValueInfo info)
    {
        info = default;
        info.PluginStart = -1;
        info.ContentStart = -1;
        int pos = 0;
        while (pos < value.Length)
        {
            if (!ProtoWire.TryReadTag(value, ref pos, out int field, out int wire))
            {
                return false;
            }
            if (field == 2 && wire == ProtoWire.Fixed32)
            {
                if (!ProtoWire.TryReadFixed32(value, ref pos, out uint bits))
                {
                    return false;
                }
                info.ValueField = 2;
                info.SimpleValue = BitConverter.UInt32BitsToSingle(bits);
                continue;
            }
            if (wire != ProtoWire.LengthDelimited)
            {
                if (!ProtoWire.TrySkip(value, ref pos, wire))
                {
                    return false;
                }
                continue;
            }
            if (!ProtoWire.TryReadLengthDelimited(value, ref pos, out int start, out int length))
            {
                return false;
            }
            switch (field)
            {
                case 1:
                    info.TagStart = start;
                    info.TagLength = length;
                    break;
                case 9:
                    info.HasMetadata = true;
                    ReadPluginData(value, start, length, ref info);
                    break;
                case 3 or 4 or 5 or 6 or 8:
                    info.ValueField = field;
                    info.PayloadStart = start;
                    info.PayloadLength = length;
                    break;
            }
        }
        return true;
    }

    private static void ReadPluginData(ReadOnlySpan<byte> value, int metadataStart, int metadataLength, ref ValueInfo info)
    {
        ReadOnlySpan<byte> metadata = value.Slice(metadataStart, metadataLength);
        int pos = 0;
        while (pos < metadata.Length)
        {
            if (!ProtoWire.TryReadTag(metadata, ref pos, out int field, out int wire))
            {
                return;
            }
            if (field == 1 && wire == ProtoWire.LengthDelimited && ProtoWire.TryReadLengthDelimited(metadata, ref pos, out int start, out int length))
            {
                ReadOnlySpan<byte> pluginData = metadata.Slice(start, length);
                int p = 0;
                while (p < pluginData.Length)
                {
                    if (!ProtoWire.TryReadTag(pluginData, ref p, out int f, out int w))
                    {
                        return;
                    }
                    if (w == ProtoWire.LengthDelimited && ProtoWire.TryReadLengthDelimited(pluginData, ref p, out int s, out int l))
                    {
                        if (f == 1)
                        {
                            info.PluginStart = metadataStart + start + s;
                            info.PluginLength = l;
                        }
                        else if (f == 2)
                        {
                            info.ContentStart = metadataStart + start + s;
                            info.ContentLength = l;
                        }
                    }
                    else if (w == ProtoWire.LengthDelimited || !ProtoWire.TrySkip(pluginData, ref p, w))
                    {
                        return;
                    }
                }
            }
            else if (!ProtoWire.TrySkip(metadata, ref pos, wire))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Reads a one-element numeric TensorProto as a double: float, double, half, bfloat16, the integer types and
    /// bool, from the typed fields or tensor_content. False for strings, several elements or anything unreadable.
    /// </summary>
    public static bool TryReadScalarTensor(ReadOnlySpan<byte> tensor, out double value)
    {
        // The layouts writers use for a float scalar, checked byte for byte before the general walk: dtype DT_FLOAT
        // (08 01), an optional empty tensor_shape (12 00), one packed float_val (2A 04 + 4 bytes).
        if (tensor.Length == 8 && BinaryPrimitives.ReadUInt32LittleEndian(tensor) == 0x042A0108u)
        {
            value = BinaryPrimitives.ReadSingleLittleEndian(tensor[4..]);
            return true;
        }
        if (tensor.Length == 10 && BinaryPrimitives.ReadUInt32LittleEndian(tensor) == 0x00120108u && BinaryPrimitives.ReadUInt16LittleEndian(tensor[4..]) == 0x042A)
        {
            value = BinaryPrimitives.ReadSingleLittleEndian(tensor[6..]);
            return true;
        }
        value = 0;
        int pos = 0;
        int dtype = 0;
        long elements = 1;
        bool haveValue = false;
        int contentStart = -1;
        int contentLength = 0;
        int valuesField = 0;
        int valuesStart = 0;
        int valuesLength = 0;
        int valuesWire = 0;
        while (pos < tensor.Length)
        {
            if (!ProtoWire.TryReadTag(tensor, ref pos, out int field, out int wire))
            {
                return false;
            }
            int fieldStart = pos;
            switch (field)
            {
                case 1 when wire == ProtoWire.Varint:
                    if (!ProtoWire.TryReadVarint(tensor, ref pos, out ulong d))
                    {
                        return false;
                    }
                    dtype = (int)d;
                    break;
                case 2 when wire == ProtoWire.LengthDelimited:
                    if (!ProtoWire.TryReadLengthDelimited(tensor, ref pos, out int shapeStart, out int shapeLength) ||
                        !TryCountElements(tensor.Slice(shapeStart, shapeLength), out elements))
                    {
                        return false;
                    }
                    break;
                case 4 when wire == ProtoWire.LengthDelimited:
                    if (!ProtoWire.TryReadLengthDelimited(tensor, ref pos, out contentStart, out contentLength))
                    {
                        return false;
                    }
                    break;
                case 5 or 6 or 7 or 10 or 11 or 13 or 16 or 17:
                    if (!ProtoWire.TrySkip(tensor, ref pos, wire))
                    {
                        return false;
                    }
                    if (valuesField != 0 && valuesField != field)
                    {
                        return false;
                    }
                    if (valuesField == field)
                    {
                        // A second occurrence: more than one element.
                        return false;
                    }
                    valuesField = field;
                    valuesWire = wire;
                    valuesStart = fieldStart;
                    valuesLength = pos - fieldStart;
                    break;
                default:
                    if (!ProtoWire.TrySkip(tensor, ref pos, wire))
                    {
                        return false;
                    }
                    break;
            }
        }
        if (elements != 1)
        {
            return false;
        }
        if (contentStart >= 0 && contentLength > 0)
        {
            haveValue = TryReadContent(tensor.Slice(contentStart, contentLength), dtype, out value);
            return haveValue;
        }
        if (valuesField == 0)
        {
            return false;
        }
        ReadOnlySpan<byte> raw = tensor.Slice(valuesStart, valuesLength);
        int p = 0;
        if (valuesWire == ProtoWire.LengthDelimited)
        {
            if (!ProtoWire.TryReadLengthDelimited(raw, ref p, out int s, out int l))
            {
                return false;
            }
            raw = raw.Slice(s, l);
            p = 0;
            valuesWire = valuesField switch { 5 => ProtoWire.Fixed32, 6 => ProtoWire.Fixed64, _ => ProtoWire.Varint };
        }
        switch (valuesField)
        {
            case 5 when dtype == 1:
                if (!ProtoWire.TryReadFixed32(raw, ref p, out uint f) || p != raw.Length)
                {
                    return false;
                }
                value = BitConverter.UInt32BitsToSingle(f);
                return true;
            case 6 when dtype == 2:
                if (!ProtoWire.TryReadFixed64(raw, ref p, out ulong dbl) || p != raw.Length)
                {
                    return false;
                }
                value = BitConverter.UInt64BitsToDouble(dbl);
                return true;
            default:
                if (valuesWire != ProtoWire.Varint || !ProtoWire.TryReadVarint(raw, ref p, out ulong v) || p != raw.Length)
                {
                    return false;
                }
                return TryFromVarint(valuesField, dtype, v, out value);
        }
    }

    private static bool TryFromVarint(int field, int dtype, ulong v, out double value)
    {
        value = 0;
        switch (field)
        {
            case 13 when dtype == 19:
                value = (double)BitConverter.UInt16BitsToHalf((ushort)v);
                return true;
            case 13 when dtype == 14:
                value = BitConverter.UInt32BitsToSingle((uint)(ushort)v << 16);
                return true;
            case 7 when dtype is 3 or 4 or 5 or 6 or 17:
                value = (int)v;
                return true;
            case 10 when dtype == 9:
                value = (long)v;
                return true;
            case 11 when dtype == 10:
                value = v != 0 ? 1 : 0;
                return true;
            case 16 when dtype == 22:
                value = (uint)v;
                return true;
            case 17 when dtype == 23:
                value = v;
                return true;
            default:
                return false;
        }
    }

    private static bool TryReadContent(ReadOnlySpan<byte> content, int dtype, out double value)
    {
        value = 0;
        switch (dtype)
        {
            case 1 when content.Length == 4:
                value = BinaryPrimitives.ReadSingleLittleEndian(content);
                return true;
            case 2 when content.Length == 8:
                value = BinaryPrimitives.ReadDoubleLittleEndian(content);
                return true;
            case 19 when content.Length == 2:
                value = (double)BinaryPrimitives.ReadHalfLittleEndian(content);
                return true;
            case 14 when content.Length == 2:
                value = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(content) << 16);
                return true;
            case 3 when content.Length == 4:
                value = BinaryPrimitives.ReadInt32LittleEndian(content);
                return true;
            case 9 when content.Length == 8:
                value = BinaryPrimitives.ReadInt64LittleEndian(content);
                return true;
            case 5 when content.Length == 2:
                value = BinaryPrimitives.ReadInt16LittleEndian(content);
                return true;
            case 17 when content.Length == 2:
                value = BinaryPrimitives.ReadUInt16LittleEndian(content);
                return true;
            case 6 when content.Length == 1:
                value = (sbyte)content[0];
                return true;
            case 4 when content.Length == 1:
                value = content[0];
                return true;
            case 10 when content.Length == 1:
                value = content[0] != 0 ? 1 : 0;
                return true;
            case 22 when content.Length == 4:
                value = BinaryPrimitives.ReadUInt32LittleEndian(content);
                return true;
            case 23 when content.Length == 8:
                value = BinaryPrimitives.ReadUInt64LittleEndian(content);
                return true;
            default:
                return false;
        }
    }

    private static bool TryCountElements(ReadOnlySpan<byte> shape, out long elements)
    {
        elements = 1;
        int pos = 0;
        while (pos < shape.Length)
        {
            if (!ProtoWire.TryReadTag(shape, ref pos, out int field, out int wire))
            {
                return false;
            }
            if (field == 2 && wire == ProtoWire.LengthDelimited)
            {
                if (!ProtoWire.TryReadLengthDelimited(shape, ref pos, out int start, out int length))
                {
                    return false;
                }
                if (!ProtoWire.TryReadVarintField(shape.Slice(start, length), 1, out ulong dimSize))
                {
                    return false;
                }
                long size = (long)dimSize;
                elements = size < 0 ? -1 : elements * size;
            }
            else if (field == 3 && wire == ProtoWire.Varint)
            {
                if (!ProtoWire.TryReadVarint(shape, ref pos, out ulong unknownRank))
                {
                    return false;
                }
                if (unknownRank != 0)
                {
                    elements = -1;
                }
            }
            else if (!ProtoWire.TrySkip(shape, ref pos, wire))
            {
                return false;
            }
        }
        return true;
    }
}
