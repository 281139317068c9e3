namespace TbLogger;

/// <summary>A name from data or a user would become a path outside its destination (see <see cref="PathPolicy"/>).</summary>
public sealed class UnsafePathException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="input">Where the name came from.</param>
    /// <param name="name">The offending name.</param>
    /// <param name="reason">Why it is refused.</param>
    public UnsafePathException(string input, string name, string reason)
        : base($"{input}: the name '{PathPolicy.Printable(name)}' cannot be used as a path: {reason}. Names must be relative, '/'-separated, without '..', '.', empty segments, '\\', drives or control characters.")
    {
        Input = input;
        Name = name;
        Reason = reason;
    }

    /// <summary>Where the name came from (a file and line, an object key, an option).</summary>
    public string Input { get; }

    /// <summary>The offending name, as given.</summary>
    public string Name { get; }

    /// <summary>Why it is refused.</summary>
    public string Reason { get; }
}
