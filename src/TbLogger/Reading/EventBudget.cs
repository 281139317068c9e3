namespace TbLogger.Reading;

/// <summary>
/// The memory bound of decoding one event record. A parsed <see cref="Protos.Summary.Types.Value"/> costs about 100
/// bytes of objects however few bytes encode it (an empty value is 2 bytes on the wire), so a record of many tiny
/// values would cost some 50 times its size to parse: one 16 MiB record of 8M empty values, 0.6–3 GB. A summary
/// may therefore hold at most one value per <see cref="MinBytesPerValue"/> bytes of its record (and always up to
/// <see cref="AlwaysAllowedValues"/>): real values need more (a one-letter tag and a simple_value encode in 10), and
/// a parsed record of such values costs at most about 16 times its size. Inside a value too, every element the
/// parser would allocate (a shape dimension, a string of a string tensor, a field it does not know) is charged by
/// <see cref="EventCost"/>, and a record may cost at most <see cref="MaxCostPerByte"/> times its size; a shape of more
/// than <see cref="MaxShapeDimensions"/> dimensions is over budget whatever it costs. A record over the budget is
/// corrupt (<see cref="Records.TfRecordCorruption.InvalidPayload"/>): skipped or thrown like any other, before any
/// object is built. Checking is a scan of the record's field headers (packed numbers and bytes are skipped by their
/// length), and free for records of at most 2 KiB: however they are made, parsing one takes a few MB at most, and
/// only while it is parsed.
/// </summary>
internal static class EventBudget
{
    /// <summary>Smallest average encoded size of a summary value accepted.</summary>
    public const int MinBytesPerValue = 8;

    /// <summary>Values any summary may hold, however small its record.</summary>
    public const int AlwaysAllowedValues = 1024;

    /// <summary>Records this long or shorter are not checked (every value takes at least two bytes).</summary>
    public const int AlwaysWithinBudget = 2 * AlwaysAllowedValues;

    /// <summary>
    /// The most bytes of objects a record may cost to parse, per byte of the record (<see cref="EventCost"/>). The
    /// densest real records come close: a summary of int64 scalar tensors with one-letter tags (each tensor is about
    /// 600 bytes of objects) about 65 times, float ones about 55, a string tensor of one-letter cells about 30.
    /// Hostile layouts that cost more (empty tensors, unknown fields, groups) are refused; the quadratic ones (a oneof
    /// given again and again) and a shape of too many dimensions are refused whatever they cost.
    /// </summary>
    public const int MaxCostPerByte = 96;

    /// <summary>The most dimensions a tensor shape may have: TensorFlow's own limit (TensorShape::MaxDimensions).</summary>
    public const int MaxShapeDimensions = 254;

    /// <summary>Why <paramref name="record"/> is over the budget, or null when it is within it.</summary>
    public static string? Problem(ReadOnlySpan<byte> record)
    {
        // The common case first, without a division: a record this small cannot hold more than the always-allowed values.
        if (record.Length <= AlwaysWithinBudget)
        {
            return null;
        }
        long allowed = Math.Max(AlwaysAllowedValues, record.Length / MinBytesPerValue);
        // Every value takes at least two bytes (tag and length): a small record cannot exceed the count of values.
        // Counted over every summary field of the event, not the one its header names: the parser merges them all.
        if (record.Length / 2 > allowed && CountsMoreValues(record, allowed))
        {
            return $"a summary of more than {allowed} values in {record.Length} bytes (at most one value per {MinBytesPerValue} bytes is decoded)";
        }
        long limit = (long)MaxCostPerByte * record.Length;
        if (EventCost.Of(record, limit, out string? problem) < 0)
        {
            return problem ?? $"a record of {record.Length} bytes whose objects would cost more than {MaxCostPerByte} times its size (its elements are too many and too small: unknown fields, strings or shape dimensions)";
        }
        return null;
    }

    /// <summary>True when the summaries of <paramref name="record"/> (every field 5 at its top level) hold more than <paramref name="allowed"/> values.</summary>
    private static bool CountsMoreValues(ReadOnlySpan<byte> record, long allowed)
    {
        long count = 0;
        int pos = 0;
        while (pos < record.Length)
        {
            if (!ProtoWire.TryReadTag(record, ref pos, out int field, out int wire))
            {
                return false;
            }
            if (field != (int)EventKind.Summary || wire != ProtoWire.LengthDelimited)
            {
                if (!ProtoWire.TrySkip(record, ref pos, wire))
                {
                    return false;
                }
                continue;
            }
            if (!ProtoWire.TryReadLengthDelimited(record, ref pos, out int start, out int length))
            {
                return false;
            }
            ReadOnlySpan<byte> summary = record.Slice(start, length);
            int at = 0;
            while (EventWire.TryNextValue(summary, ref at, out _, out _))
            {
                if (++count > allowed)
                {
                    return true;
                }
            }
        }
        return false;
    }
}
