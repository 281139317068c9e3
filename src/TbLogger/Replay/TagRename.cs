namespace TbLogger.Replay;

/// <summary>
/// Renames a tag: "from=to" renames one tag; "prefix/*=newprefix/*" renames every tag starting with "prefix/"
/// (the part matched by <c>*</c> is kept).
/// </summary>
/// <param name="From">The tag, or a prefix ending in '*'.</param>
/// <param name="To">The new tag, or a new prefix ending in '*' when <paramref name="From"/> ends in '*'.</param>
public sealed record TagRename(string From, string To)
{
    /// <summary>Parses "from=to".</summary>
    /// <param name="text">The rename.</param>
    /// <returns>The rename.</returns>
    /// <exception cref="FormatException">No '=', an empty side, or '*' on one side only.</exception>
    public static TagRename Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == text.Length - 1)
        {
            throw new FormatException($"Rename '{text}' is not of the form old=new.");
        }
        var rename = new TagRename(text[..eq], text[(eq + 1)..]);
        if (rename.From.EndsWith('*') != rename.To.EndsWith('*'))
        {
            throw new FormatException($"Rename '{text}': use '*' at the end of both sides or of neither.");
        }
        return rename;
    }

    /// <summary>The new name of <paramref name="tag"/>, or null when this rename does not apply.</summary>
    /// <param name="tag">A tag.</param>
    /// <returns>The new tag or null.</returns>
    public string? Apply(string tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (From.EndsWith('*'))
        {
            string prefix = From[..^1];
            return tag.StartsWith(prefix, StringComparison.Ordinal) ? To[..^1] + tag[prefix.Length..] : null;
        }
        return tag == From ? To : null;
    }
}
