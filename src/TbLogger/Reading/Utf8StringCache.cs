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

    private readonly Dictionary<ulong, (byte[] Bytes, string Text)> _entries = [];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        ulong hash = XxHash3.HashToUInt64(utf8);
        if (_entries.TryGetValue(hash, out var entry))
        {
            return utf8.SequenceEqual(entry.Bytes) ? entry.Text : Encoding.UTF8.GetString(utf8);
        }
        string text = Encoding.UTF8.GetString(utf8);
        if (_entries.Count < MaxEntries)
        {
            _entries[hash] = (utf8.ToArray(), text);
        }
        return text;
    }
}
