using System.IO.Hashing;
using System.Text;

namespace TbLogger.Reading;

/// <summary>
/// Turns UTF-8 bytes into strings, returning the same string instance for the same bytes without allocating, so
/// a million events with ten tags cost ten strings. Bounded: past a limit (or on a 64-bit hash collision) it
/// simply allocates.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int MaxEntries = 65_536;

    private readonly Dictionary<ulong, Entry> _entries = [];

    // Tags come back in a fixed cycle (a training loop logs the same tags every step): remembering which string
    // followed which turns most lookups into one comparison of bytes, without hashing (as TagTable does).
    private Entry? _last;

    public string Get(ReadOnlySpan<byte> utf8)
    {
        Entry? last = _last;
        if (last is { Next: { } next } && utf8.SequenceEqual(next.Bytes))
        {
            _last = next;
            return next.Text;
        }
        if (last is not null && utf8.SequenceEqual(last.Bytes))
        {
            return last.Text;
        }
        ulong hash = XxHash3.HashToUInt64(utf8);
        if (_entries.TryGetValue(hash, out Entry? entry))
        {
            if (!utf8.SequenceEqual(entry.Bytes))
            {
                return Encoding.UTF8.GetString(utf8);
            }
        }
        else
        {
            string text = Encoding.UTF8.GetString(utf8);
            if (_entries.Count >= MaxEntries)
            {
                return text;
            }
            _entries[hash] = entry = new Entry(utf8.ToArray(), text);
        }
        // Only kept entries are linked and remembered, so the links hold nothing the table does not.
        if (last is not null)
        {
            last.Next = entry;
        }
        _last = entry;
        return entry.Text;
    }

    /// <summary>A string, its UTF-8 bytes, and the entry asked for after it last time.</summary>
    private sealed class Entry(byte[] bytes, string text)
    {
        public byte[] Bytes { get; } = bytes;

        public string Text { get; } = text;

        public Entry? Next;
    }
}
