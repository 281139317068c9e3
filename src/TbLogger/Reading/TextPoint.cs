namespace TbLogger.Reading;

/// <summary>One text value: a string tensor (PyTorch and TensorFlow write shape [1] or []).</summary>
/// <param name="Run">The run name.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Step">The step.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Shape">The tensor's shape (empty for a scalar).</param>
/// <param name="Strings">The strings, UTF-8 decoded, in row-major order.</param>
public sealed record TextPoint(string Run, string Tag, long Step, double WallTime, IReadOnlyList<long> Shape, IReadOnlyList<string> Strings)
{
    /// <summary>The text: the single string, or the strings joined by new lines.</summary>
    public string Text => Strings.Count == 1 ? Strings[0] : string.Join('\n', Strings);
}
