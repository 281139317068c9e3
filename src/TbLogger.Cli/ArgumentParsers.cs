using System.Globalization;
using TbLogger.Reading;

namespace TbLogger.Cli;

/// <summary>Turns option text into values, throwing <see cref="UsageException"/> with one clear line.</summary>
internal static class ArgumentParsers
{
    public static TagFilter? Filter(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return TagFilter.Parse(text);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"{option}: {WithoutParameterName(ex)}");
        }
    }

    /// <summary>An ArgumentException's message without the " (Parameter 'name')" .NET appends, which means nothing to a CLI user.</summary>
    public static string WithoutParameterName(ArgumentException ex)
    {
        string message = ex.Message;
        if (!string.IsNullOrEmpty(ex.ParamName))
        {
            // The suffix alone, in the current UI culture: an empty message with the same parameter name.
            string suffix = new ArgumentException(string.Empty, ex.ParamName).Message;
            if (suffix.Length > 0 && message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }
        return message;
    }

    public static StepRange Steps(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return StepRange.All;
        }
        try
        {
            return StepRange.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new UsageException($"--steps: {ex.Message}");
        }
    }

    public static ReadFilter ReadFilter(string? runs, string? tags, string? steps) => new()
    {
        Runs = Filter(runs, "--runs"),
        Tags = Filter(tags, "--tags"),
        Steps = Steps(steps),
    };

    /// <summary>"90", "90s", "-2h", "1.5d", "15m" or "hh:mm:ss".</summary>
    public static TimeSpan Duration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TimeSpan.Zero;
        }
        string t = text.Trim();
        if (t.Contains(':', StringComparison.Ordinal))
        {
            bool negative = t.StartsWith('-');
            if (TimeSpan.TryParse(negative ? t[1..] : t, CultureInfo.InvariantCulture, out var span))
            {
                return negative ? -span : span;
            }
        }
        else
        {
            char unit = char.ToLowerInvariant(t[^1]);
            double factor = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
            string number = factor == 0 ? t : t[..^1];
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) && double.IsFinite(amount))
            {
                double seconds = amount * (factor == 0 ? 1 : factor);
                if (!(Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds))
                {
                    // TimeSpan.FromSeconds would throw OverflowException, which is not a one-line usage error.
                    throw new UsageException($"--time-shift: '{text}' is too large (at most about {(long)TimeSpan.MaxValue.TotalDays} days).");
                }
                return TimeSpan.FromSeconds(seconds);
            }
        }
        throw new UsageException($"--time-shift: '{text}' is not a duration (e.g. 3600, -90s, 2h, 1d, 01:30:00).");
    }

    public static string ExistingDirectory(string path, string what)
    {
        // A URI (s3://bucket/runs) names a directory in an object store, which has no directories to check.
        if (TbLogger.Storage.LogStorageRegistry.GetScheme(path) is not null)
        {
            return path;
        }
        if (File.Exists(path))
        {
            throw new UsageException($"{what} '{path}' is a file, not a directory.");
        }
        if (!Directory.Exists(path))
        {
            throw new UsageException($"{what} '{path}' does not exist.");
        }
        return path;
    }
}
