using System.Globalization;
using System.Text;

namespace TbLogger.Training;

/// <summary>
/// Streams each epoch's logs to a CSV file in Keras's <c>CSVLogger</c> format: a header <c>epoch,&lt;keys sorted&gt;</c>
/// written once, then one row per epoch (epoch from 0), Python's float formatting, <c>NA</c> for a value missing from an
/// epoch, lines ended by <c>\r\n</c> (Python's csv "excel" dialect). The file is flushed after each row.
/// </summary>
/// <remarks>
/// The columns are fixed by the first epoch's logs. When validation runs only every few epochs, declare the values in
/// <see cref="TrainingContext.MetricNames"/>: as Keras does with <c>model.metrics_names</c>, its <c>val_</c> names missing
/// from the first epoch are added after the sorted keys, in their declared order.
/// </remarks>
public sealed class CsvLogger : Callback, IDisposable
{
    private readonly string _path;
    private readonly char _separator;
    private readonly bool _append;
    private StreamWriter? _writer;
    private List<string>? _keys;
    private bool _writeHeader = true;

    /// <summary>Creates the logger.</summary>
    /// <param name="path">The CSV file, e.g. <c>"runs/exp1/training.csv"</c>.</param>
    /// <param name="separator">The field separator (default comma).</param>
    /// <param name="append">Append to an existing file (continuing training) instead of overwriting it; no second header is written when the file has content.</param>
    public CsvLogger(string path, char separator = ',', bool append = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = path;
        _separator = separator;
        _append = append;
    }

    /// <summary>The CSV file.</summary>
    public string Path => _path;

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double>? logs = null)
    {
        _writer?.Dispose();
        _writeHeader = true;
        if (_append && File.Exists(_path))
        {
            using var r = new StreamReader(_path);
            _writeHeader = string.IsNullOrEmpty(r.ReadLine());
        }
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _writer = new StreamWriter(_path, _append, new UTF8Encoding(false)) { NewLine = "\r\n" };
        _keys = null;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double>? logs = null)
    {
        logs ??= Logs.Empty;
        if (_writer is null) OnTrainBegin();
        if (_keys is null)
        {
            _keys = [.. logs.Keys];
            _keys.Sort(StringComparer.Ordinal);
            // As Keras: the model's expected val_ names join the columns up front (after the sorted keys, in their
            // declared order), so epochs without validation get NA there instead of the columns being lost.
            if (Context.MetricNames is { } expected)
            {
                foreach (var name in expected)
                    if (name.StartsWith(Logs.ValidationPrefix, StringComparison.Ordinal) && !_keys.Contains(name)) _keys.Add(name);
            }
            if (_writeHeader)
            {
                _writer!.WriteLine(string.Join(_separator, new[] { "epoch" }.Concat(_keys).Select(Quote)));
                _writeHeader = false;
            }
        }
        var sb = new StringBuilder();
        sb.Append(epoch.ToString(CultureInfo.InvariantCulture));
        foreach (var k in _keys)
        {
            sb.Append(_separator);
            sb.Append(logs.TryGetValue(k, out var v) ? PythonFloat(v) : "NA");
        }
        _writer!.WriteLine(sb.ToString());
        _writer.Flush();
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double>? logs = null) => Dispose();

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }

    private string Quote(string field) =>
        field.Contains(_separator) || field.Contains('"') || field.Contains('\n') || field.Contains('\r')
            ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    /// <summary>Formats a double as Python's <c>repr(float)</c>: shortest round-trip digits, scientific below 1e-4 or from 1e16, <c>nan</c>/<c>inf</c>.</summary>
    internal static string PythonFloat(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsPositiveInfinity(v)) return "inf";
        if (double.IsNegativeInfinity(v)) return "-inf";
        if (v == 0) return double.IsNegative(v) ? "-0.0" : "0.0";
        string r = Math.Abs(v).ToString("R", CultureInfo.InvariantCulture);
        string digits;
        int exp;
        int ePos = r.IndexOf('E');
        if (ePos >= 0)
        {
            digits = r[..ePos].Replace(".", "");
            exp = int.Parse(r[(ePos + 1)..], CultureInfo.InvariantCulture);
        }
        else
        {
            int dot = r.IndexOf('.');
            string intPart = dot >= 0 ? r[..dot] : r, frac = dot >= 0 ? r[(dot + 1)..] : "";
            if (intPart != "0")
            {
                exp = intPart.Length - 1;
                digits = intPart + frac;
            }
            else
            {
                int zeros = frac.Length - frac.TrimStart('0').Length;
                exp = -(zeros + 1);
                digits = frac[zeros..];
            }
        }
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        string sign = v < 0 ? "-" : "";
        if (exp < -4 || exp >= 16)
        {
            string mant = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return $"{sign}{mant}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }
        if (exp < 0) return sign + "0." + new string('0', -exp - 1) + digits;
        if (digits.Length <= exp + 1) return sign + digits + new string('0', exp + 1 - digits.Length) + ".0";
        return sign + digits[..(exp + 1)] + "." + digits[(exp + 1)..];
    }
}
