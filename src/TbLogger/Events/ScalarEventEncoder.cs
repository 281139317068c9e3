using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using TbLogger.Records;

namespace TbLogger.Events;

/// <summary>
/// Encodes a scalar Event straight to protobuf wire bytes, byte-for-byte what Google.Protobuf writes for
/// <c>Event{wall_time, step, summary{value{tag, tensor|simple_value, metadata}}}</c> built by
/// <see cref="Summaries.Scalar"/> (a test holds it to that). It skips building five message objects per scalar,
/// which is what lets the worker keep up with the caller. Single-threaded: one instance per worker, so per file.
/// </summary>
/// <remarks>
/// A tag's plugin metadata goes only on its first value in the file, as TensorFlow's own writers do: both
/// TensorBoard loaders take a tag's plugin from its first value in a run (the Rust loader's <c>run.rs</c> keeps the
/// metadata of the value that creates the time series; the Python loader keeps the first <c>summary_metadata</c> per
/// tag), and later values inherit it. That saves 15 of 66 bytes per scalar event; leaving out the empty
/// tensor_shape (absent means rank 0 to both loaders) saves 2 more.
/// </remarks>
internal sealed class ScalarEventEncoder
{
    // Value.metadata (field 9) = { plugin_data (1) = { plugin_name (1) = "scalars" }, data_class (4) = SCALAR (1) }.
    private static readonly byte[] s_metadataField =
        [0x4A, 0x0D, 0x0A, 0x09, 0x0A, 0x07, (byte)'s', (byte)'c', (byte)'a', (byte)'l', (byte)'a', (byte)'r', (byte)'s', 0x20, 0x01];

    private const int CacheSlots = 64;

    private readonly Dictionary<string, TagBytes> _tags = new(StringComparer.Ordinal);

    // Callers pass the same string instance for a tag nearly always (a literal, a field, the suffix policy's cached
    // string), so a small cache keyed by object identity skips hashing the tag's characters for each value.
    private readonly string?[] _cachedTags = new string?[CacheSlots];
    private readonly TagBytes?[] _cachedBytes = new TagBytes?[CacheSlots];

    /// <summary>An upper bound of the encoded size, for sizing the destination.</summary>
    // UTF-8's bound (3 bytes per UTF-16 unit, plus one for a dangling surrogate) without a virtual call per scalar.
    public static int MaxEncodedLength(string tag) => (tag.Length + 1) * 3 + 96;

    /// <summary>
    /// Writes the Event's bytes to <paramref name="destination"/> and returns how many were written; the tag's
    /// metadata is included only the first time this encoder sees the tag.
    /// </summary>
    [MethodImpl(HotPath.Options)]
    public int Encode(string tag, double value, long step, double wallTime, ScalarEncoding encoding, Span<byte> destination)
    {
        TagBytes bytes = Lookup(tag);
        if (!bytes.Written)
        {
            bytes.Written = true;
            return EncodeFields(bytes.TagField, s_metadataField, value, step, wallTime, encoding, destination);
        }
        // A later value of the tag: everything from the summary field to the value's own bytes is the same each
        // time, so it is built once (per encoding) and copied.
        byte[] prefix = bytes.Prefix is { } cached && bytes.PrefixEncoding == encoding ? cached : bytes.BuildPrefix(encoding);
        int numberLength = encoding == ScalarEncoding.Float64Tensor ? 8 : 4;
        int length = (wallTime != 0d ? 9 : 0) + (step != 0 ? 1 + VarintLength((ulong)step) : 0) + prefix.Length + numberLength;
        if (destination.Length < length)
        {
            throw new ArgumentException($"The event needs {length} bytes; the destination has {destination.Length}.", nameof(destination));
        }
        // Fields by offset from one reference after the check above, not by slicing the span: the package's
        // ReadyToRun code calls each span and BinaryPrimitives method out of line (see Records.LittleEndian; issue 19).
        ref byte start = ref destination[0];
        int at = 0;
        if (wallTime != 0d)
        {
            start = 0x09;
            LittleEndian.Write(ref Unsafe.Add(ref start, 1), wallTime);
            at = 9;
        }
        if (step != 0)
        {
            Unsafe.Add(ref start, at++) = 0x10;
            at += WriteVarint(ref Unsafe.Add(ref start, at), (ulong)step);
        }
        CopyPrefix(ref Unsafe.Add(ref start, at), prefix);
        at += prefix.Length;
        if (numberLength == 8)
        {
            LittleEndian.Write(ref Unsafe.Add(ref start, at), value);
        }
        else
        {
            LittleEndian.Write(ref Unsafe.Add(ref start, at), (float)value);
        }
        return at + numberLength;
    }

