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

    private Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly Dictionary<string, byte[]> _csv = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, byte[]> _json = new(ReferenceEqualityComparer.Instance);
    private readonly RowKeys _csvKeys;
    private readonly RowKeys _jsonKeys;
    private int _used;
    private RecentNumbers? _recentNumbers;
    private LastNumber _lastValue;
    private LastNumber _lastWallTime;

    public Utf8RowWriter(Stream stream)
    {
        _stream = stream;
        _csvKeys = new RowKeys((run, tag) => [.. Cached(_csv, run, EscapeCsv), (byte)',', .. Cached(_csv, tag, EscapeCsv), (byte)',']);
        _jsonKeys = new RowKeys((run, tag) => [.. "{\"run\":"u8, .. Cached(_json, run, EscapeJson), .. ",\"tag\":"u8, .. Cached(_json, tag, EscapeJson), .. ",\"step\":"u8]);
    }

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
    /// The shortest round-trip text of a finite <paramref name="value"/> (<see cref="RoundTripText"/>), looked up first
    /// among the texts of numbers written before (<see cref="RecentNumbers"/>).
    /// </summary>
    public void FiniteNumber(double value)
    {
        Ensure(MaxNumberLength);
        _used += (_recentNumbers ??= new RecentNumbers()).Format(value, _buffer.AsSpan(_used));
    }

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
    /// One CSV scalar row, "run,tag,step,wall_time,value" and a line break (<paramref name="extra"/>: an export with
    /// other kinds, whose rows end with the kind and data columns, ",scalar,"), into the buffer in one go: one room check and
    /// one copy of the row's names instead of a call and a check per field (issue 19: the export's limit is its
    /// formatting).
    /// </summary>
    public void CsvScalarRow(string run, string tag, long step, double wallTime, double value, bool extra) =>
        ScalarRow(_csvKeys.Get(run, tag), step, ","u8, wallTime, ","u8, value, extra ? ",scalar,\n"u8 : "\n"u8, json: false);

    /// <summary>One JSON Lines scalar row, {"run":…,"tag":…,"step":…,"wall_time":…,"value":…}, as <see cref="CsvScalarRow"/> writes a CSV one.</summary>
    public void JsonScalarRow(string run, string tag, long step, double wallTime, double value) =>
        ScalarRow(_jsonKeys.Get(run, tag), step, ",\"wall_time\":"u8, wallTime, ",\"value\":"u8, value, "}\n"u8, json: true);

    private void ScalarRow(byte[] key, long step, ReadOnlySpan<byte> afterStep, double wallTime, ReadOnlySpan<byte> afterWallTime, double value,
        ReadOnlySpan<byte> end, bool json)
    {
        // The key, the step (at most 20 characters), two numbers and the separators.
        int most = key.Length + 20 + afterStep.Length + MaxNumberLength + afterWallTime.Length + MaxNumberLength + end.Length;
        if (most > _buffer.Length)
        {
            // Names longer than the buffer: the general path writes them through.
            Raw(key);
            Long(step);
            Raw(afterStep);
            WallTime(wallTime, json);
            Raw(afterWallTime);
            Double(value, json);
            Raw(end);
            return;
        }
        Ensure(most);
        Span<byte> row = _buffer.AsSpan(_used);
        key.CopyTo(row);
        int pos = key.Length;
        step.TryFormat(row[pos..], out int written, default, CultureInfo.InvariantCulture);
        pos += written;
        afterStep.CopyTo(row[pos..]);
        pos += afterStep.Length;
        pos += FormatNumber(wallTime, json, ref _lastWallTime, row[pos..]);
        afterWallTime.CopyTo(row[pos..]);
        pos += afterWallTime.Length;
        pos += FormatNumber(value, json, ref _lastValue, row[pos..]);
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
    public void CsvRunAndTag(string run, string tag) => Raw(_csvKeys.Get(run, tag));

    /// <summary>A JSON row's opening up to its step: {"run":…,"tag":…,"step":</summary>
    public void JsonRunAndTag(string run, string tag) => Raw(_jsonKeys.Get(run, tag));

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

    /// <summary>
    /// The text of the numbers formatted last, 1,024 of them in slots chosen by their bits: a histogram row's bucket
    /// edges are each written twice (a bucket's right edge is the next one's left) and recur row after row (the
    /// default buckets are one fixed sequence), and a copy of the text costs a fraction of formatting it again.
    /// </summary>
    private sealed class RecentNumbers
    {
        private const int SlotBits = 10;

        private readonly ulong[] _bits = new ulong[1 << SlotBits];
        private readonly byte[] _lengths = new byte[1 << SlotBits];
        private readonly byte[] _texts = new byte[(1 << SlotBits) * MaxNumberLength];

        /// <summary>Writes the text of the finite <paramref name="value"/> into <paramref name="destination"/>; returns its length.</summary>
        public int Format(double value, Span<byte> destination)
        {
            ulong bits = BitConverter.DoubleToUInt64Bits(value);
            int slot = (int)((bits * 0x9E3779B97F4A7C15UL) >> (64 - SlotBits));
            Span<byte> text = _texts.AsSpan(slot * MaxNumberLength, MaxNumberLength);
            int length = _lengths[slot];
            if (length != 0 && _bits[slot] == bits)
            {
                text[..length].CopyTo(destination);
                return length;
            }
            length = RoundTripText.Format(value, destination);
            destination[..length].CopyTo(text);
            _bits[slot] = bits;
            _lengths[slot] = (byte)length;
            return length;
        }
    }
}
