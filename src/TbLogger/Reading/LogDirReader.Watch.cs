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
        var names = new Utf8StringCache();
        await foreach (var (follower, record, silent) in WatchRecordsAsync(filter, fromStart, cancellationToken).ConfigureAwait(false))
        {
            if (silent || !filter.Steps.Contains(record.Header.Step))
            {
                continue;
            }
            if (DecodeEvent(record, names, RejectMalformed) is not { } value)
            {
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
        int open = 0;
        long pass = 0;
        var failedAtStart = new HashSet<string>(StringComparer.Ordinal);
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
                            Follower? opened;
                            try
                            {
                                opened = Follower.TryOpen(run, file, plugins, Options.RecordOptions, ReportMalformed);
                            }
                            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                            {
                                // Its run removed, unreadable or out of descriptors for now: tried at the next poll. One
                                // there at the start stays one: what it held then is skipped unless fromStart.
                                if (first)
                                {
                                    failedAtStart.Add(file);
                                }
                                continue;
                            }
                            if (opened is null)
                            {
                                continue;
                            }
                            followers[file] = follower = opened;
                            open += opened.Closable ? 1 : 0;
                            // Files already there when watching starts are skipped to their end unless fromStart.
                            follower.Silent = (first || failedAtStart.Remove(file)) && !fromStart;
                        }
                        follower.ListedInPass = pass;
                        bool wasOpen = follower.IsOpen;
                        if (follower.Resume())
                        {
                            open += wasOpen || !follower.Closable ? 0 : 1;
                            while (follower.TryRead(out RecordRef record))
                            {
                                yield return (follower, record, follower.Silent);
                            }
                            follower.Park(closeNow: open > MaxOpenFollowers);
                            open -= follower.IsOpen ? 0 : 1;
                        }
                        follower.Silent = false;
                    }
                }
                // A file no longer listed (rotated away, deleted, its run removed) gives back its descriptor; it is
                // opened again where it stopped if it is listed again.
                foreach (Follower gone in followers.Values)
                {
                    if (gone.ListedInPass != pass && gone.IsOpen)
                    {
                        gone.Park(closeNow: true);
                        open -= gone.IsOpen ? 0 : 1;
                    }
                }
                pass++;
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

    // Beyond this many open followed local files, a file is closed as soon as it is read to its end, idle or not
    // (followed files of other stores hold no descriptor and are not counted).
    private const int MaxOpenFollowers = 128;

    /// <summary>
    /// One followed file. A local file that has not grown for <see cref="IdlePollsBeforeClosing"/> polls and was read to
    /// a clean end (no record cut short, no corrupt stretch being skipped), or any read as far as it goes while more
    /// than <see cref="MaxOpenFollowers"/> are open, is closed until it grows: following thousands
    /// of files kept a descriptor and a read buffer each, and ran out of descriptors (EMFILE at 3,000 files under the
    /// usual limit of 1,024). It is opened again where its next record starts, once it is longer than that (its size
    /// read through links) and is still the same file; a file replaced under its name is reported once and no longer
    /// followed (its bytes from that offset belong to another file; on a file system whose file numbers change between
    /// opens, such as some FUSE mounts, an idle file is therefore not followed further). Files of other stores stay
    /// open: their streams hold no descriptor.
    /// </summary>
    private sealed class Follower : IDisposable
    {
        private const int IdlePollsBeforeClosing = 2;

        private readonly LogStorage _storage;
        private readonly TfRecordReaderOptions _options;
        private readonly Action<TfRecordCorruptException> _skipped;
        private EventRecordSource? _reader;
        private FileIdentity? _identity;
        private long _resumeAt;
        private long _readUpTo;
        private long _consumedAtLastPoll = -1;
        private int _idlePolls;
        private bool _replaced;
        private long _ordinal;

        private Follower(string run, string file, TagPlugins plugins, LogStorage storage, EventRecordSource reader, TfRecordReaderOptions options, Action<TfRecordCorruptException> skipped)
        {
            Run = run;
            RunPlugins = plugins;
            File = file;
            _storage = storage;
            _reader = reader;
            _identity = reader.Identity();
            _options = options;
            _skipped = skipped;
        }

        public string Run { get; }

        public string File { get; }

        public bool Silent { get; set; }

        public TagPlugins RunPlugins { get; }

        public static Follower? TryOpen(RunInfo run, string file, TagPlugins plugins, TfRecordReaderOptions options, Action<TfRecordCorruptException> skipped) =>
            EventRecordSource.TryOpen(run.Storage, file, options) is { } source ? new Follower(run.Name, file, plugins, run.Storage, source, options, skipped) : null;

        /// <summary>True when the file is open to read: it was, or it has grown since it was closed and is the same file.</summary>
        public bool Resume()
        {
            if (_reader is not null)
            {
                return true;
            }
            if (_replaced || !TryStat(File, out long length) || length <= _readUpTo)
            {
                return false;
            }
            EventRecordSource? reopened;
            try
            {
                reopened = EventRecordSource.TryOpen(_storage, File, _options, _resumeAt);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false; // gone, unreadable or out of descriptors for now: asked again at the next poll
            }
            if (reopened is null)
            {
                return false;
            }
            // Checked on the file opened, not on a stat before it, so a replacement in between is seen too.
            if (_identity is { } before && reopened.Identity() is { } now && !before.Equals(now))
            {
                reopened.Dispose();
                _replaced = true;
                LogDirectoryWalk.StandardErrorWarning($"'{PathPolicy.Printable(File)}' was replaced by another file while followed; it is no longer followed.");
                return false;
            }
            _reader = reopened;
            _idlePolls = 0;
            return true;
        }

        /// <summary>The watch's last pass that listed the file.</summary>
        public long ListedInPass { get; set; }

        /// <summary>Whether the file is ever closed between polls (a local file); only those count toward the limit.</summary>
        public bool Closable => _storage.IsLocal;

        /// <summary>Whether the file is open now.</summary>
        public bool IsOpen => _reader is not null;

        /// <summary>
        /// After reading what there is: closes a local file idle for a few polls at a clean end (see the class remarks),
        /// or, when <paramref name="closeNow"/> (too many files open), any local file read as far as it goes; one that
        /// ends in a record cut short is then read again from that record's start.
        /// </summary>
        public void Park(bool closeNow)
        {
            if (_reader is null || !_storage.IsLocal)
            {
                return;
            }
            TfRecordReader records = _reader.Records;
            long consumed = records.Position;
            _idlePolls = consumed == _consumedAtLastPoll ? _idlePolls + 1 : 0;
            _consumedAtLastPoll = consumed;
            // A record cut short, or a corrupt stretch whose end is not in yet, is state a reader opened afresh at
            // an offset would not have: such a file stays open.
            // Its identity is read while it is idle (a file being appended to can defeat the read): a file whose
            // identity is not known is closed only when it must be, since its replacement could not be told apart.
            _identity ??= _reader.Identity();
            if ((_idlePolls >= IdlePollsBeforeClosing && !records.IsTruncated && !records.IsResynchronizing && _identity is not null) || closeNow)
            {
                // The reader's position is where its next record starts, a record cut short included (it is read again
                // from its start). Over the limit a file left in a corrupt stretch may report the rest of it again
                // when reopened: the price of staying within the process's descriptors.
                _resumeAt = consumed;
                // What was read, not the file's length now: bytes appended since the last read are read on reopening.
                _readUpTo = Math.Max(consumed, _reader.ReadUpTo ?? consumed);
                _reader.Dispose();
                _reader = null;
                _consumedAtLastPoll = -1;
            }
        }

        /// <summary>The size of the file at <paramref name="path"/>, through links; false when it cannot be had now.</summary>
        private static bool TryStat(string path, out long length)
        {
            length = 0;
            try
            {
                if (!OperatingSystem.IsWindows())
                {
                    if (!UnixFileStatus.Stat(path, out UnixFileStatus status) || !status.IsRegular)
                    {
                        return false;
                    }
                    length = status.Size;
                    return true;
                }
                var named = new FileInfo(path);
                FileSystemInfo target = named.LinkTarget is null ? named : named.ResolveLinkTarget(returnFinalTarget: true) ?? named;
                length = target is FileInfo { Exists: true } file ? file.Length : 0;
                return target.Exists;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }

        public bool TryRead(out RecordRef record)
        {
            while (_reader is not null && _reader.TryReadNext(out long offset, out ReadOnlyMemory<byte> data))
            {
                if (RunRecords.Undecodable(File, offset, data.Span, out EventHeader header, out byte[]? canonical) is { } corrupt)
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
                record = new RecordRef(File, offset, _ordinal++, canonical ?? data, header);
                return true;
            }
            record = default;
            return false;
        }

        public void Dispose() => _reader?.Dispose();
    }
}
