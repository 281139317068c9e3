using TbLogger.Events;
using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Reading.Verify;

/// <summary>How <see cref="LogRepair"/> treats a damaged file.</summary>
public enum RepairMode
{
    /// <summary>Keep each file up to its last good record before the first problem (default).</summary>
    Truncate,

    /// <summary>
    /// Keep every record that verifies and decodes, skipping the damaged ones; past a damaged record the file is scanned
    /// byte by byte for the next good one, so records inside a torn record's claimed length are kept too.
    /// </summary>
    Salvage,
}

/// <summary>
/// Writes a clean copy of a log directory from a <see cref="VerifyReport"/>; the input is never modified. Only
/// regular files are copied: symbolic links (to files or directories), FIFOs and devices are skipped with a warning
/// on standard error (see <see cref="LogDirectoryWalk"/>).
/// </summary>
public static class LogRepair
{
    /// <summary>Copies the log directory to <paramref name="outputDirectory"/>, repairing damaged event files.</summary>
    /// <param name="report">A report from <see cref="LogVerifier.Verify(string, LogVerifierOptions?)"/>.</param>
    /// <param name="outputDirectory">A new or empty directory outside the log directory.</param>
    /// <param name="mode">What to keep of a damaged file.</param>
    /// <returns>How many event files were repaired.</returns>
    /// <exception cref="IOException">The output exists and is not empty, or lies inside the log directory.</exception>
    public static int Repair(VerifyReport report, string outputDirectory, RepairMode mode = RepairMode.Truncate)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        if (Storage.LogStorageRegistry.GetScheme(report.LogDirectory) is not null)
        {
            throw new NotSupportedException($"Repair copies a local log directory; '{report.LogDirectory}' is in an object store (download it first).");
        }
        string output = Path.GetFullPath(outputDirectory);
        string input = Path.GetFullPath(report.LogDirectory);
        if (IsSameOrInside(output, input))
        {
            throw new IOException($"The repair output '{outputDirectory}' must not be the log directory or inside it.");
        }
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new IOException($"The repair output '{outputDirectory}' already exists and is not empty.");
        }
        var damaged = report.Files.Where(f => f.Problems.Any(p => p.Severity == VerifySeverity.Error)).ToDictionary(f => Path.GetFullPath(f.File), StringComparer.Ordinal);
        int repaired = 0;
        // Regular files only, links neither followed nor copied: a copy never holds the targets of planted links.
        foreach (string source in LogDirectoryWalk.Files(input, followLinks: false))
        {
            string target = Path.Combine(output, Path.GetRelativePath(input, source));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!damaged.TryGetValue(source, out var file))
            {
                File.Copy(source, target);
                continue;
            }
            if (file.Problems.Any(p => p.Rule == LogVerifier.UnreadableRule))
            {
                // Verify could not read it; nor can the copy. Left out, said, and the rest repaired.
                LogDirectoryWalk.StandardErrorWarning($"left '{PathPolicy.Printable(source)}' out of the repair: this user may not read it.");
                continue;
            }
            repaired++;
            if (mode == RepairMode.Truncate)
            {
                CopyPrefix(source, target, file.GoodPrefixLength);
            }
            else
            {
                Salvage(source, target);
            }
        }
        return repaired;
    }

    private static void CopyPrefix(string source, string target, long length)
    {
        using var from = LocalLogStorage.Instance.OpenRead(source);
        using var to = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        byte[] buffer = new byte[81920];
        long left = length;
        while (left > 0)
        {
            int read = from.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0)
            {
                break;
            }
            to.Write(buffer, 0, read);
            left -= read;
        }
    }

    private static void Salvage(string source, string target)
    {
        // Scanning past a record whose data CRC fails or whose length runs past the end: a torn record's length does
        // not hide the good records written after it.
        using var reader = EventRecordSource.Open(LocalLogStorage.Instance, source, new TfRecordReaderOptions { SkipCorruptRecords = true, ScanPastBadRecords = true });
        using var to = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        using var writer = new TfRecordWriter(to);
        while (reader.TryReadNext(out long offset, out ReadOnlyMemory<byte> record))
        {
            // Kept when it is an Event by the readers' own judgement (the decode budget, then the parser).
            if (EventRecordDecoder.Parse(record.Span, offset, source, out _) is null)
            {
                writer.Write(record.Span);
            }
        }
    }

    private static bool IsSameOrInside(string path, string directory)
    {
        string dir = Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar;
        return string.Equals(Path.TrimEndingDirectorySeparator(path), Path.TrimEndingDirectorySeparator(directory), StringComparison.Ordinal) ||
               path.StartsWith(dir, StringComparison.Ordinal);
    }
}
