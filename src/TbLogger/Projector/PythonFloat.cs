using System.Globalization;

namespace TbLogger.Projector;

/// <summary>
/// Formats a float as Python's repr does for the same number ("1.0", "0.5", "1e-05", "1.5e+20"), using the shortest
/// digits that read back to the same float32, so our tensors.tsv matches PyTorch's for values exact in float32.
/// </summary>
internal static class PythonFloat
{
    public static string Format(float value)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Only finite values can be formatted.");
        }
        // "E" round-trip form gives the shortest digits and a decimal exponent in one predictable shape.
        string shortest = value.ToString("R", CultureInfo.InvariantCulture);
        bool negative = shortest.StartsWith('-');
        string body = negative ? shortest[1..] : shortest;
        int exponentAt = body.IndexOf('E');
        int exponent = exponentAt < 0 ? 0 : int.Parse(body.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string mantissa = exponentAt < 0 ? body : body[..exponentAt];
        int point = mantissa.IndexOf('.');
        string digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        int integerDigits = point < 0 ? mantissa.Length : point;
        // Normalize to digits d1 d2 ... with the value = 0.d1d2... × 10^decimalExponent.
        int leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }
        digits = digits[leadingZeros..].TrimEnd('0');
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }
        int decimalExponent = integerDigits - leadingZeros + exponent; // position of the point after the first digit run
        int scientific = decimalExponent - 1; // exponent in d.ddd × 10^scientific
        string sign = negative ? "-" : "";
        if (scientific < -4 || scientific >= 16)
        {
            string fraction = digits.Length > 1 ? "." + digits[1..] : "";
            string exponentText = (scientific < 0 ? "-" : "+") + Math.Abs(scientific).ToString("00", CultureInfo.InvariantCulture);
            return sign + digits[0] + fraction + "e" + exponentText;
        }
        if (decimalExponent <= 0)
        {
            return sign + "0." + new string('0', -decimalExponent) + digits;
        }
        if (decimalExponent >= digits.Length)
        {
            return sign + digits + new string('0', decimalExponent - digits.Length) + ".0";
        }
        return sign + digits[..decimalExponent] + "." + digits[decimalExponent..];
    }
}
