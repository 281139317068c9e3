namespace TbLogger;

/// <summary>
/// The one rule for names that come from data or a user and become paths: run names (from directories, object keys,
/// history files, <c>--merge</c>), sub-run names (<c>AddScalars</c> keys, <c>AddHParams</c> run names) and
/// embedding directories. A name is relative, uses '/' between segments, and every segment is a plain name: not
/// empty, not "." or "..", no '\' (a separator on Windows), no NUL or other control character, and the first is not
/// a drive ("C:"). The name "." alone means the destination itself. Such a name always resolves inside its
/// destination; anything else is an <see cref="UnsafePathException"/> naming where the name came from, never a
/// write elsewhere.
/// </summary>
public static class PathPolicy
{
    /// <summary>Why <paramref name="name"/> is not a safe relative name, or null when it is.</summary>
    /// <param name="name">A run or file name with '/' separators.</param>
    /// <returns>A short reason, or null.</returns>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }
        if (name == ".")
        {
            return null;
        }
        foreach (char c in name)
        {
            if (char.IsControl(c))
            {
                return c == '\0' ? "it contains a NUL character" : $"it contains the control character U+{(int)c:X4}";
            }
        }
        if (name[0] is '/' or '\\' || Path.IsPathRooted(name))
        {
            return "it is an absolute path";
        }
        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':')
        {
            return "it starts with a drive";
        }
        if (name.Contains('\\', StringComparison.Ordinal))
        {
            return "it contains '\\'";
        }
        foreach (var segment in name.Split('/'))
        {
            switch (segment)
            {
                case "":
                    return "it has an empty segment ('//' or a trailing '/')";
                case ".":
                case "..":
                    return $"it has a '{segment}' segment";
            }
        }
        return null;
    }

    /// <summary>The most bytes of UTF-8 a file system takes in one file or directory name (Linux's and macOS's limit).</summary>
    internal const int MaxSegmentBytes = 255;

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming <paramref name="parameterName"/> when <paramref name="segment"/>
    /// (one directory name, made from <paramref name="what"/>) is longer than a file system takes: creating it would
    /// fail with a PathTooLongException after other directories were made.
    /// </summary>
    internal static void ThrowIfSegmentTooLong(string segment, string what, string parameterName)
    {
        int bytes = System.Text.Encoding.UTF8.GetByteCount(segment);
        if (bytes > MaxSegmentBytes)
        {
            string shown = segment.Length > 40 ? string.Concat(segment.AsSpan(0, char.IsHighSurrogate(segment[39]) ? 39 : 40), "…") : segment;
            throw new ArgumentException(
                $"{what} makes the directory name '{Printable(shown)}' of {bytes} bytes of UTF-8; a file system takes at most {MaxSegmentBytes} in one name.", parameterName);
        }
    }

    /// <summary>Checks a relative name from data or a user.</summary>
    /// <param name="name">The name, '/' separated.</param>
    /// <param name="input">Where it came from, for the error (e.g. "history file 'h.csv' line 3").</param>
    /// <returns><paramref name="name"/>.</returns>
    /// <exception cref="UnsafePathException">The name is not a safe relative name.</exception>
    public static string Check(string? name, string input)
    {
        string? problem = Problem(name);
        return problem is null ? name! : throw new UnsafePathException(input, name ?? "", problem);
    }

    /// <summary>
    /// The full local path of <paramref name="name"/> under <paramref name="root"/>, after checking the name and that
    /// the result lies inside the root (or is the root, for ".").
    /// </summary>
    /// <param name="root">The destination directory.</param>
    /// <param name="name">A relative name, '/' separated.</param>
    /// <param name="input">Where the name came from, for the error.</param>
    /// <returns>The full path.</returns>
    /// <exception cref="UnsafePathException">The name is unsafe.</exception>
    public static string Resolve(string root, string name, string input)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Check(name, input);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (name == ".")
        {
            return full;
        }
        string path = Path.GetFullPath(Path.Combine(full, name.Replace('/', Path.DirectorySeparatorChar)));
        // The checks above make this impossible; it stays as the last line of defence.
        if (!path.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new UnsafePathException(input, name, $"it leaves '{full}'");
        }
        return path;
    }

    /// <summary>
    /// Turns any text into one safe directory name (a documented sanitisation, used for <c>AddScalars</c> sub-runs):
    /// separators, ':', control and invalid file-name characters become '_', the ends are trimmed, and a name made
    /// only of dots (or empty) gets a leading '_'.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>A single safe segment.</returns>
    public static string SanitizeSegment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        char[] invalid = Path.GetInvalidFileNameChars();
        var name = text.ToCharArray();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c is '/' or '\\' or ':' || char.IsControl(c) || Array.IndexOf(invalid, c) >= 0)
            {
                name[i] = '_';
            }
        }
        string result = new string(name).Trim();
        // "." and ".." (or names made only of dots) would point at this or the parent directory.
        return result.Length == 0 || result.All(c => c == '.') ? "_" + result : result;
    }

    /// <summary>Shows a name with its control characters escaped (\e, \n, \u0007, ...), so printing it cannot drive a terminal.</summary>
    /// <param name="text">Any text from data.</param>
    /// <returns>The text, or an escaped copy when it holds control characters.</returns>
    public static string Printable(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }
        int first = 0;
        while (first < text.Length && !NeedsEscape(text[first]))
        {
            first++;
        }
        if (first == text.Length)
        {
            return text;
        }
        var result = new System.Text.StringBuilder(text.Length + 8);
        result.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(c))
            {
                result.Append(c);
                continue;
            }
            switch (c)
            {
                case '\n': result.Append("\\n"); break;
                case '\r': result.Append("\\r"); break;
                case '\t': result.Append("\\t"); break;
                case '\u001b': result.Append("\\e"); break;
                default: result.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }
        return result.ToString();
    }

    // Control characters (C0, DEL, C1: escape sequences, cursor moves) and the line separators and bidirectional
    // overrides that make a terminal show text other than what is there.
    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
