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
        int valueSize = value.CalculateSize();
        // Summary { value (field 1, length-delimited) }, inside Event's summary (field 5, length-delimited).
        int summarySize = 1 + CodedOutputStream.ComputeLengthSize(valueSize) + valueSize;
        int size = (wallTime != 0D ? 1 + 8 : 0) + (step != 0L ? 1 + CodedOutputStream.ComputeInt64Size(step) : 0)
            + 1 + CodedOutputStream.ComputeLengthSize(summarySize) + summarySize;
        byte[] bytes = new byte[size];
        var output = new CodedOutputStream(bytes);
        // The generated code's tests: a double compared with 0 (so -0.0 is left out too), an int64 with 0L.
        if (wallTime != 0D)
        {
            output.WriteRawTag(9);
            output.WriteDouble(wallTime);
        }
        if (step != 0L)
        {
            output.WriteRawTag(16);
            output.WriteInt64(step);
        }
        output.WriteRawTag(42);
        output.WriteLength(summarySize);
        output.WriteRawTag(10);
        output.WriteLength(valueSize);
        value.WriteTo(output);
        output.CheckNoSpaceLeft();
        return bytes;
    }
}