    /// <summary>The whole event, field by field, with <paramref name="metadataField"/> after the value (or none).</summary>
    private static int EncodeFields(byte[] tagField, ReadOnlySpan<byte> metadataField, double value, long step, double wallTime, ScalarEncoding encoding, Span<byte> destination)
    {
        int valuePartLength = encoding switch
        {
            ScalarEncoding.SimpleValue => 5,
            ScalarEncoding.Float64Tensor => 14,
            _ => 10,
        };
        int valueLength = tagField.Length + valuePartLength + metadataField.Length;
        int summaryLength = 1 + VarintLength((ulong)valueLength) + valueLength;

        int at = 0;
        // proto3 leaves out fields that hold their default value; so must we, to match byte for byte.
        if (wallTime != 0d)
        {
            destination[at++] = 0x09;
            BinaryPrimitives.WriteDoubleLittleEndian(destination[at..], wallTime);
            at += 8;
        }
        if (step != 0)
        {
            destination[at++] = 0x10;
            at += WriteVarint(destination[at..], (ulong)step);
        }
        destination[at++] = 0x2A;
        at += WriteVarint(destination[at..], (ulong)summaryLength);
        destination[at++] = 0x0A;
        at += WriteVarint(destination[at..], (ulong)valueLength);
        new ReadOnlySpan<byte>(tagField).CopyTo(destination[at..]); // not the array overload: see Encode
        at += tagField.Length;
        switch (encoding)
        {
            case ScalarEncoding.SimpleValue:
                destination[at++] = 0x15;
                BinaryPrimitives.WriteSingleLittleEndian(destination[at..], (float)value);
                at += 4;
                break;
            case ScalarEncoding.Float64Tensor:
                // tensor (8) = { dtype (1) = DT_DOUBLE, double_val (6) = packed [value] }; no shape means rank 0
                destination[at++] = 0x42;
                destination[at++] = 0x0C;
                destination[at++] = 0x08;
                destination[at++] = 0x02;
                destination[at++] = 0x32;
                destination[at++] = 0x08;
                BinaryPrimitives.WriteDoubleLittleEndian(destination[at..], value);
                at += 8;
                break;
            default:
                // tensor (8) = { dtype (1) = DT_FLOAT, float_val (5) = packed [value] }; no shape means rank 0
                destination[at++] = 0x42;
                destination[at++] = 0x08;
                destination[at++] = 0x08;
                destination[at++] = 0x01;
                destination[at++] = 0x2A;
                destination[at++] = 0x04;
                BinaryPrimitives.WriteSingleLittleEndian(destination[at..], (float)value);
                at += 4;
                break;
        }
        metadataField.CopyTo(destination[at..]);
        return at + metadataField.Length;
    }

    [MethodImpl(HotPath.Options)]
    private TagBytes Lookup(string tag)
    {
        int slot = RuntimeHelpers.GetHashCode(tag) & (CacheSlots - 1);
        if (ReferenceEquals(_cachedTags[slot], tag))
        {
            return _cachedBytes[slot]!;
        }
        if (!_tags.TryGetValue(tag, out TagBytes? bytes))
        {
            bytes = new TagBytes(tag);
            _tags.Add(tag, bytes);
        }
        _cachedTags[slot] = tag;
        _cachedBytes[slot] = bytes;
        return bytes;
    }

