using Google.Protobuf.WellKnownTypes;
using TbLogger.Protos.Plugins.HParams;

namespace TbLogger;

/// <summary>
/// The values a hyperparameter can take, shown by the HPARAMS dashboard as its filter: a discrete set (any kind) or,
/// for numbers, a closed interval.
/// </summary>
public sealed class HParamDomain
{
    private readonly HParamValue[]? _values;

    private HParamDomain(HParamValue[]? values, double min, double max)
    {
        _values = values;
        Min = min;
        Max = max;
    }

    /// <summary>True for a discrete set, false for an interval.</summary>
    public bool IsDiscrete => _values is not null;

    /// <summary>The allowed values of a discrete domain (empty for an interval).</summary>
    public IReadOnlyList<HParamValue> Values => _values ?? [];

    /// <summary>The lower bound of an interval (0 for a discrete domain).</summary>
    public double Min { get; }

    /// <summary>The upper bound of an interval (0 for a discrete domain).</summary>
    public double Max { get; }

    /// <summary>A discrete set of values, all of one kind.</summary>
    /// <param name="values">At least one value; none may be <c>default</c>.</param>
    /// <returns>The domain.</returns>
    public static HParamDomain Discrete(params ReadOnlySpan<HParamValue> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("A discrete domain needs at least one value.", nameof(values));
        }
        HParamKind kind = values[0].Kind;
        foreach (var value in values)
        {
            if (value.Kind == HParamKind.None || value.Kind != kind)
            {
                throw new ArgumentException($"A discrete domain needs values of one kind; got {kind} and {value.Kind}.", nameof(values));
            }
        }
        return new HParamDomain(values.ToArray(), 0, 0);
    }

    /// <summary>The closed interval [<paramref name="min"/>, <paramref name="max"/>], for numbers.</summary>
    /// <param name="min">Finite lower bound.</param>
    /// <param name="max">Finite upper bound, at least <paramref name="min"/>.</param>
    /// <returns>The domain.</returns>
    public static HParamDomain Interval(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), $"An interval needs finite bounds with min <= max; got [{min}, {max}].");
        }
        return new HParamDomain(null, min, max);
    }

    /// <summary>The kind of the values; an interval holds numbers.</summary>
    internal HParamKind ValueKind => _values is { Length: > 0 } ? _values[0].Kind : HParamKind.Number;

    /// <summary>Sets the domain oneof of <paramref name="info"/>.</summary>
    internal void ApplyTo(HParamInfo info)
    {
        if (_values is null)
        {
            info.DomainInterval = new Interval { MinValue = Min, MaxValue = Max };
            return;
        }
        var list = new ListValue();
        foreach (var value in _values)
        {
            list.Values.Add(value.ToProto());
        }
        info.DomainDiscrete = list;
    }
}
