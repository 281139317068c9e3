using TbLogger.Reading;

namespace TbLogger.Cli;

/// <summary>
/// Counts the corrupt records and the values that do not decode that a command's reads skip, to say so once when it
/// ends. They are skipped as TensorBoard skips them, but a listing, export, plot or replay that leaves data out
/// without a word would look complete; <c>tblog verify</c> says where each one is. Disposed when the command ends
/// (however it ends), it writes that warning to standard error.
/// </summary>
internal sealed class SkippedData(CliOutput output, string logDirectory) : IDisposable
{
    // Counted up to this many: then the warning says "at least" instead of holding one entry per problem.
    private const int MaxCounted = 100_000;

    // By file, offset and message: a command that reads a run more than once (scalars, then histograms) hears each of
    // its damaged records once per read, while two values of one record that do not decode are two reports at the
    // record's offset.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string? File, long Offset, string Message), byte> _skipped = new();

    /// <summary><paramref name="options"/>, counting every report (on any thread) before any report they already make.</summary>
    public LogDirReaderOptions Count(LogDirReaderOptions options)
    {
        var report = options.RecordOptions.OnCorruptRecord;
        return options with
        {
            RecordOptions = options.RecordOptions with
            {
                OnCorruptRecord = error =>
                {
                    if (_skipped.Count < MaxCounted)
                    {
                        _skipped.TryAdd((error.SourceName, error.Offset, error.Message), 0);
                    }
                    report?.Invoke(error);
                },
            },
        };
    }

    /// <summary>Writes one warning to standard error when anything was skipped.</summary>
    public void Dispose()
    {
        int count = _skipped.Count;
        if (count > 0)
        {
            output.Error.WriteLine(
                $"tblog: warning: skipped {(count >= MaxCounted ? $"at least {MaxCounted}" : count)} corrupt record(s) or value(s) that do not decode, as TensorBoard does; 'tblog verify {PathPolicy.Printable(logDirectory)}' says where.");
        }
    }
}
