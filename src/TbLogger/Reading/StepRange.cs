using System.Globalization;

namespace TbLogger.Reading;

/// <summary>An inclusive range of steps; either end may be open.</summary>
/// <param name="Min">Smallest step kept, or null for no lower bound.</param>
/// <param name="Max">Largest step kept, or null for no upper bound.</param>
public readonly record struct StepRange(long? Min, long? Max)
{
    /// <summary>Every step.</summary>
    public static StepRange All => default;

    /// <summary>True when <paramref name="step"/> lies in the range.</summary>
    /// <param name="step">A step.</param>
    /// <returns>Whether it is kept.</returns>
    public bool Contains(long step) => (Min is not { } min || step >= min) && (Max is not { } max || step <= max);

    /// <summary>Parses "a:b", "a:" or ":b" (inclusive), or a single step "a".</summary>
    /// <param name="text">The range.</param>
    /// <returns>The range.</returns>
    /// <exception cref="FormatException">The text is not a range, or min is greater than max.</exception>
    public static StepRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        long? min;
        long? max;
        if (colon < 0)
        {
            min = max = ParseStep(text, text);
        }
        else
        {
            min = colon == 0 ? null : ParseStep(text[..colon], text);
            max = colon == text.Length - 1 ? null : ParseStep(text[(colon + 1)..], text);
        }
        if (min > max)
        {
            throw new FormatException($"Step range '{text}': the start is after the end.");
        }
        return new StepRange(min, max);
    }

    private static long ParseStep(string part, string whole) =>
        long.TryParse(part.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long step)
            ? step
            : throw new FormatException($"Step range '{whole}' is not of the form a:b with integer steps.");

    /// <summary>Formats as "a:b".</summary>
    /// <returns>The range text.</returns>
    public override string ToString() => $"{Min?.ToString(CultureInfo.InvariantCulture)}:{Max?.ToString(CultureInfo.InvariantCulture)}";
}
