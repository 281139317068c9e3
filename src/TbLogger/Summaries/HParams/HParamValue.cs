using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace TbLogger;

/// <summary>
/// One hyperparameter value: a number, a string or a boolean. Converts implicitly from <see cref="double"/>,
/// <see cref="int"/>, <see cref="long"/>, <see cref="float"/>, <see cref="string"/> and <see cref="bool"/>, so
/// <c>new Dictionary&lt;string, HParamValue&gt; { ["lr"] = 0.01, ["optimizer"] = "adam", ["use_bn"] = true }</c> works.
/// </summary>
public readonly struct HParamValue : IEquatable<HParamValue>
{
    private readonly double _number;
    private readonly string? _string;

    private HParamValue(HParamKind kind, double number, string? text)
    {
        Kind = kind;
        _number = number;
        _string = text;
    }

    /// <summary>Which kind of value this is.</summary>
    public HParamKind Kind { get; }

    /// <summary>The number (1 or 0 for a boolean).</summary>
    /// <exception cref="InvalidOperationException">The value is a string or none.</exception>
    public double Number => Kind is HParamKind.Number or HParamKind.Bool ? _number : throw new InvalidOperationException($"This hyperparameter is a {Kind}, not a number.");

    /// <summary>The string.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string String => Kind == HParamKind.String ? _string! : throw new InvalidOperationException($"This hyperparameter is a {Kind}, not a string.");

    /// <summary>The boolean.</summary>
    /// <exception cref="InvalidOperationException">The value is not a boolean.</exception>
    public bool Bool => Kind == HParamKind.Bool ? _number != 0 : throw new InvalidOperationException($"This hyperparameter is a {Kind}, not a boolean.");

    /// <summary>A number; it must be finite (TensorBoard serves hyperparameters as JSON, which has no NaN).</summary>
    /// <param name="value">The number.</param>
    /// <returns>The value.</returns>
    public static HParamValue FromNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A numeric hyperparameter must be finite.");
        }
        return new HParamValue(HParamKind.Number, value, null);
    }

    /// <summary>A string.</summary>
    /// <param name="value">The string, not null.</param>
    /// <returns>The value.</returns>
    public static HParamValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new HParamValue(HParamKind.String, 0, value);
    }

    /// <summary>A boolean.</summary>
    /// <param name="value">The boolean.</param>
    /// <returns>The value.</returns>
    public static HParamValue FromBool(bool value) => new(HParamKind.Bool, value ? 1 : 0, null);

    /// <summary>Converts a number.</summary>
    /// <param name="value">A finite number.</param>
    public static implicit operator HParamValue(double value) => FromNumber(value);

    /// <summary>
    /// Converts a single-precision number to the double nearest its shortest round-trip decimal form, so 0.003f is
    /// stored (and served by TensorBoard) as 0.003 rather than 0.003000000026077032, the double that equals the float.
    /// </summary>
    /// <param name="value">A finite number.</param>
    public static implicit operator HParamValue(float value) => FromNumber(DecimalDouble(value));

    /// <summary>
    /// The double nearest the shortest decimal string that round-trips <paramref name="value"/> (what a person typed
    /// when they wrote the float literal); non-finite values pass through unchanged.
    /// </summary>
    /// <param name="value">A single-precision number.</param>
    /// <returns>The double that prints as the float does.</returns>
    public static double DecimalDouble(float value)
    {
        if (!float.IsFinite(value))
        {
            return value;
        }
        // .NET formats a float as its shortest round-trip decimal; 16 chars hold any float ("-1.17549435E-38").
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out int written, default, CultureInfo.InvariantCulture);
        return double.Parse(text[..written], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Converts an integer (stored as a double, as TensorBoard does).</summary>
    /// <param name="value">The integer.</param>
    public static implicit operator HParamValue(int value) => FromNumber(value);

    /// <summary>Converts an integer (stored as a double, as TensorBoard does).</summary>
    /// <param name="value">The integer.</param>
    public static implicit operator HParamValue(long value) => FromNumber(value);

    /// <summary>Converts a string.</summary>
    /// <param name="value">The string, not null.</param>
    public static implicit operator HParamValue(string value) => FromString(value);

    /// <summary>Converts a boolean.</summary>
    /// <param name="value">The boolean.</param>
    public static implicit operator HParamValue(bool value) => FromBool(value);

    /// <summary>The <c>google.protobuf.Value</c> TensorBoard stores: number_value, string_value or bool_value.</summary>
    /// <returns>A new message.</returns>
    /// <exception cref="InvalidOperationException">The value is <c>default</c>.</exception>
    public Value ToProto() => Kind switch
    {
        HParamKind.Number => Value.ForNumber(_number),
        HParamKind.String => Value.ForString(_string!),
        HParamKind.Bool => Value.ForBool(_number != 0),
        _ => throw new InvalidOperationException("default(HParamValue) holds no value."),
    };

    /// <inheritdoc />
    public bool Equals(HParamValue other) => Kind == other.Kind && _number.Equals(other._number) && string.Equals(_string, other._string, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is HParamValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, _number, _string);

    /// <summary>Compares two values.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when kind and value are equal.</returns>
    public static bool operator ==(HParamValue left, HParamValue right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">One value.</param>
    /// <param name="right">The other.</param>
    /// <returns>True when kind or value differ.</returns>
    public static bool operator !=(HParamValue left, HParamValue right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        HParamKind.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        HParamKind.String => _string!,
        HParamKind.Bool => _number != 0 ? "true" : "false",
        _ => "(none)",
    };
}
