using TbLogger.Protos;

namespace TbLogger.Reading;

/// <summary>
/// Reads a TensorBoard log directory as TensorBoard does: every directory holding event files is a run (named by its
/// path relative to the log directory), a run's files are read in file-name order, and the points TensorBoard drops
/// are dropped (<see cref="LogDirReaderOptions.Loader"/>, <see cref="LogDirReaderOptions.PurgeOrphanedData"/>). Reading streams: typed reads (<see cref="ReadScalars"/>,
/// <see cref="ReadImages"/>, ...) hold one record at a time, plus one small first pass per run that finds purges.
/// Truncated tails end a file quietly; corrupt records follow <see cref="LogDirReaderOptions.RecordOptions"/>.
/// </summary>
/// <example>
/// <code>
/// var reader = new LogDirReader("runs");
/// foreach (var p in reader.ReadScalars(new ReadFilter { Tags = TagFilter.Glob("train/*"), Steps = StepRange.Parse("100:") }))
///     Console.WriteLine($"{p.Run} {p.Tag} {p.Step} {p.Value}");
/// </code>
/// </example>
public sealed partial class LogDirReader
{
    /// <summary>Creates a reader; nothing is read until a method is called, and each call sees the directory as it is then.</summary>
    /// <param name="logDirectory">The log directory (itself a run when it holds event files).</param>
    /// <param name="options">Reading options; null for <see cref="LogDirReaderOptions.Default"/>.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public LogDirReader(string logDirectory, LogDirReaderOptions? options = null)
        : this(Storage.LogStorageRegistry.Resolve(logDirectory ?? throw new ArgumentNullException(nameof(logDirectory))), logDirectory, options)
    {
    }

