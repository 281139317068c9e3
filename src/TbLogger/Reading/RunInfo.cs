namespace TbLogger.Reading;

/// <summary>A run: a directory holding event files.</summary>
/// <param name="Name">Path relative to the log directory with '/' separators ("." for the log directory itself), as TensorBoard names it.</param>
/// <param name="Directory">The run directory's full path.</param>
/// <param name="Files">The run's event files (full paths) in the order they are read: by file name, ordinal.</param>
public sealed record RunInfo(string Name, string Directory, IReadOnlyList<string> Files)
{
    /// <summary>Where the run's files live (local disk, or an object store such as S3).</summary>
    internal Storage.LogStorage Storage { get; init; } = TbLogger.Storage.LocalLogStorage.Instance;
}
