using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using TbLogger.Protos;

namespace TbLogger.Events;

/// <summary>
/// The bytes of <c>new Event { Step, WallTime, Summary = new Summary { Value = { value } } }</c>, written without
/// building that event and its summary: what the replay writes per value (issue 19: the objects around each replayed
/// value were a sixth of what a replay allocated, and the collector is what a replay waits for).
/// </summary>
internal static class SingleValueEvent
{
    /// <summary>Encodes the event as the generated code encodes it: fields in number order, a zero step or wall time left out.</summary>
    /// <param name="step">The event's step.</param>
    /// <param name="wallTime">The event's wall time.</param>
    /// <param name="value">Its only summary value, encoded as it is.</param>
    /// <returns>The serialised Event.</returns>
    public static byte[] Encode(long step, double wallTime, Summary.Types.Value value)
    {
        ArgumentNullException.ThrowIfNull(value);
        byte[] bytes = Envelope(step, wallTime, value.CalculateSize(), out int at);
        // Throws unless the value fills the rest exactly.
        value.WriteTo(bytes.AsSpan(at));
        return bytes;
    }

    /// <summary>
    /// Encodes the event of a value given as its tag and the bytes of its one other field, as the generated code
    /// encodes that value: the tag (field 1, left out when empty) comes first, and <paramref name="valueField"/> is
    /// copied as it is. For a value read in one of the scalar layouts (<see cref="EventShape.MatchScalar"/>), whose
    /// field after the tag is exactly what the generated code writes for it, without building the value.
    /// </summary>
    /// <param name="step">The event's step.</param>
    /// <param name="wallTime">The event's wall time.</param>
    /// <param name="tag">The value's tag.</param>
    /// <param name="valueField">The value's field after its tag (a simple_value or a tensor), with its key.</param>
    /// <returns>The serialised Event.</returns>
    public static byte[] Encode(long step, double wallTime, string tag, ReadOnlySpan<byte> valueField)
    {
        ArgumentNullException.ThrowIfNull(tag);
        // The generated code's UTF-8 is Encoding.UTF8's (Google.Protobuf's).
        int tagBytes = Encoding.UTF8.GetByteCount(tag);
        int valueSize = (tagBytes != 0 ? 1 + CodedOutputStream.ComputeLengthSize(tagBytes) + tagBytes : 0) + valueField.Length;
        byte[] bytes = Envelope(step, wallTime, valueSize, out int at);
        Span<byte> d = bytes;
        if (tagBytes != 0)
        {
            d[at++] = 10;
            at += ScalarEventEncoder.WriteVarint(d[at..], (ulong)tagBytes);
            at += Encoding.UTF8.GetBytes(tag, d[at..]);
        }
        valueField.CopyTo(d[at..]);
        if (at + valueField.Length != bytes.Length)
        {
            throw new InvalidOperationException($"Encoded {at + valueField.Length} bytes of an event sized {bytes.Length}.");
        }
        return bytes;
    }

    /// <summary>
    /// The array of the whole event for a value of <paramref name="valueSize"/> bytes, its fields up to the value's
    /// first byte written (at <paramref name="at"/> on return). Written by hand, not through a CodedOutputStream: the
    /// stream object was most of what was left to allocate per replayed scalar besides the record.
    /// </summary>
    private static byte[] Envelope(long step, double wallTime, int valueSize, out int at)
    {
        // Summary { value (field 1, length-delimited) }, inside Event's summary (field 5, length-delimited).
        int summarySize = 1 + CodedOutputStream.ComputeLengthSize(valueSize) + valueSize;
        int size = (wallTime != 0D ? 1 + 8 : 0) + (step != 0L ? 1 + CodedOutputStream.ComputeInt64Size(step) : 0)
            + 1 + CodedOutputStream.ComputeLengthSize(summarySize) + summarySize;
        byte[] bytes = new byte[size];
        Span<byte> d = bytes;
        at = 0;
        // The generated code's tests: a double compared with 0 (so -0.0 is left out too), an int64 with 0L.
        if (wallTime != 0D)
        {
            d[at++] = 9;
            BinaryPrimitives.WriteDoubleLittleEndian(d[at..], wallTime);
            at += 8;
        }
        if (step != 0L)
        {
            d[at++] = 16;
            at += ScalarEventEncoder.WriteVarint(d[at..], (ulong)step);
        }
        d[at++] = 42;
        at += ScalarEventEncoder.WriteVarint(d[at..], (ulong)summarySize);
        d[at++] = 10;
        at += ScalarEventEncoder.WriteVarint(d[at..], (ulong)valueSize);
        return bytes;
    }
}