    /// <summary>Creates a reader of a log directory in <paramref name="storage"/> (e.g. an S3 bucket prefix, "s3://bucket/runs").</summary>
    /// <param name="storage">Where the log directory lives.</param>
    /// <param name="logDirectory">The log directory: a local path, or a URI of the storage's scheme.</param>
    /// <param name="options">Reading options; null for <see cref="LogDirReaderOptions.Default"/>.</param>
    /// <exception cref="DirectoryNotFoundException">A local directory does not exist.</exception>
    public LogDirReader(Storage.LogStorage storage, string logDirectory, LogDirReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        if (storage.IsLocal)
        {
            if (!Directory.Exists(logDirectory))
            {
                throw new DirectoryNotFoundException($"Log directory '{logDirectory}' does not exist.");
            }
            LogDirectory = Path.GetFullPath(logDirectory);
        }
        else
        {
            LogDirectory = logDirectory.TrimEnd('/');
        }
        _storage = storage;
        Options = options ?? LogDirReaderOptions.Default;
        ArgumentNullException.ThrowIfNull(Options.RecordOptions, "options.RecordOptions");
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxDegreeOfParallelism, "options.MaxDegreeOfParallelism");
        _bytesRead = ByteProgress.For(Options.ReadProgress);
    }

    private readonly Storage.LogStorage _storage;

    private long _malformedValues;

    /// <summary>Byte progress of the main reads (null when nobody listens).</summary>
    internal ByteProgress? BytesRead => _bytesRead;

    /// <summary>Runs that <see cref="ReadScalars"/> read in segments on several threads (tests tell that path from the one-thread fallback by it).</summary>
    internal int SegmentedReads;

    /// <summary>Runs whose summary a helper thread made and the caller took (for tests: Summarize does share its runs).</summary>
    internal int SummariesTakenAhead;

    /// <summary>Runs whose single pass could not hold them, found nothing to evict and read on from where it stopped (for tests).</summary>
    internal int ResumedSinglePasses;

    /// <summary>Called with the run when its single pass stopped holding and the rest is about to be observed apart (for tests: what a file may meet then).</summary>
    internal Action<RunInfo>? SinglePassStopped;

    /// <summary>Counts what the main reads consume for <see cref="LogDirReaderOptions.ReadProgress"/> (not the purge pre-pass).</summary>
    private readonly ByteProgress? _bytesRead;

    /// <summary>The log directory's full path.</summary>
    public string LogDirectory { get; }

    /// <summary>The options.</summary>
    public LogDirReaderOptions Options { get; }

    /// <summary>
    /// Values (and records) skipped so far because their payload does not decode although their framing verifies:
    /// a truncated tensor, a histogram with more counts than limits, a PR curve that is not [6, T], ... Each one is
    /// also reported, with file and record offset, to <see cref="Records.TfRecordReaderOptions.OnCorruptRecord"/> of
    /// <see cref="LogDirReaderOptions.RecordOptions"/> as a <see cref="Records.TfRecordCorruptException"/> with
    /// <see cref="Records.TfRecordCorruption.InvalidPayload"/>. With skipping off that exception is thrown instead;
    /// no other exception type leaves a read for a malformed value.
    /// </summary>
    public long MalformedValues => Interlocked.Read(ref _malformedValues);

    /// <summary>The runs, sorted by name.</summary>
    /// <param name="runs">Which runs; null for all.</param>
    /// <returns>The runs found now.</returns>
    public IReadOnlyList<RunInfo> GetRuns(TagFilter? runs = null) => RunDiscovery.Discover(_storage, LogDirectory, runs);

    /// <summary>
    /// Every event of <paramref name="run"/> that TensorBoard keeps (by <see cref="LogDirReaderOptions.Loader"/>'s rules),
    /// parsed, in file order: events purged by a later SessionLog START are skipped and purged or evicted values are
    /// removed from their summaries. Non-summary events (file_version, session logs, graphs) are included.
    /// </summary>
    /// <param name="run">A run from <see cref="GetRuns"/>.</param>
    /// <returns>A lazy sequence.</returns>
    public IEnumerable<RunEvent> ReadEvents(RunInfo run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return ReadEvents(run, probe: null);
    }

    /// <summary>
    /// The events of <paramref name="run"/> as <see cref="ReadEvents(RunInfo)"/> gives them. With
    /// <paramref name="probe"/> (a helper's read ahead, see <see cref="RunsAhead"/>) what would be reported only marks
    /// the probe dirty and ends the read, the bytes read are counted on the probe, and a stopped probe ends the read
    /// at the next record (by throwing).
    /// </summary>
    internal IEnumerable<RunEvent> ReadEvents(RunInfo run, CleanRunProbe? probe)
    {
        foreach (RunRecord record in ReadRecords(run, probe, keepScalarsEncoded: false))
        {
            yield return new RunEvent(run.Name, record.Event!, record.Record.File, record.Record.Offset);
        }
    }

    /// <summary>
    /// The records of <paramref name="run"/> whose events <see cref="ReadEvents(RunInfo, CleanRunProbe?)"/> gives (with
    /// <paramref name="probe"/> as there), each with its event; with <paramref name="keepScalarsEncoded"/>, a record of
    /// one of the scalar layouts that no purge touches comes undecoded instead (its layout, step and tag): a replay
    /// writes its value's bytes again without building the objects of an event (issue 19).
    /// </summary>
    internal IEnumerable<RunRecord> ReadRecords(RunInfo run, CleanRunProbe? probe, bool keepScalarsEncoded)
    {
        var (recordOptions, skipped, progress) = ReadSinks(probe);
        CancellationToken cancellation = probe?.Stop ?? CancellationToken.None;
        Action<Records.TfRecordCorruptException> reject = probe is null ? RejectMalformed : probe.Report;
        PurgePlan plan = PurgePlan.For(run, Options, recordOptions, cancellation);
        var names = new Utf8StringCache();
        foreach (RecordRef record in RunRecords.Enumerate(run, recordOptions, progress, skipped))
        {
            cancellation.ThrowIfCancellationRequested();
            if (keepScalarsEncoded
                && Events.EventShape.MatchScalar(record.Data.Span, out long step, out int tagStart, out int tagLength, out int valueAt) is var layout and not Events.ScalarLayout.None)
            {
                string tag = Events.EventRecordDecoder.Tag(record.Data.Span.Slice(tagStart, tagLength), names);
                if (plan.IsEmpty || (!plan.IsEventPurged(record.Ordinal, step) && !plan.IsTagPurged(tag, record.Ordinal, step)))
                {
                    yield return new RunRecord(record, Event: null, layout, tag, tagStart + tagLength, valueAt);
                    continue;
                }
                // Purged: decoded below, as every other record, so it is left out exactly as ReadEvents leaves it out.
            }
            if (DecodeEvent(record, names, reject) is not { } value)
            {
                continue;
            }
            if (value.WhatCase == Event.WhatOneofCase.Summary && !plan.IsEmpty)
            {
                if (plan.IsEventPurged(record.Ordinal, value.Step))
                {
                    continue;
                }
                for (int i = value.Summary.Value.Count - 1; i >= 0; i--)
                {
                    if (plan.IsTagPurged(value.Summary.Value[i].Tag, record.Ordinal, value.Step))
                    {
                        value.Summary.Value.RemoveAt(i);
                    }
                }
            }
            yield return new RunRecord(record, value, Events.ScalarLayout.None, Tag: null, ValueFieldAt: 0, ValueAt: 0);
        }
    }

    /// <summary>
    /// Where a read of one run sends what it meets: the reader's own record options, report of skipped data and byte
    /// progress; or, for a helper's read ahead (<paramref name="probe"/>), the probe, which only notes a report and
    /// stops the read, and counts the bytes apart.
    /// </summary>
    private (Records.TfRecordReaderOptions Records, Action<Records.TfRecordCorruptException> Skipped, ByteProgress? Progress) ReadSinks(CleanRunProbe? probe) =>
        probe is null
            ? (Options.RecordOptions, ReportMalformed, _bytesRead)
            : (Options.RecordOptions with { OnCorruptRecord = probe.Report }, probe.Report, _bytesRead is null ? null : probe.Progress);

    /// <summary>The values selected by <paramref name="filter"/>, after purges, with their plugin resolved.</summary>
    internal IEnumerable<ValueRef> Values(ReadFilter? filter, PluginKind? kind)
    {
        filter ??= ReadFilter.All;
        var tags = new Utf8StringCache();
        foreach (RunInfo run in GetRuns(filter.Runs))
        {
            foreach (ValueRef v in RunValues(run, filter, kind, tags, Options.RecordOptions, ReportMalformed, _bytesRead, CancellationToken.None))
            {
                yield return v;
            }
        }
    }

    /// <summary>
    /// The values of one run, as <see cref="Values"/> gives them; corrupt records reach <paramref name="recordOptions"/>'
    /// handler, records whose event does not decode <paramref name="skipped"/> and the bytes read
    /// <paramref name="progress"/> (a read that is not the caller's, such as a summary made ahead on another thread,
    /// passes its own), and <paramref name="cancellation"/> ends it at the next record.
    /// </summary>
    private IEnumerable<ValueRef> RunValues(RunInfo run, ReadFilter filter, PluginKind? kind, Utf8StringCache tags,
        Records.TfRecordReaderOptions recordOptions, Action<Records.TfRecordCorruptException> skipped, ByteProgress? progress,
        CancellationToken cancellation)
    {
        PurgePlan plan = PurgePlan.For(run, Options, recordOptions, cancellation);
        var plugins = new TagPlugins();
        foreach (RecordRef record in RunRecords.Enumerate(run, recordOptions, progress, skipped))
        {
            cancellation.ThrowIfCancellationRequested();
            EventHeader header = record.Header;
            if (header.Kind != EventKind.Summary)
            {
                continue;
            }
            bool inRange = filter.Steps.Contains(header.Step) && !plan.IsEventPurged(record.Ordinal, header.Step);
            int pos = 0;
            while (true)
            {
                if (!TryNextValue(record, ref pos, out int start, out int length, out ValueInfo info, out string? tag, tags))
                {
                    break;
                }
                if (filter.Tags is { } tagFilter && !tagFilter.IsMatch(tag!))
                {
                    continue;
                }
                // Resolve before the step and purge checks: a tag's metadata may come with a step that is filtered out.
                var (plugin, pluginKind) = plugins.Resolve(tag!, record.Data.Span.Slice(header.PayloadStart + start, length), info);
                if (!inRange || (kind is { } wanted && wanted != pluginKind) || plan.IsTagPurged(tag!, record.Ordinal, header.Step))
                {
                    continue;
                }
                yield return new ValueRef(run.Name, tag!, plugin, pluginKind, record, header.PayloadStart + start, length, info);
            }
        }
    }

    /// <summary>Decodes one value; a malformed one is counted and skipped (null), or thrown as corruption when strict.</summary>
    internal T? Decode<T>(in ValueRef v, ValueDecoder<T> decode)
        where T : class
    {
        try
        {
            return decode(v);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            Malformed(v, ex);
            return null;
        }
    }

    /// <summary>A decoder of one value's payload; it may throw anything the data provokes.</summary>
    internal delegate T? ValueDecoder<T>(in ValueRef v)
        where T : class;

    /// <summary>What hostile bytes can make a decoder throw: everything but running out of memory or being cancelled.</summary>
    internal static bool IsMalformed(Exception ex) =>
        ex is not (OutOfMemoryException or OperationCanceledException or Records.TfRecordCorruptException);

    internal void Malformed(in ValueRef v, Exception ex) =>
        Malformed(v.File, v.Offset, $"value '{v.Tag}' at step {v.Step} does not decode: {ex.Message}", ex);

    /// <summary>
    /// The event of <paramref name="record"/>, decoded as <see cref="Events.EventFileReader"/> decodes one (the scalar
    /// layouts built without the protobuf parser, their tags from <paramref name="names"/>); null for a record that is
    /// not an Event, handed to <paramref name="reject"/> (<see cref="RejectMalformed"/> reports it, or throws it when
    /// skipping is off).
    /// </summary>
    private Event? DecodeEvent(in RecordRef record, Utf8StringCache names, Action<Records.TfRecordCorruptException> reject) =>
        Events.EventRecordDecoder.Deliver(
            Events.EventRecordDecoder.Decode(record.Data.Span, record.Offset, record.File, names, out Exception? failure), failure, reject);

    /// <summary>Reports a record or value that does not decode, or throws it when skipping is off (made once per reader).</summary>
    private Action<Records.TfRecordCorruptException> RejectMalformed => field ??= corrupt => ReportMalformed(ThrowIfStrict(corrupt));

    private void Malformed(string file, long offset, string detail, Exception? inner) => ReportMalformed(MalformedError(file, offset, detail, inner));

    /// <summary>The corruption a malformed value is reported as; thrown here when skipping is off.</summary>
    internal Records.TfRecordCorruptException MalformedError(string file, long offset, string detail, Exception? inner) =>
        ThrowIfStrict(new Records.TfRecordCorruptException(file, offset, Records.TfRecordCorruption.InvalidPayload, detail, inner));

    /// <summary><paramref name="corrupt"/>, thrown here when skipping is off.</summary>
    private Records.TfRecordCorruptException ThrowIfStrict(Records.TfRecordCorruptException corrupt) =>
        Options.RecordOptions.SkipCorruptRecords ? corrupt : throw corrupt;

    /// <summary>Counts and reports a skipped malformed value (on the thread that consumes the read, in read order).</summary>
    internal void ReportMalformed(Records.TfRecordCorruptException corrupt)
    {
        Interlocked.Increment(ref _malformedValues);
        Options.RecordOptions.OnCorruptRecord?.Invoke(corrupt);
    }

    private static bool TryNextValue(in RecordRef record, ref int pos, out int start, out int length, out ValueInfo info, out string? tag, Utf8StringCache tags)
    {
        ReadOnlySpan<byte> summary = record.Data.Span.Slice(record.Header.PayloadStart, record.Header.PayloadLength);
        info = default;
        tag = null;
        while (EventWire.TryNextValue(summary, ref pos, out start, out length))
        {
            ReadOnlySpan<byte> value = summary.Slice(start, length);
            // The layouts writers repeat (a tag, then a simple_value or a tensor, no metadata) without the general walk.
            int field = EventWire.TryReadCommonScalar(value, out int tagLength, out int payloadStart, out int payloadLength);
            if (field != 0)
            {
                info = EventWire.CommonInfo(value, field, tagLength, payloadStart, payloadLength);
                tag = tags.Get(value.Slice(2, tagLength));
                return true;
            }
            if (EventWire.TryReadValue(value, out info))
            {
                tag = tags.Get(value.Slice(info.TagStart, info.TagLength));
                return true;
            }
        }
        start = length = 0;
        return false;
    }
}