    /// <summary>A tag's encoded field, whether its metadata was written, and the bytes its later values repeat.</summary>
    private sealed class TagBytes
    {
        public TagBytes(string tag)
        {
            int byteCount = Encoding.UTF8.GetByteCount(tag);
            TagField = new byte[1 + VarintLength((ulong)byteCount) + byteCount];
            TagField[0] = 0x0A;
            int at = 1 + WriteVarint(TagField.AsSpan(1), (ulong)byteCount);
            Encoding.UTF8.GetBytes(tag, TagField.AsSpan(at));
        }

        /// <summary>Field 1 of Summary.Value: key, length, UTF-8 bytes.</summary>
        public byte[] TagField { get; }

        /// <summary>True once the tag's first value (the one with the metadata) was encoded.</summary>
        public bool Written { get; set; }

        /// <summary>
        /// For values without metadata: Event.summary's key and length, Summary.value's key and length, the tag field
        /// and the value field's bytes before the number itself. Null until first needed.
        /// </summary>
        public byte[]? Prefix { get; private set; }

        /// <summary>The encoding <see cref="Prefix"/> was built for.</summary>
        public ScalarEncoding PrefixEncoding { get; private set; }

        /// <summary>Builds <see cref="Prefix"/> for <paramref name="encoding"/> from the general encoder's bytes (so the two cannot differ).</summary>
        public byte[] BuildPrefix(ScalarEncoding encoding)
        {
            byte[] whole = new byte[TagField.Length + 32];
            int length = EncodeFields(TagField, default, 0, 0, 0, encoding, whole);
            int numberLength = encoding == ScalarEncoding.Float64Tensor ? 8 : 4;
            Prefix = whole[..(length - numberLength)];
            PrefixEncoding = encoding;
            return Prefix;
        }
    }

    // A short tag's prefix is 16-32 bytes: two overlapping 16-byte moves in place of a call to the framework's memmove.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPrefix(ref byte destination, byte[] prefix)
    {
        int length = prefix.Length;
        ref byte source = ref prefix[0];
        if (length is >= 16 and <= 32)
        {
            Unsafe.WriteUnaligned(ref destination, Unsafe.ReadUnaligned<System.Runtime.Intrinsics.Vector128<byte>>(ref source));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, length - 16), Unsafe.ReadUnaligned<System.Runtime.Intrinsics.Vector128<byte>>(ref Unsafe.Add(ref source, length - 16)));
        }
        else
        {
            Unsafe.CopyBlockUnaligned(ref destination, ref source, (uint)length);
        }
    }

    // Inlined into Encode: a separate method with a loop is not inlined by default, so each scalar called it, at
    // tier 0 until tiering promoted it (a short run, issue 19).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int VarintLength(ulong value) =>
        // Bytes of 7 bits for the highest set bit (a zero takes one byte), without a loop: ceil(bits / 7) as (bits * 9 + 64) / 64.
        (System.Numerics.BitOperations.Log2(value | 1) * 9 + 73) >> 6;

    /// <summary>Writes <paramref name="value"/> as a varint at <paramref name="destination"/>, whose room (up to 10 bytes) the caller checked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int WriteVarint(ref byte destination, ulong value)
    {
        int at = 0;
        while (value >= 0x80)
        {
            Unsafe.Add(ref destination, at++) = (byte)(value | 0x80);
            value >>= 7;
        }
        Unsafe.Add(ref destination, at++) = (byte)value;
        return at;
    }

    /// <summary>Writes <paramref name="value"/> as a varint at the start of <paramref name="destination"/>; a destination too short throws before anything is written.</summary>
    internal static int WriteVarint(Span<byte> destination, ulong value)
    {
        // The indexer checks the last byte the varint needs, so the unchecked writer below stays inside the span.
        _ = destination[VarintLength(value) - 1];
        return WriteVarint(ref destination[0], value);
    }
}
