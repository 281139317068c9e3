using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TbLogger.Reading;

/// <summary>
/// The few protobuf wire-format primitives the fast paths need, on spans and without allocating. Every read checks
/// bounds and reports malformed input by returning false; callers then fall back to the protobuf parser, which
/// produces the precise error.
/// </summary>
internal static class ProtoWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadTag(ReadOnlySpan<byte> data, ref int pos, out int field, out int wireType)
    {
        // Every field number TensorBoard's messages use fits a one-byte key: decode it in place.
        if ((uint)pos < (uint)data.Length && data[pos] is var key1 and < 0x80)
        {
            pos++;
            field = key1 >> 3;
            wireType = key1 & 7;
            return field > 0;
        }
        field = 0;
        wireType = 0;
        if (!TryReadVarint(data, ref pos, out ulong key) || key > uint.MaxValue)
        {
            return false;
        }
        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        return field > 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value)
    {
        // Lengths, dtypes and most steps of a scalar event fit one or two bytes.
        if ((uint)pos < (uint)data.Length)
        {
            uint b1 = data[pos];
            if (b1 < 0x80)
            {
                pos++;
                value = b1;
                return true;
            }
            if ((uint)(pos + 1) < (uint)data.Length && data[pos + 1] is var b2 and < 0x80)
            {
                value = (b1 & 0x7Fu) | ((ulong)b2 << 7);
                pos += 2;
                return true;
            }
        }
        return TryReadVarintSlow(data, ref pos, out value);
    }

    private static bool TryReadVarintSlow(ReadOnlySpan<byte> data, ref int pos, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if ((uint)pos >= (uint)data.Length)
            {
                return false;
            }
            byte b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }
        return false;
    }

    public static bool TryReadFixed64(ReadOnlySpan<byte> data, ref int pos, out ulong value)
    {
        if (data.Length - pos < 8)
        {
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt64LittleEndian(data[pos..]);
        pos += 8;
        return true;
    }

    public static bool TryReadFixed32(ReadOnlySpan<byte> data, ref int pos, out uint value)
    {
        if (data.Length - pos < 4)
        {
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt32LittleEndian(data[pos..]);
        pos += 4;
        return true;
    }

    /// <summary>Reads a length prefix and returns the start and length of the bytes it covers.</summary>
    public static bool TryReadLengthDelimited(ReadOnlySpan<byte> data, ref int pos, out int start, out int length)
    {
        start = 0;
        length = 0;
        if (!TryReadVarint(data, ref pos, out ulong len) || len > (ulong)(data.Length - pos))
        {
            return false;
        }
        start = pos;
        length = (int)len;
        pos += length;
        return true;
    }

    /// <summary>
    /// Reads varint field <paramref name="field"/> of a whole message (the last occurrence wins, as in proto3; absent
    /// is 0). Returns false at malformed data, with <paramref name="value"/> holding what was read before it.
    /// </summary>
    public static bool TryReadVarintField(ReadOnlySpan<byte> message, int field, out ulong value)
    {
        value = 0;
        int pos = 0;
        while (pos < message.Length)
        {
            if (!TryReadTag(message, ref pos, out int f, out int wire))
            {
                return false;
            }
            if (f == field && wire == Varint)
            {
                if (!TryReadVarint(message, ref pos, out ulong read))
                {
                    return false;
                }
                value = read;
            }
            else if (!TrySkip(message, ref pos, wire))
            {
                return false;
            }
        }
        return true;
    }

    public static bool TrySkip(ReadOnlySpan<byte> data, ref int pos, int wireType)
    {
        switch (wireType)
        {
            case Varint:
                return TryReadVarint(data, ref pos, out _);
            case Fixed64:
                return TryReadFixed64(data, ref pos, out _);
            case LengthDelimited:
                return TryReadLengthDelimited(data, ref pos, out _, out _);
            case Fixed32:
                return TryReadFixed32(data, ref pos, out _);
            default:
                // Groups (3, 4) are not used by any TensorBoard message.
                return false;
        }
    }
}
