using System.Runtime.CompilerServices;
using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Reading;

public sealed partial class LogDirReader
{
    /// <summary>
    /// Follows the log directory live: new records of growing files, new files and new runs, polling every
    /// <see cref="LogDirReaderOptions.PollInterval"/>, never returning a half-written record. Purges cannot reach
    /// back into what was already returned, so none are applied.
    /// </summary>
    /// <param name="filter">Runs, tags, steps; null for all.</param>
    /// <param name="fromStart">True to return what the files hold already; false (default) to start at their current end.</param>
    /// <param name="cancellationToken">Ends the sequence (without throwing) when cancelled.</param>
    /// <returns>The scalars as they are written.</returns>
    public async IAsyncEnumerable<ScalarPoint> WatchScalarsAsync(ReadFilter? filter = null, bool fromStart = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        filter ??= ReadFilter.All;
        var tags = new Utf8StringCache();
        var points = new List<ScalarPoint>();
        await foreach (var (follower, record, silent) in WatchRecordsAsync(filter, fromStart, cancellationToken).ConfigureAwait(false))
        {
            if (record.Header.Kind != EventKind.Summary)
            {
                continue;
            }
            bool emit = !silent && filter.Steps.Contains(record.Header.Step);
            points.Clear();
            Resolve(follower, record, tags, filter, emit ? points : null);
            foreach (ScalarPoint p in points)
            {
                yield return p;
            }
        }
    }

    /// <summary>
    /// Follows the log directory live like <see cref="WatchScalarsAsync"/>, returning every new event parsed. With
    /// <see cref="ReadFilter.Tags"/> set, only summary events are returned, holding only the matching values.
    /// </summary>
    /// <param name="filter">Runs, tags, steps; null for all.</param>
    /// <param name="fromStart">True to return what the files hold already; false (default) to start at their current end.</param>
    /// <param name="cancellationToken">Ends the sequence (without throwing) when cancelled.</param>
    /// <returns>The events as they are written.</returns>
    public async IAsyncEnumerable<RunEvent> WatchAsync(ReadFilter? filter = null, bool fromStart = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        filter ??= ReadFilter.All;
        await foreach (var (follower, record, silent) in WatchRecordsAsync(filter, fromStart, cancellationToken).ConfigureAwait(false))
        {
            if (silent || !filter.Steps.Contains(record.Header.Step))
            {
                continue;
            }
            Protos.Event value;
            try
            {
                value = Protos.Event.Parser.ParseFrom(record.Data.Span);
            }
            catch (Google.Protobuf.InvalidProtocolBufferException ex)
            {
                Malformed(record.File, record.Offset, $"{record.Data.Length} bytes are not an Event: {ex.Message}", ex);
                continue;
            }
            if (filter.Tags is { } tagFilter)
            {
                // A tag filter selects summary values: events without any (file_version, session logs) are left out.
                if (value.Summary is not { } summary)
                {
                    continue;
                }
                for (int i = summary.Value.Count - 1; i >= 0; i--)
                {
                    if (!tagFilter.IsMatch(summary.Value[i].Tag))
                    {
                        summary.Value.RemoveAt(i);
                    }
                }
                if (summary.Value.Count == 0)
                {
                    continue;
                }
            }
            yield return new RunEvent(follower.Run, value, record.File, record.Offset);
        }
    }

    /// <summary>Every new record of every followed file; <c>Silent</c> marks records that were there before watching started.</summary>
    private async IAsyncEnumerable<(Follower Follower, RecordRef Record, bool Silent)> WatchRecordsAsync(ReadFilter filter, bool fromStart, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var followers = new Dictionary<string, Follower>(StringComparer.Ordinal);
        var runPlugins = new Dictionary<string, TagPlugins>(StringComparer.Ordinal);
        bool first = true;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (RunInfo run in GetRuns(filter.Runs))
                {
                    foreach (string file in run.Files)
                    {
                        if (!followers.TryGetValue(file, out var follower))
                        {
                            if (!runPlugins.TryGetValue(run.Name, out var plugins))
                            {
                                runPlugins[run.Name] = plugins = new TagPlugins();
                            }
                            Follower? opened = Follower.TryOpen(run, file, plugins, Options.RecordOptions, ReportMalformed);
                            if (opened is null)
                            {
                                continue;
                            }
                            followers[file] = follower = opened;
                            // Files already there when watching starts are skipped to their end unless fromStart.
                            follower.Silent = first && !fromStart;
                        }
                        while (follower.TryRead(out RecordRef record))
                        {
                            yield return (follower, record, follower.Silent);
                        }
                        follower.Silent = false;
                    }
                }
                first = false;
                try
                {
                    await Task.Delay(Options.PollInterval, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
        finally
        {
            foreach (var follower in followers.Values)
            {
                follower.Dispose();
            }
        }
    }

    private void Resolve(Follower follower, in RecordRef record, Utf8StringCache tags, ReadFilter filter, List<ScalarPoint>? emit)
    {
        int pos = 0;
        while (TryNextValue(record, ref pos, out int start, out int length, out ValueInfo info, out string? tag, tags))
        {
            if (filter.Tags is { } tagFilter && !tagFilter.IsMatch(tag!))
            {
                continue;
            }
            var plugins = follower.RunPlugins;
            var (plugin, kind) = plugins.Resolve(tag!, record.Data.Span.Slice(record.Header.PayloadStart + start, length), info);
            if (emit is null || kind != PluginKind.Scalars)
            {
                continue;
            }
            var v = new ValueRef(follower.Run, tag!, plugin, kind, record, record.Header.PayloadStart + start, length, info);
            if (Scalar(v, out double value)) // a malformed scalar is counted and reported, as by ReadScalars
            {
                emit.Add(new ScalarPoint(follower.Run, tag!, record.Header.Step, record.Header.WallTime, value));
            }
        }
    }

    /// <summary>One file being followed.</summary>
    private sealed class Follower : IDisposable
    {
        private readonly EventRecordSource _reader;
        private readonly TfRecordReaderOptions _options;
        private readonly Action<TfRecordCorruptException> _skipped;
        private long _ordinal;

        private Follower(string run, string file, TagPlugins plugins, EventRecordSource reader, TfRecordReaderOptions options, Action<TfRecordCorruptException> skipped)
        {
            Run = run;
            RunPlugins = plugins;
            File = file;
            _reader = reader;
            _options = options;
            _skipped = skipped;
        }

        public string Run { get; }

        public string File { get; }

        public bool Silent { get; set; }

        public TagPlugins RunPlugins { get; }

        public static Follower? TryOpen(RunInfo run, string file, TagPlugins plugins, TfRecordReaderOptions options, Action<TfRecordCorruptException> skipped) =>
            EventRecordSource.TryOpen(run.Storage, file, options) is { } source ? new Follower(run.Name, file, plugins, source, options, skipped) : null;

        public bool TryRead(out RecordRef record)
        {
            while (_reader.TryReadNext(out long offset, out ReadOnlyMemory<byte> data))
            {
                if (RunRecords.Undecodable(File, offset, data.Span, out EventHeader header) is { } corrupt)
                {
                    // Skipped as the other reads skip it: counted and reported (what was there before watching
                    // started is passed over silently, like its good records), or thrown when skipping is off.
                    if (!_options.SkipCorruptRecords)
                    {
                        throw corrupt;
                    }
                    if (!Silent)
                    {
                        _skipped(corrupt);
                    }
                    _ordinal++;
                    continue;
                }
                record = new RecordRef(File, offset, _ordinal++, data, header);
                return true;
            }
            record = default;
            return false;
        }

        public void Dispose() => _reader.Dispose();
    }
}
