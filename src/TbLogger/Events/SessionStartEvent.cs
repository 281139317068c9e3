using System.Buffers.Binary;

namespace TbLogger.Events;

/// <summary>
/// <c>Event{wall_time, step, session_log = {status = START}}</c>, the purge event a writer with a purge step puts right
/// after the header, encoded by hand: byte for byte what Google.Protobuf writes (a test holds it to that), without
/// loading Google.Protobuf while the writer is built (issue 19).
/// </summary>
internal static class SessionStartEvent
{
    /// <summary>The event's bytes, without framing.</summary>
    /// <param name="wallTime">Seconds since the Unix epoch.</param>
    /// <param name="step">The step (negative steps are ten-byte varints, as protobuf writes an int64).</param>
    /// <returns>A new array.</returns>
    public static byte[] Encode(double wallTime, long step)
    {
        Span<byte> buffer = stackalloc byte[9 + 11 + 4];
        int at = 0;
        // proto3 leaves out fields that hold their default value, as Google.Protobuf does.
        if (wallTime != 0d)
        {
            buffer[at++] = 0x09;
            BinaryPrimitives.WriteDoubleLittleEndian(buffer[at..], wallTime);
            at += 8;
        }
        if (step != 0)
        {
            buffer[at++] = 0x10;
            at += ScalarEventEncoder.WriteVarint(buffer[at..], (ulong)step);
        }
        // session_log (7) = { status (1) = START (1) }
        buffer[at++] = 0x3A;
        buffer[at++] = 0x02;
        buffer[at++] = 0x08;
        buffer[at++] = 0x01;
        return buffer[..at].ToArray();
    }
}
