using TbLogger.Events;
using TbLogger.Storage;

namespace TbLogger.Reading;

/// <summary>Finds runs as TensorBoard's directory walk does: every directory that directly holds an event file.</summary>
internal static class RunDiscovery
{
    public static List<RunInfo> Discover(LogStorage storage, string logDirectory, TagFilter? runs) =>
        storage.IsLocal ? Discover(logDirectory, runs) : DiscoverInStore(storage, logDirectory, runs);

    /// <summary>
    /// An object store has no directories, only keys: one listing of everything under the root, grouped by the
    /// key's parent "directory", gives the runs.
    /// </summary>
    private static List<RunInfo> DiscoverInStore(LogStorage storage, string logDirectory, TagFilter? runs)
    {
        string root = logDirectory.TrimEnd('/');
        var result = new List<RunInfo>();
        foreach (var group in storage.ListFiles(root, recursive: true)
                     .Where(EventFileNames.IsEventFile)
                     .GroupBy(path => path[..path.LastIndexOf('/')], StringComparer.Ordinal))
        {
            string directory = group.Key;
            string name = directory.Length <= root.Length ? "." : directory[(root.Length + 1)..];
            if (runs is null || runs.IsMatch(name))
            {
                string[] files = [.. group];
                Array.Sort(files, StringComparer.Ordinal);
                result.Add(new RunInfo(name, directory, files) { Storage = storage });
            }
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    public static List<RunInfo> Discover(string logDirectory, TagFilter? runs)
    {
        string root = Path.GetFullPath(logDirectory);
        var result = new List<RunInfo>();
        // The walk stays inside the log directory (links out of it and loops are skipped) and returns regular files
        // only, so a FIFO or a link to /dev/zero named like an event file cannot hang a reader.
        foreach (var entry in LogDirectoryWalk.Directories(root, EventFileNames.IsEventFile))
        {
            if (entry.Files.Count > 0)
            {
                string name = RunName(root, entry.Directory);
                if (runs is null || runs.IsMatch(name))
                {
                    result.Add(new RunInfo(name, entry.Directory, entry.Files));
                }
            }
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return result;
    }

    public static string RunName(string root, string directory)
    {
        string relative = Path.GetRelativePath(root, directory);
        return relative == "." ? "." : relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}
