using System.Globalization;
using System.Text;

namespace TbLogger.Replay;

/// <summary>
/// Writes CSV or JSON text as UTF-8 straight into a reused buffer: numbers are formatted in place and the escaped
/// bytes of each run and tag are made once, so a row costs no allocation.
/// </summary>
internal sealed class Utf8RowWriter : IDisposable
{
    private Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly Dictionary<string, byte[]> _csv = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, byte[]> _json = new(ReferenceEqualityComparer.Instance);
    private int _used;
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
        if (!double.IsFinite(value))
        {
            string text = double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
            if (json)
            {
                Byte((byte)'"');
            }
            Raw(Encoding.ASCII.GetBytes(text));
            if (json)
            {
                Byte((byte)'"');
            }
            return;
        }
        Ensure(RoundTripText.MaxDoubleLength);
        // The same bits (not double equality, for which 0 and -0 are equal): the same text.
        long bits = BitConverter.DoubleToInt64Bits(value);
        if (bits == last.Bits && last.Length > 0)
        {
            last.Text.AsSpan(0, last.Length).CopyTo(_buffer.AsSpan(_used));
            _used += last.Length;
            return;
        }
        // The same characters as value.TryFormat(InvariantCulture), at about half its cost (the export's largest).
        int written = RoundTripText.Format(value, _buffer.AsSpan(_used));
        last.Text ??= new byte[RoundTripText.MaxDoubleLength];
        _buffer.AsSpan(_used, written).CopyTo(last.Text);
        last.Bits = bits;
        last.Length = written;
        _used += written;
    }

    /// <summary>The text of the last number written in one column.</summary>
    private struct LastNumber
    {
        public long Bits;
        public byte[]? Text;
        public int Length;
    }

    /// <summary>A CSV field, quoted when it holds a comma, quote or line break.</summary>
    public void CsvField(string text) => Raw(Cached(_csv, text, EscapeCsv));

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
