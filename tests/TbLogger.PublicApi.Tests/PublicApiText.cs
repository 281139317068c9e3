using System.Reflection;
using System.Text;
using PublicApiGenerator;

namespace TbLogger.PublicApi.Tests;

/// <summary>The public API of an assembly as stable text, and how two such texts first differ.</summary>
internal static class PublicApiText
{
    private const int ContextLines = 3;

    /// <summary>
    /// The assembly's public API: no assembly attributes (they carry versions and build details), Unix line endings,
    /// one final newline. The generator orders namespaces, types and members itself, so the text depends only on the
    /// API.
    /// </summary>
    public static string Generate(Assembly assembly)
    {
        // Compiler-generated state-machine attributes name types like "<WatchAsync>d__33", whose number changes whenever
        // a method is added anywhere in the class: not part of the API, so left out to keep the approved text stable.
        var options = new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
            ExcludeAttributes =
            [
                "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute",
                "System.Runtime.CompilerServices.AsyncStateMachineAttribute",
                "System.Runtime.CompilerServices.IteratorStateMachineAttribute",
            ],
        };
        return Normalize(assembly.GeneratePublicApi(options));
    }

    /// <summary>Unix line endings, no trailing blanks, exactly one final newline.</summary>
    public static string Normalize(string text)
    {
        string[] lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        return string.Join('\n', lines.Select(line => line.TrimEnd())).TrimEnd('\n') + "\n";
    }

    /// <summary>Null when equal; otherwise the first differing line number with a few lines of each text from there.</summary>
    public static string? FirstDifference(string approved, string actual)
    {
        if (approved == actual)
        {
            return null;
        }

        string[] expected = approved.Split('\n');
        string[] received = actual.Split('\n');
        int line = 0;
        while (line < expected.Length && line < received.Length && expected[line] == received[line])
        {
            line++;
        }

        var text = new StringBuilder();
        text.Append("First difference at line ").Append(line + 1).Append(':');
        for (int i = line; i < Math.Min(expected.Length, line + ContextLines); i++)
        {
            text.Append('\n').Append("- ").Append(expected[i]);
        }

        for (int i = line; i < Math.Min(received.Length, line + ContextLines); i++)
        {
            text.Append('\n').Append("+ ").Append(received[i]);
        }

        return text.ToString();
    }
}
