namespace TbLogger.Reading;

/// <summary>
/// The memory bound of decoding one event record. A parsed <see cref="Protos.Summary.Types.Value"/> costs about 100
/// bytes of objects however few bytes encode it (an empty value is 2 bytes on the wire), so a record of many tiny
/// values would cost some 50 times its size to parse: one 16 MiB record of 8M empty values, 0.6–3 GB. A summary
/// may therefore hold at most one value per <see cref="MinBytesPerValue"/> bytes of its record (and always up to
/// <see cref="AlwaysAllowedValues"/>): real values need more (a one-letter tag and a simple_value encode in 10), and
/// a parsed record then costs at most about 16 times its size. A record over the budget is corrupt
/// (<see cref="Records.TfRecordCorruption.InvalidPayload"/>): skipped or thrown like any other, before any object is
/// built. Checking is a scan of the value headers, and free for records under 2 KiB, which cannot exceed it.
/// </summary>
internal static class EventBudget
{
    /// <summary>Smallest average encoded size of a summary value accepted.</summary>
    public const int MinBytesPerValue = 8;

    /// <summary>Values any summary may hold, however small its record.</summary>
    public const int AlwaysAllowedValues = 1024;

    /// <summary>Records this long or shorter cannot exceed the budget (every value takes at least two bytes).</summary>
    public const int AlwaysWithinBudget = 2 * AlwaysAllowedValues;

    /// <summary>Why <paramref name="record"/> is over the budget, or null when it is within it.</summary>
    public static string? Problem(ReadOnlySpan<byte> record)
    {
        // The common case first, without a division: a record this small cannot hold more than the always-allowed values.
        if (record.Length <= AlwaysWithinBudget)
        {
            return null;
        }
        long allowed = Math.Max(AlwaysAllowedValues, record.Length / MinBytesPerValue);
        // Every value takes at least two bytes (tag and length): a small record cannot exceed the budget.
        if (record.Length / 2 <= allowed || !EventWire.TryReadHeader(record, out EventHeader header) || header.Kind != EventKind.Summary)
        {
            return null;
        }
        ReadOnlySpan<byte> summary = record.Slice(header.PayloadStart, header.PayloadLength);
        long count = 0;
        int pos = 0;
        while (EventWire.TryNextValue(summary, ref pos, out _, out _))
        {
            if (++count > allowed)
            {
                return $"a summary of more than {allowed} values in {record.Length} bytes (at most one value per {MinBytesPerValue} bytes is decoded)";
            }
        }
        return null;
    }
}
