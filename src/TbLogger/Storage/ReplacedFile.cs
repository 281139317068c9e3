namespace TbLogger.Storage;

/// <summary>Opens an output file the way <see cref="FileMode.Create"/> does, without its cost for a file that is new.</summary>
internal static class ReplacedFile
{
    /// <summary>
    /// Opens <paramref name="path"/> for writing, replacing a file already there, like <see cref="FileMode.Create"/>.
    /// A path where nothing exists yet is opened with <see cref="FileMode.CreateNew"/> instead: .NET's Create opens
    /// with O_CREAT and then truncates with ftruncate(0), even a file it has just created, and on Linux 6.18 with ext4
    /// (measured here, issue 19) a file truncated that way took page-cache writes at about half the rate (2.1 against
    /// 4.7 GB/s in 1 MiB writes; a 10M-row CSV export 1.20-1.34 s against 1.00-1.19 s). When CreateNew fails for any
    /// reason (the file exists, a dangling link, a race), the call is exactly the Create it replaces, errors included.
    /// </summary>
    public static FileStream Open(string path, FileShare share, int bufferSize)
    {
        try
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, share, bufferSize);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, share, bufferSize);
        }
    }
}
