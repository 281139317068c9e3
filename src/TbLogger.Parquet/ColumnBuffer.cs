namespace TbLogger.Parquet;

/// <summary>
/// A column's values for one row group: a growable array whose filled part is handed to Parquet.Net as memory, and
/// which keeps its array when cleared, so a reused batch allocates nothing once it has seen its largest row group
/// (a <see cref="List{T}"/> offers no memory over its items, only a copy).
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
internal sealed class ColumnBuffer<T>(int capacity)
{
    private T[] _items = new T[Math.Max(capacity, 4)];

    /// <summary>Values held.</summary>
    public int Count { get; private set; }

    /// <summary>The values held, in order.</summary>
    public ReadOnlyMemory<T> Memory => _items.AsMemory(0, Count);

    /// <summary>The values held, in order.</summary>
    public ReadOnlySpan<T> Span => _items.AsSpan(0, Count);

    public void Add(T value)
    {
        if (Count == _items.Length)
        {
            Grow(Count + 1);
        }
        _items[Count++] = value;
    }

    public void AddRange(IReadOnlyList<T> values)
    {
        if (Count + values.Count > _items.Length)
        {
            Grow(Count + values.Count);
        }
        for (int i = 0; i < values.Count; i++)
        {
            _items[Count + i] = values[i];
        }
        Count += values.Count;
    }

    /// <summary>Forgets the values, keeping the array.</summary>
    public void Clear() => Count = 0;

    private void Grow(int needed) => Array.Resize(ref _items, Math.Max(needed, _items.Length * 2));
}
