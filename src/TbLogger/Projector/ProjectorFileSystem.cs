using System.Diagnostics;
using System.Text;

namespace TbLogger.Projector;

/// <summary>
/// The projector's file operations in a run directory that may hold planted links: directories are created one level
/// at a time and refused when a level is a symbolic link; files are written to a new temporary file (created
/// exclusively, which never follows a link) and renamed over the target (which replaces a link, never its target);
/// the config is read only when it is a regular file of sane size; and concurrent writers serialise on a lock file.
/// </summary>
internal static class ProjectorFileSystem
{
    /// <summary>How long a writer waits for another writer's config update before giving up (default 30 s).</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public static void CreateDirectories(string root, string relative)
    {
        string current = root;
        foreach (string segment in relative.Split('/'))
        {
            current = Path.Combine(current, segment);
            RefuseLink(current);
            Directory.CreateDirectory(current);
            // Created, or someone else's: check again, a link may have been swapped in meanwhile.
            RefuseLink(current);
        }
        // And the whole: resolved, the directory is still inside the (resolved) run directory.
        string realRoot = LogDirectoryWalk.RealPath(root) ?? root;
        if (LogDirectoryWalk.RealPath(current) is not { } real || !LogDirectoryWalk.IsSameOrInside(real, realRoot))
        {
            throw new IOException($"'{current}' does not resolve to a directory inside '{root}'; AddEmbedding does not write through links.");
        }
    }

    /// <summary>A new temporary file next to <paramref name="path"/> that <see cref="Replacement.Commit"/> renames over it.</summary>
    public static Replacement Replace(string path)
    {
        string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        // CreateNew is O_CREAT|O_EXCL: it fails on any existing name, links included, so it cannot write elsewhere.
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        return new Replacement(path, temporary, stream);
    }

    /// <summary>The config's text, or null when there is none.</summary>
    /// <exception cref="IOException">It is a link, a FIFO, a device or a directory.</exception>
    /// <exception cref="FormatException">It is larger than <see cref="ProjectorConfigText.MaxTextLength"/> allows.</exception>
    public static string? ReadConfig(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            throw new IOException($"'{path}' is a symbolic link; AddEmbedding does not read or write through links.");
        }
        if (!info.Exists)
        {
            if (Directory.Exists(path))
            {
                throw new IOException($"'{path}' is a directory, not a projector config.");
            }
            return null;
        }
        if (LogDirectoryWalk.SpecialFileKind(path) is { } kind)
        {
            throw new IOException($"'{path}' is a {kind}, not a projector config.");
        }
        // UTF-8 takes at most 4 bytes per character: a longer file cannot parse, so it is not read whole.
        if (info.Length > 4L * ProjectorConfigText.MaxTextLength)
        {
            throw new FormatException($"projector_config.pbtxt is {info.Length} bytes; at most {ProjectorConfigText.MaxTextLength} characters are read.");
        }
        return File.ReadAllText(path, Encoding.UTF8);
    }

    /// <summary>Takes the run's config lock (an exclusive lock on a lock file), waiting up to <see cref="LockTimeout"/>.</summary>
    /// <exception cref="IOException">The lock file is a link, or the lock stayed taken.</exception>
    public static IDisposable Lock(string lockPath)
    {
        var clock = Stopwatch.StartNew();
        int delay = 1;
        while (true)
        {
            RefuseLink(lockPath);
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock on Unix, a share mode on Windows): it conflicts
                // with every other open of the file for the same purpose, in this process or another.
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (clock.Elapsed < LockTimeout && !Directory.Exists(lockPath))
            {
                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException ex) when (clock.Elapsed >= LockTimeout)
            {
                throw new IOException($"Another writer held '{lockPath}' for more than {LockTimeout.TotalSeconds:0} s; the embedding files are written but projector_config.pbtxt was not updated.", ex);
            }
        }
    }

    private static void RefuseLink(string path)
    {
        if (new FileInfo(path).LinkTarget is { } target)
        {
            throw new IOException($"'{path}' is a symbolic link (to '{target}'); AddEmbedding does not write through links.");
        }
    }

    /// <summary>A file being written under a temporary name; renamed into place by <see cref="Commit"/>, else deleted.</summary>
    internal sealed class Replacement(string path, string temporary, FileStream stream) : IDisposable
    {
        private bool _committed;

        public FileStream Stream { get; } = stream;

        public void Commit()
        {
            Stream.Flush();
            Stream.Dispose();
            // rename(2) replaces the name: a link planted there is replaced, its target is untouched.
            File.Move(temporary, path, overwrite: true);
            _committed = true;
        }

        public void Dispose()
        {
            Stream.Dispose();
            if (!_committed)
            {
                File.Delete(temporary);
            }
        }
    }
}
