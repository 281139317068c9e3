using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using TbLogger.Protos.Plugins.HParams;

namespace TbLogger.Reading;

/// <summary>
/// The experiment TensorBoard's hparams plugin builds when no run holds an experiment summary
/// (backend_context._compute_experiment_from_runs): every hyperparameter of every session with a type that fits all its
/// values and a domain of the values seen, and as metrics every scalar series of a session's run or of a run below it.
/// </summary>
internal static class HParamsInference
{
    /// <summary>Infers the experiment; null when no session has a value TensorBoard can type (it then serves none).</summary>
    /// <param name="sessions">Each session's run and start info, in run order.</param>
    /// <param name="scalarSeries">The (run, tag) of every scalar series TensorBoard lists.</param>
    public static HParamsExperiment? Infer(IReadOnlyList<(string Run, SessionStartInfo Start)> sessions, IEnumerable<(string Run, string Tag)> scalarSeries)
    {
        var valuesByName = new Dictionary<string, List<Value>>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var (_, start) in sessions)
        {
            foreach (var (name, value) in start.Hparams)
            {
                if (!valuesByName.TryGetValue(name, out var list))
                {
                    valuesByName[name] = list = [];
                    names.Add(name);
                }
                list.Add(value);
            }
        }
        var hparams = new List<HParamInfo>();
        foreach (string name in names)
        {
            if (Info(name, valuesByName[name]) is { } info)
            {
                hparams.Add(info);
            }
        }
        if (hparams.Count == 0)
        {
            return null;
        }
        hparams.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new HParamsExperiment("", hparams, Metrics(sessions.Select(s => s.Run).ToHashSet(StringComparer.Ordinal), scalarSeries)) { IsInferred = true };
    }

    private static HParamInfo? Info(string name, List<Value> values)
    {
        string? type = null;
        foreach (Value value in values)
        {
            string? valueType = TypeOf(value);
            if (valueType is null)
            {
                continue;
            }
            type = type is null || type == valueType ? valueType : "DATA_TYPE_STRING";
            if (type == "DATA_TYPE_STRING")
            {
                break;
            }
        }
        switch (type)
        {
            case "DATA_TYPE_STRING":
            {
                var distinct = new List<string>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (Value value in values)
                {
                    // Numbers are written as JSON does (Python's repr); NaN and infinities cannot be, so they are left out.
                    if (TypeOf(value) is not null && !(value.KindCase == Value.KindOneofCase.NumberValue && !double.IsFinite(value.NumberValue))
                        && AsString(value) is var text && seen.Add(text))
                    {
                        distinct.Add(text);
                    }
                }
                return new HParamInfo(name, type, "") { Domain = HParamDomain.Discrete([.. distinct.Select(s => (HParamValue)s)]), Differs = distinct.Count > 1 };
            }
            case "DATA_TYPE_BOOL":
            {
                // TensorBoard reads bool_value of every value (false for a value of no known type).
                var distinct = values.Select(v => v.KindCase == Value.KindOneofCase.BoolValue && v.BoolValue).Distinct().ToList();
                return new HParamInfo(name, type, "") { Domain = HParamDomain.Discrete([.. distinct.Select(b => (HParamValue)b)]), Differs = distinct.Count > 1 };
            }
            case "DATA_TYPE_FLOAT64":
            {
                var numbers = values.Select(v => v.KindCase == Value.KindOneofCase.NumberValue ? v.NumberValue : 0).ToList();
                double min = numbers.Min(), max = numbers.Max();
                bool finite = double.IsFinite(min) && double.IsFinite(max);
                return new HParamInfo(name, type, "") { Domain = finite ? HParamDomain.Interval(min, max) : null, Differs = numbers.Distinct().Count() > 1 };
            }
            default:
                return null;
        }
    }

    private static string? TypeOf(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.NumberValue => "DATA_TYPE_FLOAT64",
        Value.KindOneofCase.StringValue => "DATA_TYPE_STRING",
        Value.KindOneofCase.BoolValue => "DATA_TYPE_BOOL",
        _ => null,
    };

    private static string AsString(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StringValue => value.StringValue,
        Value.KindOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        _ => PythonRepr(value.NumberValue),
    };

    /// <summary>A finite double as Python's <c>repr</c> writes it (what TensorBoard's JSON gives): 32.0, 0.003, 1e-05, 1e+16.</summary>
    internal static string PythonRepr(double value)
    {
        // The shortest round-trip digits and exponent, then Python's layout: positional for 1e-4 <= |x| < 1e16.
        string e = value.ToString("E16", CultureInfo.InvariantCulture);
        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        int exponent = int.Parse(e.AsSpan(e.IndexOf('E') + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string sign = value < 0 || (value == 0 && double.IsNegative(value)) ? "-" : "";
        string digits = new([.. shortest.TakeWhile(c => c is not ('E' or 'e')).Where(char.IsAsciiDigit)]);
        digits = digits.TrimStart('0').TrimEnd('0');
        if (digits.Length == 0)
        {
            return sign + "0.0";
        }
        // R's digits and E16's exponent agree on the leading digit's place except when rounding carried (9.99.. -> 10).
        if (double.Parse(sign + digits[0] + "." + digits[1..] + "0E" + exponent, CultureInfo.InvariantCulture) != value)
        {
            exponent++;
        }
        if (exponent >= -4 && exponent < 16)
        {
            if (exponent < 0)
            {
                return sign + "0." + new string('0', -exponent - 1) + digits;
            }
            return digits.Length <= exponent + 1
                ? sign + digits + new string('0', exponent + 1 - digits.Length) + ".0"
                : sign + digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
        }
        string mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    private static List<HParamsMetricInfo> Metrics(HashSet<string> sessionRuns, IEnumerable<(string Run, string Tag)> scalarSeries)
    {
        var names = new HashSet<(string Tag, string Group)>();
        foreach (var (run, tag) in scalarSeries)
        {
            if (SessionOf(sessionRuns, run) is not { } session)
            {
                continue;
            }
            string group = run.Length == session.Length ? "" : session.Length == 0 ? run : run[(session.Length + 1)..];
            names.Add((tag, group));
        }
        return [.. names.OrderBy(n => n.Tag, StringComparer.Ordinal).ThenBy(n => n.Group, StringComparer.Ordinal).Select(n => new HParamsMetricInfo(n.Tag, n.Group, ""))];
    }

    /// <summary>
    /// The longest session run that is <paramref name="run"/> or one of its parents (TensorBoard's
    /// _find_longest_parent_path), or null. The root run "." is the parent of no other run, as in TensorBoard.
    /// </summary>
    public static string? SessionOf(ICollection<string> sessionRuns, string run)
    {
        string? session = run;
        while (session is not null && !sessionRuns.Contains(session))
        {
            session = session.Length == 0 ? null : Parent(session);
        }
        return session;
    }

    private static string Parent(string run)
    {
        int slash = run.LastIndexOf('/');
        return slash < 0 ? "" : run[..slash];
    }
}
