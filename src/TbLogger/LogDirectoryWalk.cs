namespace TbLogger;

/// <summary>
/// Walks a local log directory the way hostile input requires: a symbolic link is followed only when its final
/// target lies inside the log directory (so a link to "/" or to another user's files is skipped), each real
/// directory is visited once (so a loop such as <c>x -&gt; .</c> ends), and only regular files are returned: FIFOs,
/// devices and sockets (which would block or never end when read) are skipped with a warning.
/// </summary>
public static class LogDirectoryWalk
{
    private const int MaxLinkHops = 40; // as Linux's own limit on links resolved in one path (ELOOP)

    private const int MaxRemembered = 10_000;
    private static readonly HashSet<string> s_warned = new(StringComparer.Ordinal);

    /// <summary>
    /// The default warning sink: one line on standard error, once per message per process (a live reader walks the
    /// directory on every poll and would repeat itself).
    /// </summary>
    public static readonly Action<string> StandardErrorWarning = static message =>
    {
        lock (s_warned)
        {
            if (s_warned.Count < MaxRemembered && !s_warned.Add(message))
            {
                return;
            }
        }
        Console.Error.WriteLine($"TbLogger: {message}");
    };

    /// <summary>A directory met by the walk and its regular files (named by their path inside the walked root).</summary>
    /// <param name="Directory">The directory's path under the root as walked (links keep their own name).</param>
    /// <param name="Files">Its regular files that passed the filter, sorted ordinally.</param>
    public sealed record Entry(string Directory, IReadOnlyList<string> Files);

