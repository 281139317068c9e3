using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Reading.Verify;

/// <summary>
/// Checks every record of every event file of a log directory: framing, both CRCs, Event decoding, then each
/// <see cref="VerifyRule"/>. Unlike reading, it does not stop at the first corrupt record: it reports each problem
/// with its file and byte offset and goes on to the next good record.
/// </summary>
public static class LogVerifier
{
    /// <summary>Verifies <paramref name="logDirectory"/>.</summary>
    /// <param name="logDirectory">The log directory.</param>
    /// <param name="options">Rules and progress; null for the defaults.</param>
    /// <returns>The report.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static VerifyReport Verify(string logDirectory, LogVerifierOptions? options = null) =>
        Verify(new LogDirReader(logDirectory), options);

    /// <summary>Verifies every event file of the log directory <paramref name="reader"/> reads (local or in an object store).</summary>
    /// <param name="reader">The log directory.</param>
    /// <param name="options">Rules and progress; null for the defaults.</param>
    /// <returns>Every file with its problems.</returns>
    public static VerifyReport Verify(LogDirReader reader, LogVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new LogVerifierOptions();
        var files = new List<FileVerification>();
        var progress = ByteProgress.For(options.Progress);
        foreach (RunInfo run in reader.GetRuns())
        {
            var runProblems = new List<VerifyProblem>();
            var context = new VerifyContext(runProblems, run);
            foreach (var rule in options.Rules)
            {
                rule.OnRunStart(context);
            }
            foreach (string file in run.Files)
            {
                int before = runProblems.Count;
                var (records, length, goodPrefix) = VerifyFile(run, file, context, runProblems, options.Rules, progress);
                var problems = runProblems.Skip(before).OrderBy(p => p.Offset).ToList();
                files.Add(new FileVerification(file, run.Name, length, records, problems.Count == 0 ? length : goodPrefix, problems));
            }
            context.File = "";
            int beforeEnd = runProblems.Count;
            foreach (var rule in options.Rules)
            {
                rule.OnRunEnd(context);
            }
            // Problems reported at run end name their own file; attach them to it.
            foreach (var problem in runProblems.Skip(beforeEnd))
            {
                int index = files.FindIndex(f => f.File == problem.File);
                if (index >= 0)
                {
                    files[index] = files[index] with { Problems = [.. files[index].Problems, problem] };
                }
            }
        }
        return new VerifyReport(reader.LogDirectory, files);
    }

    /// <summary>The rule of the problem a file this user may not read gets (<see cref="LogRepair"/> leaves such a file out).</summary>
    internal const string UnreadableRule = "read";

    private static (long Records, long Length, long GoodPrefix) VerifyFile(RunInfo run, string file, VerifyContext context, List<VerifyProblem> problems, IReadOnlyList<VerifyRule> rules, ByteProgress? progress)
    {
        context.File = file;
        long? firstProblem = null;
        long goodEnd = 0;
        long records = 0;
        var options = new TfRecordReaderOptions
        {
            SkipCorruptRecords = true,
            OnCorruptRecord = ex =>
            {
                if (ex.Corruption == TfRecordCorruption.InvalidPayload)
                {
                    // A record that framed and verified but is not an Event (or is over the decode budget): it counts.
                    records++;
                    problems.Add(new VerifyProblem(file, ex.Offset, VerifySeverity.Error, "decode", ex.Detail));
                }
                else
                {
                    problems.Add(new VerifyProblem(file, ex.Offset, VerifySeverity.Error, "framing", Describe(ex)));
                }
                firstProblem ??= ex.Offset;
            },
        };
        // The typed reader's decoding, so verify checks the events every reader returns (and decodes ahead on a
        // second core as it does).
        using var reader = EventFileReader.TryOpen(run.Storage, file, options,
            unreadable: ex => problems.Add(new VerifyProblem(file, 0, VerifySeverity.Error, UnreadableRule, $"the file cannot be read: {ex.Message}")));
        if (reader is null)
        {
            return (0, 0, 0);
        }
        long length = reader.Length ?? 0;
        var cursor = new ByteProgress.FileCursor(progress);
        while (reader.TryReadNext(out Event value, out long offset))
        {
            cursor.At(reader.Position);
            context.Offset = offset;
            context.RecordIndex = records++;
            int before = problems.Count;
            foreach (var rule in rules)
            {
                rule.OnEvent(context, value);
            }
            if (problems.Count > before && problems.Skip(before).Any(p => p.Severity == VerifySeverity.Error))
            {
                firstProblem ??= offset;
            }
            if (firstProblem is null)
            {
                goodEnd = reader.Position;
            }
        }
        if (reader.IsTruncated)
        {
            long at = reader.TruncatedAt ?? reader.Position;
            problems.Add(new VerifyProblem(file, at, VerifySeverity.Error, "framing", $"truncated record: the file ends {length - at} bytes into a record (a crash, or a writer still writing)"));
        }
        // The whole file was looked at, including a damaged or truncated tail the reader skipped.
        cursor.At(length, endOfFile: true);
        return (records, length, goodEnd);
    }

    private static string Describe(TfRecordCorruptException ex) => ex.Corruption switch
    {
        TfRecordCorruption.LengthCrcMismatch => "length CRC mismatch (skipped to the next good record)",
        TfRecordCorruption.DataCrcMismatch => "data CRC mismatch (record skipped)",
        TfRecordCorruption.LengthOverLimit => "record length over the limit (skipped to the next good record)",
        _ => "record does not decode",
    };
}
