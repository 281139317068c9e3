namespace TbLogger.Parquet;

/// <summary>
/// Output files written under temporary names beside their targets and moved into place together once every one is
/// complete. Why: Parquet.Net writes a file's footer when its writer is disposed, also after a failure or a
/// cancellation, so a table cut short in place is a valid file holding some of the rows, which nothing tells apart
/// from a whole export; and a failed export would also have destroyed the previous one.
/// </summary>
internal sealed class StagedFiles : IDisposable
{
    private readonly List<(string Temporary, string Target)> _files = [];

    /// <summary>Creates the temporary file for <paramref name="target"/> (a hidden name in its directory, never an existing file).</summary>
    public FileStream Create(string target)
    {
        string full = Path.GetFullPath(target);
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.partial");
        var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16, useAsync: false);
        _files.Add((temporary, target));
        return stream;
    }

    /// <summary>Moves every file into place (replacing what is there); call once all are written and closed.</summary>
    public void Commit()
    {
        foreach (var (temporary, target) in _files)
        {
            File.Move(temporary, target, overwrite: true);
        }
        _files.Clear();
    }

    /// <summary>Removes the temporary files of an export that did not commit.</summary>
    public void Dispose()
    {
        foreach (var (temporary, _) in _files)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The export's own error is the one worth reporting; a leftover hidden .partial file is harmless.
            }
        }
        _files.Clear();
    }
}
