using TbLogger.Storage;

namespace TbLogger.Tests.Hostile;

/// <summary>
/// An object store in memory, keyed like S3 ("mem://bucket/key"): keys are whatever the data says, including
/// "runs/../../x" and "runs//tmp/x", which a real bucket accepts too. Read-only for these tests; the keys in
/// <paramref name="denied"/> are listed but refuse to be read, as a file this user may not read does.
/// </summary>
internal sealed class MemoryLogStorage(IReadOnlyDictionary<string, byte[]> objects, IReadOnlySet<string>? denied = null) : LogStorage
{
    public override bool IsLocal => false;

    public override string Combine(string directory, string name) => directory.TrimEnd('/') + "/" + name;

    public override void CreateDirectory(string directory)
    {
    }

    public override Stream CreateEventFile(string directory, string? suffix, out string path) =>
        throw new NotSupportedException("read-only test store");

    public override IReadOnlyList<string> ListFiles(string directory, bool recursive)
    {
        string prefix = directory.TrimEnd('/') + "/";
        return [.. objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    public override Stream OpenRead(string path) =>
        denied?.Contains(path) == true ? throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.")
        : objects.TryGetValue(path, out var data) ? new MemoryStream(data, writable: false) : throw new FileNotFoundException(path);
}