    /// <summary>Every directory under <paramref name="root"/> (the root first, then depth-first in ordinal order).</summary>
    /// <param name="root">The local directory to walk.</param>
    /// <param name="include">Which file names to return (checked before the file's type is looked at); null for all.</param>
    /// <param name="followLinks">
    /// True to follow links whose target stays inside the root (reading); false to skip every link (copying: a copy
    /// must not turn a link into a duplicate of its target).
    /// </param>
    /// <param name="warning">Told about every entry skipped for safety; null for standard error.</param>
    /// <returns>The directories, lazily.</returns>
    public static IEnumerable<Entry> Directories(string root, Func<string, bool>? include = null, bool followLinks = true, Action<string>? warning = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        warning ??= StandardErrorWarning;
        string start = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        string realRoot = RealPath(start) ?? start;
        var visited = new HashSet<string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        // Real directories first, links after: a directory reached both ways is listed under its own name, and each
        // real directory is walked once, so neither a loop nor a lattice of links can multiply the walk.
        var pending = new Stack<(string Path, string Real)>();
        var linked = new Stack<(string Path, string Real)>();
        pending.Push((start, realRoot));
        // Not IgnoreInaccessible: a directory this user may not list is said (below), not passed over in silence.
        var options = new EnumerationOptions { IgnoreInaccessible = false, RecurseSubdirectories = false, AttributesToSkip = 0 };
        while (pending.Count > 0 || linked.Count > 0)
        {
            var (directory, real) = pending.Count > 0 ? pending.Pop() : linked.Pop();
            if (!visited.Add(real))
            {
                continue;
            }
            var files = new List<string>();
            var subdirectories = new List<(string Path, string Real)>();
            var links = new List<(string Path, string Real)>();
            try
            {
                foreach (var (path, isDirectory, isLink) in new System.IO.Enumeration.FileSystemEnumerable<(string, bool, bool)>(
                    directory,
                    static (ref System.IO.Enumeration.FileSystemEntry e) => (e.ToFullPath(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0),
                    options))
                {
                    if (isLink)
                    {
                        if (!followLinks)
                        {
                            warning($"skipped the symbolic link '{PathPolicy.Printable(path)}' (links are not copied or followed here).");
                            continue;
                        }
                        string? target = RealPath(path);
                        if (target is null || !IsSameOrInside(target, realRoot))
                        {
                            warning($"skipped the symbolic link '{PathPolicy.Printable(path)}': it points outside the log directory '{PathPolicy.Printable(start)}'{(target is null ? " or into a loop" : "")}.");
                            continue;
                        }
                        if (Directory.Exists(target))
                        {
                            links.Add((path, target));
                            continue;
                        }
                        AddFile(files, path, target, include, warning);
                        continue;
                    }
                    if (isDirectory)
                    {
                        subdirectories.Add((path, Path.Combine(real, Path.GetFileName(path))));
                        continue;
                    }
                    AddFile(files, path, path, include, warning);
                }
            }
            catch (DirectoryNotFoundException) when (!Path.GetFileName(directory).Contains('\uFFFD', StringComparison.Ordinal))
            {
                // Removed while walking: TensorBoard skips it too.
                continue;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Skipped, as TensorBoard skips it, but said: this user may not list it, its path is too long to open,
                // or its name is not UTF-8 (.NET gives such a name with U+FFFD in place of the bytes and cannot open it).
                warning($"skipped the directory '{PathPolicy.Printable(directory)}': {PathPolicy.Printable(ex.Message)}");
                continue;
            }
            files.Sort(StringComparer.Ordinal);
            yield return new Entry(directory, files);
            subdirectories.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            for (int i = subdirectories.Count - 1; i >= 0; i--)
            {
                pending.Push(subdirectories[i]);
            }
            links.Sort((a, b) => string.CompareOrdinal(b.Path, a.Path));
            foreach (var link in links)
            {
                linked.Push(link);
            }
        }
    }

    /// <summary>Every regular file under <paramref name="root"/>, walked as <see cref="Directories"/> does.</summary>
    /// <param name="root">The local directory.</param>
    /// <param name="include">Which file names to return; null for all.</param>
    /// <param name="followLinks">Whether links inside the root are followed.</param>
    /// <param name="warning">Told about every entry skipped; null for standard error.</param>
    /// <returns>Full paths, directory by directory.</returns>
    public static IEnumerable<string> Files(string root, Func<string, bool>? include = null, bool followLinks = true, Action<string>? warning = null) =>
        Directories(root, include, followLinks, warning).SelectMany(d => d.Files);

    /// <summary>
    /// The path with every symbolic link resolved, component by component (what realpath(3) returns), or null when
    /// resolving meets more than 40 links (a loop).
    /// </summary>
    /// <param name="path">A path; it need not exist (missing components are kept as written).</param>
    /// <returns>The resolved full path, or null.</returns>
    public static string? RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full) ?? "";
        var rest = new List<string>(Split(full[current.Length..]));
        int hops = 0;
        for (int i = 0; i < rest.Count; i++)
        {
            string part = rest[i];
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            string next = Path.Combine(current, part);
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                target = null;
            }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops)
            {
                return null;
            }
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target) ?? current;
                target = target[current.Length..];
            }
            rest = [.. Split(target), .. rest.Skip(i + 1)];
            i = -1;
        }
        return current;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="directory"/> or lies inside it (both full, resolved).</summary>
    /// <param name="path">A full path.</param>
    /// <param name="directory">A full directory path.</param>
    /// <returns>True when inside.</returns>
    public static bool IsSameOrInside(string path, string directory)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        string p = Path.TrimEndingDirectorySeparator(path);
        string d = Path.TrimEndingDirectorySeparator(directory);
        return string.Equals(p, d, comparison) || p.StartsWith(d + Path.DirectorySeparatorChar, comparison) || (d.Length > 0 && d[^1] == Path.DirectorySeparatorChar && p.StartsWith(d, comparison));
    }

    /// <summary>
    /// Whether <paramref name="path"/> (not following a final link) is something other than a regular file or a
    /// directory: a FIFO, a device or a socket, which block or never end when read. Returns the kind's name, or null.
    /// </summary>
    /// <param name="path">A path.</param>
    /// <returns>"FIFO", "character device", "block device", "socket", or null.</returns>
    public static string? SpecialFileKind(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }
        try
        {
            if (!Storage.UnixFileStatus.LStat(path, out Storage.UnixFileStatus status))
            {
                return null;
            }
            return status.KindName is "FIFO" or "character device" or "block device" or "socket" ? status.KindName : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static void AddFile(List<string> files, string path, string target, Func<string, bool>? include, Action<string> warning)
    {
        if (include is not null && !include(path))
        {
            return;
        }
        if (path.Contains('\uFFFD', StringComparison.Ordinal) && !File.Exists(target))
        {
            // Listed under a name .NET cannot open again: its bytes are not UTF-8 and became U+FFFD.
            warning($"skipped '{PathPolicy.Printable(path)}': its name is not valid UTF-8, and .NET cannot open such a file.");
            return;
        }
        if (SpecialFileKind(target) is { } kind)
        {
            warning($"skipped '{PathPolicy.Printable(path)}': it is a {kind}, not a regular file.");
            return;
        }
        files.Add(path);
    }

    private static string[] Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
