namespace TbLogger.Replay;

/// <summary>Refuses output directories that would overwrite data or be read back while writing.</summary>
internal static class OutputGuard
{
    public static void EnsureUsable(string source, string output)
    {
        string src = Path.TrimEndingDirectorySeparator(Path.GetFullPath(source));
        string dst = Path.TrimEndingDirectorySeparator(Path.GetFullPath(output));
        if (string.Equals(src, dst, StringComparison.Ordinal) || dst.StartsWith(src + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new IOException($"The destination '{output}' must not be the source log directory or inside it.");
        }
        if (Directory.Exists(dst) && Directory.EnumerateFileSystemEntries(dst).Any())
        {
            throw new IOException($"The destination '{output}' already exists and is not empty.");
        }
    }
}
