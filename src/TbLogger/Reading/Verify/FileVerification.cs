namespace TbLogger.Reading.Verify;

/// <summary>The verification of one event file.</summary>
/// <param name="File">The file.</param>
/// <param name="Run">Its run.</param>
/// <param name="Length">Its size in bytes when read.</param>
/// <param name="Records">Records that framed and verified.</param>
/// <param name="GoodPrefixLength">Bytes from the start up to the end of the last good record before the first problem: what a repair keeps.</param>
/// <param name="Problems">Its problems, by offset.</param>
public sealed record FileVerification(string File, string Run, long Length, long Records, long GoodPrefixLength, IReadOnlyList<VerifyProblem> Problems);

/// <summary>The result of verifying a log directory.</summary>
/// <param name="LogDirectory">The directory.</param>
/// <param name="Files">Every event file checked.</param>
public sealed record VerifyReport(string LogDirectory, IReadOnlyList<FileVerification> Files)
{
    /// <summary>Every problem, file by file.</summary>
    public IEnumerable<VerifyProblem> Problems => Files.SelectMany(f => f.Problems);

    /// <summary>True when no problem was found.</summary>
    public bool IsClean => Files.All(f => f.Problems.Count == 0);
}
