namespace TbLogger.Replay;

/// <summary>
/// Reservoir sampling as TensorBoard's reservoir does it: the first N items are kept; then item number i (0-based)
/// replaces a uniformly chosen slot with probability N / (i + 1), the survivors keeping their order; and the newest
/// item always replaces the last slot otherwise, so the latest value is always shown.
/// </summary>
internal sealed class Reservoir<T>
{
    private readonly int _capacity;
    private readonly Random _random;
    private readonly List<T> _items = [];
    private long _seen;

    public Reservoir(int capacity, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _random = new Random(seed);
    }

    public IReadOnlyList<T> Items => _items;

    public void Add(T item)
    {
        if (_items.Count < _capacity)
        {
            _items.Add(item);
        }
        else
        {
            long slot = _random.NextInt64(_seen + 1);
            if (slot < _capacity)
            {
                _items.RemoveAt((int)slot);
                _items.Add(item);
            }
            else
            {
                _items[^1] = item;
            }
        }
        _seen++;
    }
}
