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
    private double _lastDouble = double.NaN;
    private readonly byte[] _lastDoubleText = new byte[32];
    private int _lastDoubleLength;

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
    public void Double(double value, bool json)
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
        // Consecutive rows often share a value (every tag of a step has the same wall time): format it once.
        if (value.Equals(_lastDouble))
        {
            _lastDoubleText.AsSpan(0, _lastDoubleLength).CopyTo(_buffer.AsSpan(_used));
            _used += _lastDoubleLength;
            return;
        }
        // The same characters as value.TryFormat(InvariantCulture), at about half its cost (the export's largest).
        int written = RoundTripText.Format(value, _buffer.AsSpan(_used));
        _buffer.AsSpan(_used, written).CopyTo(_lastDoubleText);
        _lastDouble = value;
        _lastDoubleLength = written;
        _used += written;
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
