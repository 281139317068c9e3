using TbLogger.Events;

namespace TbLogger.Reading;

/// <summary>Finds runs as TensorBoard's directory walk does: every directory that directly holds an event file.</summary>
internal static class RunDiscovery
{
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
