using TbLogger.Reading;

namespace TbLogger.Events;

/// <summary>Walks the values of an <see cref="EventView"/>'s summary (use with <c>foreach</c>); allocates nothing.</summary>
public ref struct SummaryValueEnumerator
{
    private readonly ReadOnlySpan<byte> _summary;
    private readonly Utf8StringCache? _names;
    private int _pos;
    private SummaryValueView _current;

    internal SummaryValueEnumerator(ReadOnlySpan<byte> summary, Utf8StringCache? names)
    {
        _summary = summary;
        _names = names;
        _pos = 0;
        _current = default;
    }

    /// <summary>The value at the enumerator's position.</summary>
    public readonly SummaryValueView Current => _current;

    /// <summary>Returns the enumerator itself, so <c>foreach</c> can walk the values.</summary>
    /// <returns>This enumerator.</returns>
    public readonly SummaryValueEnumerator GetEnumerator() => this;

    /// <summary>Moves to the next value.</summary>
    /// <returns>False after the last value.</returns>
    public bool MoveNext()
    {
        // The view only ever wraps records the protobuf parser accepts, so every value here decodes.
        if (!EventWire.TryNextValue(_summary, ref _pos, out int start, out int length))
        {
            return false;
        }
        ReadOnlySpan<byte> value = _summary.Slice(start, length);
        // The layouts writers repeat (a tag, then a simple_value or a tensor, no metadata) without the general walk.
        int field = EventWire.TryReadCommonScalar(value, out int tagLength, out int payloadStart, out int payloadLength);
        if (field != 0)
        {
            _current = new SummaryValueView(value, EventWire.CommonInfo(value, field, tagLength, payloadStart, payloadLength), _names);
            return true;
        }
        if (!EventWire.TryReadValue(value, out ValueInfo info))
        {
            _pos = _summary.Length;
            return false;
        }
        _current = new SummaryValueView(value, info, _names);
        return true;
    }
}
