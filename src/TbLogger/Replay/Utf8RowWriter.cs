using System.Globalization;
using System.Text;

namespace TbLogger.Replay;

/// <summary>
/// Writes CSV or JSON text as UTF-8 straight into a reused buffer: numbers are formatted in place and the escaped
/// bytes of each run and tag are made once, so a row costs no allocation.
/// </summary>
internal sealed class Utf8RowWriter : IDisposable
{
    /// <summary>Room a number takes at most: a round-trip double, or "-Infinity" in quotes.</summary>
    private const int MaxNumberLength = RoundTripText.MaxDoubleLength;

    /// <summary>Distinct run and tag pairs whose key bytes are kept (more are made per row, as names are when there are too many).</summary>
    private const int MaxCachedKeys = 100_000;

    private Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly Dictionary<string, byte[]> _csv = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, byte[]> _json = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, CsvKeyEntry> _keys = new(ReferenceEqualityComparer.Instance);
    private int _used;
    private CsvKeyEntry? _lastKey;
    private LastNumber _lastValue;
    private LastNumber _lastWallTime;

    public Utf8RowWriter(Stream stream) => _stream = stream;

    /// <summary>Flushes, then writes to <paramref name="stream"/> from now on (keeping the caches of escaped names).</summary>
    public void Retarget(Stream stream)
    {
        Flush();
        _stream = stream;
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            Flush();
            if (bytes.Length > _buffer.Length)
            {
                _stream.Write(bytes);
                return;
            }
        }
        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
    }

    public void Byte(byte b)
    {
        if (_used == _buffer.Length)
        {
            Flush();
        }
        _buffer[_used++] = b;
    }

    public void Long(long value)
    {
        Ensure(24);
        value.TryFormat(_buffer.AsSpan(_used), out int written, default, CultureInfo.InvariantCulture);
        _used += written;
    }

    /// <summary>Shortest round-trip text; NaN and infinities as "NaN", "Infinity", "-Infinity" (quoted when <paramref name="json"/>).</summary>
    public void Double(double value, bool json) => Number(value, json, ref _lastValue);

    /// <summary>
    /// Like <see cref="Double"/>, remembering the last wall time apart from the last value: every tag of a step
    /// shares its wall time, so a row's wall time is almost always the previous row's, while its value is not.
    /// </summary>
    public void WallTime(double value, bool json) => Number(value, json, ref _lastWallTime);

    private void Number(double value, bool json, ref LastNumber last)
    {
        Ensure(MaxNumberLength);
        _used += FormatNumber(value, json, ref last, _buffer.AsSpan(_used));
    }

    /// <summary>
    /// One CSV scalar row, "run,tag,step,wall_time,value" and a line break (<paramref name="extra"/>: the two empty
    /// columns of an export with other kinds, ",scalar," before it), into the buffer in one go: one room check and
    /// one copy of the row's names instead of a call and a check per field (issue 19: the export's limit is its
    /// formatting).
    /// </summary>
    public void CsvScalarRow(string run, string tag, long step, double wallTime, double value, bool extra)
    {
        byte[] key = CsvKey(run, tag);
        // The key, the step (at most 20 characters), two numbers, the commas and the longest line ending.
        int most = key.Length + 20 + (2 * MaxNumberLength) + 2 + 9;
        if (most > _buffer.Length)
        {
            // Names longer than the buffer: the general path writes them through.
            Raw(key);
            Long(step);
            Byte((byte)',');
            WallTime(wallTime, json: false);
            Byte((byte)',');
            Double(value, json: false);
            Raw(extra ? ",scalar,\n"u8 : "\n"u8);
            return;
        }
        Ensure(most);
        Span<byte> row = _buffer.AsSpan(_used);
        key.CopyTo(row);
        int pos = key.Length;
        step.TryFormat(row[pos..], out int written, default, CultureInfo.InvariantCulture);
        pos += written;
        row[pos++] = (byte)',';
        pos += FormatNumber(wallTime, json: false, ref _lastWallTime, row[pos..]);
        row[pos++] = (byte)',';
        pos += FormatNumber(value, json: false, ref _lastValue, row[pos..]);
        ReadOnlySpan<byte> end = extra ? ",scalar,\n"u8 : "\n"u8;
        end.CopyTo(row[pos..]);
        _used += pos + end.Length;
    }

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/> (at least <see cref="MaxNumberLength"/> bytes); returns its length.</summary>
    private static int FormatNumber(double value, bool json, ref LastNumber last, Span<byte> destination)
    {
        if (!double.IsFinite(value))
        {
            ReadOnlySpan<byte> text = double.IsNaN(value) ? (json ? "\"NaN\""u8 : "NaN"u8)
                : value > 0 ? (json ? "\"Infinity\""u8 : "Infinity"u8)
                : json ? "\"-Infinity\""u8 : "-Infinity"u8;
            text.CopyTo(destination);
            return text.Length;
        }
        // The same bits (not double equality, for which 0 and -0 are equal): the same text.
        long bits = BitConverter.DoubleToInt64Bits(value);
        if (bits == last.Bits && last.Length > 0)
        {
            last.Text.AsSpan(0, last.Length).CopyTo(destination);
            return last.Length;
        }
        // The same characters as value.TryFormat(InvariantCulture), at about half its cost (the export's largest).
        int written = RoundTripText.Format(value, destination);
        last.Text ??= new byte[RoundTripText.MaxDoubleLength];
        destination[..written].CopyTo(last.Text);
        last.Bits = bits;
        last.Length = written;
        return written;
    }

    /// <summary>The text of the last number written in one column.</summary>
    private struct LastNumber
    {
        public long Bits;
        public byte[]? Text;
        public int Length;
    }

    /// <summary>The run and tag fields of a CSV row and the commas after them (each quoted when it holds a comma, quote or line break).</summary>
    public void CsvRunAndTag(string run, string tag) => Raw(CsvKey(run, tag));

    /// <summary>A JSON string with its quotes.</summary>
    public void JsonString(string text) => Raw(Cached(_json, text, EscapeJson));

    public void Flush()
    {
        if (_used > 0)
        {
            _stream.Write(_buffer, 0, _used);
            _used = 0;
        }
    }

    public void Dispose() => Flush();

    private void Ensure(int bytes)
    {
        if (_buffer.Length - _used < bytes)
        {
            Flush();
        }
    }

    /// <summary>
    /// The bytes of "run,tag," (each escaped). Rows repeat the same tags in the same order (a training loop logs its
    /// tags every step), so each key remembers the one that followed it: most rows find theirs by two reference
    /// comparisons, without hashing.
    /// </summary>
    private byte[] CsvKey(string run, string tag)
    {
        CsvKeyEntry? last = _lastKey;
        CsvKeyEntry? key = last is { Next: { } next } && ReferenceEquals(next.Tag, tag) && ReferenceEquals(next.Run, run) ? next
            : last is not null && ReferenceEquals(last.Tag, tag) && ReferenceEquals(last.Run, run) ? last
            : LookUpKey(run, tag);
        // Only kept keys are linked: a chain through keys made per row would keep every one of them alive.
        if (last is { Kept: true } && key.Kept && !ReferenceEquals(last.Next, key))
        {
            last.Next = key;
        }
        _lastKey = key;
        return key.Bytes;
    }

    private CsvKeyEntry LookUpKey(string run, string tag)
    {
        // Keyed by the tag (string references, as the name caches); the run is checked, since runs share tags.
        for (CsvKeyEntry? entry = _keys.GetValueOrDefault(tag); entry is not null; entry = entry.SameTag)
        {
            if (ReferenceEquals(entry.Run, run))
            {
                return entry;
            }
        }
        byte[] runBytes = Cached(_csv, run, EscapeCsv);
        byte[] tagBytes = Cached(_csv, tag, EscapeCsv);
        byte[] bytes = new byte[runBytes.Length + tagBytes.Length + 2];
        runBytes.CopyTo(bytes, 0);
        bytes[runBytes.Length] = (byte)',';
        tagBytes.CopyTo(bytes, runBytes.Length + 1);
        bytes[^1] = (byte)',';
        var made = new CsvKeyEntry(run, tag, bytes);
        if (_keys.Count < MaxCachedKeys)
        {
            made.Kept = true;
            made.SameTag = _keys.GetValueOrDefault(tag);
            _keys[tag] = made;
        }
        return made;
    }

    /// <summary>A run and tag's "run,tag," bytes, the key that followed it last time, and the next key of the same tag (another run).</summary>
    private sealed class CsvKeyEntry(string run, string tag, byte[] bytes)
    {
        public string Run { get; } = run;

        public string Tag { get; } = tag;

        public byte[] Bytes { get; } = bytes;

        public CsvKeyEntry? Next;

        public CsvKeyEntry? SameTag;

        /// <summary>True when the writer keeps this key (see <see cref="MaxCachedKeys"/>).</summary>
        public bool Kept;
    }

    private static byte[] Cached(Dictionary<string, byte[]> cache, string text, Func<string, string> escape)
    {
        if (!cache.TryGetValue(text, out byte[]? bytes))
        {
            bytes = Encoding.UTF8.GetBytes(escape(text));
            if (cache.Count < 100_000)
            {
                cache[text] = bytes;
            }
        }
        return bytes;
    }

    internal static string EscapeCsv(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string EscapeJson(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
