namespace TbLogger.Storage;

/// <summary>
/// A path that was to be read as an event file is a FIFO, device, socket or directory (perhaps swapped in after the
/// directory walk): reading it could block or never end, so it is not read. Readers that skip vanished files skip it
/// too, with a warning naming the path.
/// </summary>
internal sealed class NotRegularFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The path.</param>
    /// <param name="kind">What it is: "FIFO", "character device", ...</param>
    public NotRegularFileException(string path, string kind)
        : base($"'{PathPolicy.Printable(path)}' is a {kind}, not a regular file: it is not read (it could block or never end).")
    {
        FilePath = path;
        Kind = kind;
    }

    /// <summary>The path.</summary>
    public string FilePath { get; }

    /// <summary>What the path is instead of a regular file.</summary>
    public string Kind { get; }
}
