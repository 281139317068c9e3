using System.Text;
using System.Text.RegularExpressions;

namespace TbLogger.Reading;

/// <summary>
/// Selects tags (or run names) by exact name, glob (<c>*</c> any characters including '/', <c>?</c> one character)
/// or regular expression. A filter made of several patterns matches when any of them does. Decisions are cached per
/// name, so filtering a million events costs a dictionary look-up each.
/// </summary>
public sealed class TagFilter
{
    private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
    private readonly List<Regex> _patterns = [];
    private readonly Dictionary<string, bool> _decisions = new(StringComparer.Ordinal);

    private TagFilter(IEnumerable<string> specs)
    {
        foreach (string spec in specs)
        {
            Add(spec);
        }
        if (_exact.Count == 0 && _patterns.Count == 0)
        {
            throw new ArgumentException("A filter needs at least one pattern.", nameof(specs));
        }
    }

    /// <summary>Matches exactly these names.</summary>
    /// <param name="names">The names.</param>
    /// <returns>The filter.</returns>
    public static TagFilter Exact(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return new TagFilter(names.Select(n => "=" + n));
    }

    /// <summary>Matches names against glob patterns (<c>*</c>, <c>?</c>).</summary>
    /// <param name="patterns">The globs, e.g. "train/*".</param>
    /// <returns>The filter.</returns>
    public static TagFilter Glob(params string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        return new TagFilter(patterns.Select(p => "glob:" + p));
    }

    /// <summary>Matches names against regular expressions (searched, not anchored, like tbparse's and TensorBoard's tag filter).</summary>
    /// <param name="patterns">.NET regular expressions.</param>
    /// <returns>The filter.</returns>
    public static TagFilter Regex(params string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        return new TagFilter(patterns.Select(p => "re:" + p));
    }

    /// <summary>
    /// Parses a comma-separated list as the command line takes it: "re:PATTERN" is a regular expression (the rest of
    /// the list is part of it, so it may contain commas), an entry with <c>*</c> or <c>?</c> is a glob, "=NAME" or any
    /// other entry is an exact name.
    /// </summary>
    /// <param name="list">For example "train/loss,validation/*".</param>
    /// <returns>The filter.</returns>
    /// <exception cref="ArgumentException">The list is empty or a regular expression is invalid.</exception>
    public static TagFilter Parse(string list)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(list);
        var specs = new List<string>();
        string rest = list;
        while (rest.Length > 0)
        {
            if (rest.StartsWith("re:", StringComparison.Ordinal))
            {
                specs.Add(rest);
                break;
            }
            int comma = rest.IndexOf(',', StringComparison.Ordinal);
            string item = (comma < 0 ? rest : rest[..comma]).Trim();
            rest = comma < 0 ? "" : rest[(comma + 1)..].TrimStart();
            if (item.Length > 0)
            {
                specs.Add(item.StartsWith("glob:", StringComparison.Ordinal) || item.StartsWith('=') ? item : item.IndexOfAny(['*', '?']) >= 0 ? "glob:" + item : "=" + item);
            }
        }
        return new TagFilter(specs);
    }

    /// <summary>True when <paramref name="name"/> matches one of the patterns.</summary>
    /// <param name="name">A tag or run name.</param>
    /// <returns>Whether it is selected.</returns>
    public bool IsMatch(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_exact.Contains(name))
        {
            return true;
        }
        if (_patterns.Count == 0)
        {
            return false;
        }
        lock (_decisions)
        {
            if (!_decisions.TryGetValue(name, out bool decision))
            {
                decision = _patterns.Exists(p => p.IsMatch(name));
                if (_decisions.Count < 100_000)
                {
                    _decisions[name] = decision;
                }
            }
            return decision;
        }
    }

    private void Add(string spec)
    {
        if (spec.StartsWith("re:", StringComparison.Ordinal))
        {
            try
            {
                _patterns.Add(new Regex(spec[3..], RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"Invalid regular expression '{spec[3..]}': {ex.Message}", nameof(spec), ex);
            }
        }
        else if (spec.StartsWith("glob:", StringComparison.Ordinal))
        {
            _patterns.Add(new Regex(GlobToRegex(spec[5..]), RegexOptions.CultureInvariant));
        }
        else
        {
            _exact.Add(spec.StartsWith('=') ? spec[1..] : spec);
        }
    }

    private static string GlobToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        foreach (char c in glob)
        {
            sb.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => System.Text.RegularExpressions.Regex.Escape(c.ToString()),
            });
        }
        return sb.Append('$').ToString();
    }
}
