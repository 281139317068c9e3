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
        var pending = new Stack<string>();
        pending.Push(root);
        var options = new EnumerationOptions { IgnoreInaccessible = true, RecurseSubdirectories = false, AttributesToSkip = 0 };
        while (pending.Count > 0)
        {
            string directory = pending.Pop();
            string[] files;
            string[] subdirectories;
            try
            {
                files = Directory.GetFiles(directory, "*", options);
                subdirectories = Directory.GetDirectories(directory, "*", options);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A directory removed or locked while walking: TensorBoard skips it too.
                continue;
            }
            string[] eventFiles = files.Where(EventFileNames.IsEventFile).ToArray();
            if (eventFiles.Length > 0)
            {
                Array.Sort(eventFiles, StringComparer.Ordinal);
                string name = RunName(root, directory);
                if (runs is null || runs.IsMatch(name))
                {
                    result.Add(new RunInfo(name, directory, eventFiles));
                }
            }
            Array.Sort(subdirectories, StringComparer.Ordinal);
            for (int i = subdirectories.Length - 1; i >= 0; i--)
            {
                pending.Push(subdirectories[i]);
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
