using TbLogger.Events;

namespace TbLogger.Storage;

/// <summary>The local file system: event files are plain files, written in place and flushed to the operating system.</summary>
public sealed class LocalLogStorage : LogStorage
{
    // A name can only be taken by a writer on another machine with the same host name and pid (containers) in the
    // same second; a handful of fresh counters always gets past that.
    private const int CreateAttempts = 16;

    private LocalLogStorage()
    {
    }

    /// <summary>The one instance.</summary>
    public static LocalLogStorage Instance { get; } = new();

    /// <inheritdoc/>
    public override bool IsLocal => true;

    /// <inheritdoc/>
    public override string Combine(string directory, string name) => Path.Combine(directory, name);

    /// <inheritdoc/>
    /// <remarks>
    /// Many processes of one job start at once and create the same run directory; "check, then create" (the
    /// tensorboardX FileExistsError) loses that race. Creating is idempotent here, and an error is retried as long as
    /// it came from a concurrent creation rather than from a file standing where the directory should be.
    /// </remarks>
    public override void CreateDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(directory);
                return;
            }
            catch (IOException ex) when (FileInTheWay(directory) is { } file)
            {
                // The runtime's message ("The file '…' already exists.") does not say that a directory was wanted.
                throw new IOException(file == directory
                    ? $"The log directory '{directory}' is a file, not a directory."
                    : $"The log directory '{directory}' cannot be created: '{file}' is a file, not a directory.", ex);
            }
            catch (IOException) when (attempt < CreateAttempts)
            {
                if (Directory.Exists(directory))
                {
                    return;
                }
                Thread.Sleep(attempt);
            }
        }
    }

    /// <summary>The path itself or the nearest of its parents when that is a file (not a directory); null when none is.</summary>
    private static string? FileInTheWay(string directory)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        for (string? path = full; !string.IsNullOrEmpty(path); path = Path.GetDirectoryName(path))
        {
            if (File.Exists(path))
            {
                // The directory itself keeps the caller's spelling, for the message.
                return path == full ? directory : path;
            }
            if (Directory.Exists(path))
            {
                return null;
            }
        }
        return null;
    }

    /// <inheritdoc/>
    public override Stream CreateEventFile(string directory, string? suffix, out string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        // A directory this call created itself holds no earlier file the new name must sort after (at most files of
        // writers starting with this one), so it is not listed: listing cost a fresh process's first writer about
        // 1.5 ms (issue 19: a short run's start). Any other directory is listed as before.
        bool createdHere = CreatedHere(directory);
        if (!createdHere)
        {
            CreateDirectory(directory);
        }
        for (int attempt = 1; ; attempt++)
        {
            IEnumerable<string> existing = createdHere ? [] : Directory.EnumerateFiles(directory);
            path = Path.Combine(directory, EventFileNames.NextAfter(DateTimeOffset.UtcNow, suffix, existing));
            try
            {
                // No FileStream buffer: TfRecordWriter gathers records itself. Readers may follow the file while it grows.
                return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            }
            catch (IOException) when (attempt < CreateAttempts && File.Exists(path))
            {
                // Someone else's file (same host name and pid): the next counter gives a new name.
            }
        }
    }

    /// <summary>
    /// True only when <paramref name="directory"/> was created by this call's own mkdir(2), after its parents: not
    /// "did not exist a moment ago", which a cached lookup (NFS) or a directory renamed into place in between can get
    /// wrong while mkdir cannot. False when it exists already, on Windows, and on any error: the caller then creates it
    /// with the usual retries and error messages, and lists it.
    /// </summary>
    private static bool CreatedHere(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }
        try
        {
            string? parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory));
            if (!string.IsNullOrEmpty(parent))
            {
                Directory.CreateDirectory(parent);
            }
            return UnixDirectory.TryCreate(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException
            or DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Walked by <see cref="LogDirectoryWalk"/>, the one policy for local directories: links are followed only to
    /// targets inside <paramref name="directory"/>, each real directory is listed once (a loop such as <c>x -&gt; .</c>
    /// ends), and only regular files are returned (FIFOs, devices and sockets are skipped with a warning). Paths
    /// start with <paramref name="directory"/> as given.
    /// </remarks>
    public override IReadOnlyList<string> ListFiles(string directory, bool recursive)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            return [];
        }
        string root = Path.GetFullPath(directory);
        var walk = LogDirectoryWalk.Directories(root);
        string[] files = [.. (recursive ? walk : walk.Take(1)).SelectMany(entry => entry.Files).Select(file => Path.Join(directory, Path.GetRelativePath(root, file)))];
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Only a regular file is opened, and the open never blocks (see <see cref="RegularFile"/>): a FIFO or device put
    /// where the walk saw an event file is a <see cref="NotRegularFileException"/> instead of a hang.
    /// </remarks>
    /// <exception cref="NotRegularFileException">The path is a FIFO, device, socket or directory.</exception>
    public override Stream OpenRead(string path) => RegularFile.OpenRead(path);
}
