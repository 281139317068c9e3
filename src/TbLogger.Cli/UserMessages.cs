using System.Text.RegularExpressions;

namespace TbLogger.Cli;

/// <summary>Turns messages written for .NET developers into messages for people at a command line.</summary>
internal static partial class UserMessages
{
    /// <summary>
    /// Replaces System.CommandLine's "as expected type 'System.Int32'" (and other .NET type names in quotes) with
    /// what the value should look like.
    /// </summary>
    /// <param name="message">A parse or error message.</param>
    /// <returns>The message in words a user knows.</returns>
    public static string WithoutTypeNames(string message) =>
        ExpectedType().Replace(message, m => ": expected " + Describe(m.Groups["type"].Value));

    private static string Describe(string type)
    {
        // Nullable`1[System.Int32] and friends: the value type inside.
        Match inner = NullableOf().Match(type);
        if (inner.Success)
        {
            type = inner.Groups["inner"].Value;
        }
        return type switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" or "System.UInt32" or "System.UInt64" => "a whole number",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a duration",
            _ => "a value of another form",
        };
    }

    [GeneratedRegex(@" as expected type '(?<type>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex ExpectedType();

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>[^\]]+)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex NullableOf();
}
