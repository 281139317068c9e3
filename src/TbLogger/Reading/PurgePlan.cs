using TbLogger.Loading;
using TbLogger.Records;

namespace TbLogger.Reading;

/// <summary>
/// The points of one run that a TensorBoard loader drops (the rules are <see cref="LoaderModel"/>'s), found in a first
/// pass so that the second pass can stream: each mark says "events before record <c>Ordinal</c> with step &gt;=
/// <c>Step</c> are dropped", for every tag (the Python loader's SessionLog START after the run's first) or for one tag
/// (the data server's eviction by a step that repeats or goes back; the Python loader's out-of-order purge in files
/// whose version does not purge on START).
/// </summary>
internal sealed class PurgePlan
{
    public static readonly PurgePlan None = new([], new Dictionary<string, List<(long, long)>>());

    private readonly long[] _ordinals;
    private readonly long[] _minStepFrom;
    private readonly Dictionary<string, TagMarks> _byTag;

    private PurgePlan(List<(long Ordinal, long Step)> all, Dictionary<string, List<(long, long)>> byTag)
    {
        (_ordinals, _minStepFrom) = Suffix(all);
        _byTag = byTag.ToDictionary(p => p.Key, p => new TagMarks(Suffix(p.Value)), StringComparer.Ordinal);
    }

    public bool IsEmpty => _ordinals.Length == 0 && _byTag.Count == 0;

    /// <summary>True when some mark drops every tag's events (the Python loader's SessionLog START).</summary>
    public bool HasEventMarks => _ordinals.Length > 0;

    public int Marks => _ordinals.Length + _byTag.Values.Sum(t => t.Ordinals.Length);

    /// <summary>The tags that have marks.</summary>
    public IEnumerable<string> MarkedTags => _byTag.Keys;

    /// <summary>True when a later START purges an event at <paramref name="ordinal"/> with <paramref name="step"/>.</summary>
    public bool IsEventPurged(long ordinal, long step) => IsPurged(_ordinals, _minStepFrom, ordinal, step);

    /// <summary>True when a later out-of-order event of the same tag purges this value.</summary>
    public bool IsTagPurged(string tag, long ordinal, long step) =>
        _byTag.Count > 0 && _byTag.TryGetValue(tag, out var marks) && marks.IsPurged(ordinal, step);

    /// <summary>The marks of <paramref name="tag"/>, or null: looked up once per tag by the scalar scan, then asked per value.</summary>
    public TagMarks? MarksFor(string tag) => _byTag.Count > 0 && _byTag.TryGetValue(tag, out var marks) ? marks : null;

    /// <summary>The purge marks of one tag.</summary>
    internal sealed class TagMarks((long[] Ordinals, long[] MinStepFrom) marks)
    {
        public long[] Ordinals { get; } = marks.Ordinals;

        private readonly long[] _minStepFrom = marks.MinStepFrom;

        /// <summary>The smallest step of the marks from each one on (tests compare plans built two ways).</summary>
        public IReadOnlyList<long> MinStepFrom => _minStepFrom;

        /// <summary>True when a later out-of-order event of this tag purges a value at <paramref name="ordinal"/> with <paramref name="step"/>.</summary>
        public bool IsPurged(long ordinal, long step) => PurgePlan.IsPurged(Ordinals, _minStepFrom, ordinal, step);
    }

    /// <summary>The data server's plan from per-tag marks in file order (<see cref="SegmentPrePass"/>'s merge), <see cref="None"/> without any.</summary>
    public static PurgePlan FromTagMarks(Dictionary<string, List<(long, long)>> byTag) => byTag.Count == 0 ? None : new PurgePlan([], byTag);

    /// <summary>The plan for <paramref name="run"/> under <see cref="LogDirReaderOptions.Loader"/>, or <see cref="None"/> without purges.</summary>
    /// <param name="run">The run.</param>
    /// <param name="options">The reader's options.</param>
    /// <param name="recordOptions">The record options to read with, when not <paramref name="options"/>' own (a parallel read reroutes the corruption reports).</param>
    /// <param name="cancellation">Stops the pass (an abandoned parallel read).</param>
    /// <remarks>
    /// The pass reports no corrupt record: the read it plans meets every one again and reports it there, so a damaged
    /// record was heard twice. With skipping off it still throws at the first, before the read returns anything.
    /// </remarks>
    public static PurgePlan For(RunInfo run, LogDirReaderOptions options, TfRecordReaderOptions? recordOptions = null, CancellationToken cancellation = default)
    {
        if (!options.PurgeOrphanedData)
        {
            return None;
        }
        TfRecordReaderOptions silent = (recordOptions ?? options.RecordOptions) with { OnCorruptRecord = null };
        return options.Loader == TensorBoardLoader.Python ? BuildPython(run, silent, cancellation) : BuildDataServer(run, silent, cancellation);
    }

    /// <summary>
    /// The data server: SessionLog is ignored; per tag, in file order, a point at a step that repeats or goes back
    /// evicts the tag's kept points at steps &gt;= it. Kept points always ascend, so only such points are marks.
    /// </summary>
    private static PurgePlan BuildDataServer(RunInfo run, TfRecordReaderOptions recordOptions, CancellationToken cancellation)
    {
        var marks = new DataServerMarks();
        var tags = new TagTable();
        // The cursor and the tag table rather than RunRecords.Enumerate and string lookups: this pass reads the whole
        // run before the first point is returned, so its cost per record is the reader's latency.
        using var records = new RunRecordCursor(run, recordOptions);
        return marks.ObserveToEnd(records, tags, cancellation);
    }

    /// <summary>
    /// The data server's eviction marks of one run, gathered by a pass that observes every value (any tag, any plugin)
    /// in file order, each tag's steps followed on its <see cref="TagState"/> by <see cref="LoaderModel.TagStepState"/>.
    /// Used by the pre-pass above and by the scalar scan's single pass, which goes on as the pre-pass when it cannot
    /// hold the whole run (so the part it read is not read again for the plan).
    /// </summary>
    internal sealed class DataServerMarks
    {
        private Dictionary<string, List<(long, long)>>? _byTag;

        /// <summary>True once a point repeated or went back: the run has points the loader drops.</summary>
        public bool Any => _byTag is not null;

        /// <summary>Takes a value of <paramref name="tag"/> at <paramref name="step"/> in record <paramref name="ordinal"/>.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Observe(TagState tag, long ordinal, long step)
        {
            if (tag.Steps.Observe(step))
            {
                AddMark(_byTag ??= new Dictionary<string, List<(long, long)>>(StringComparer.Ordinal), tag.Tag, ordinal, step);
            }
        }

        /// <summary>
        /// Takes every value of every summary <paramref name="records"/> has left and returns the plan: the whole
        /// pre-pass, or the rest of a single pass that could not hold its run.
        /// </summary>
        public PurgePlan ObserveToEnd(RunRecordCursor records, TagTable tags, CancellationToken cancellation)
        {
            do
            {
                // Before every batch, the first included: an abandoned read stops before it starts.
                cancellation.ThrowIfCancellationRequested();
            }
            while (ObserveRecords(records, tags, BatchRecords));
            return ToPlan();
        }

        /// <summary>
        /// Records a pre-pass loop takes per call (<see cref="ObserveRecords"/>, <see cref="SegmentPrePass"/>): the
        /// loop is a method called hundreds of times per million records, not once per run or segment, so the runtime
        /// replaces its first code by fully optimised code (tier 1) after 30 calls. A loop called once per pass ran
        /// its whole life as the code swapped in on the stack (on-stack replacement), about 20 % slower per record
        /// (issue 19).
        /// </summary>
        internal const int BatchRecords = 4096;

        /// <summary>
        /// Takes every value of up to <paramref name="count"/> records of <paramref name="records"/>; false when the
        /// records ended.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private bool ObserveRecords(RunRecordCursor records, TagTable tags, int count)
        {
            for (int i = 0; i < count; i++)
            {
                if (!records.MoveNext())
                {
                    return false;
                }
                if (records.Header.Kind == EventKind.Summary)
                {
                    ObserveSummary(records.Span.Slice(records.Header.PayloadStart, records.Header.PayloadLength), 0, tags, records.Ordinal, records.Header.Step);
                }
            }
            return true;
        }

        /// <summary>Takes every value of a summary's bytes from <paramref name="pos"/> on (a value that does not decode is not a point).</summary>
        /// <remarks>Inlined into <see cref="ObserveRecords"/>'s loop: a call per record zeroed this method's frame each time.</remarks>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void ObserveSummary(ReadOnlySpan<byte> summary, int pos, TagTable tags, long ordinal, long step)
        {
            while (EventWire.TryNextValue(summary, ref pos, out int start, out int length))
            {
                ReadOnlySpan<byte> value = summary.Slice(start, length);
                if (EventWire.TryReadCommonScalar(value, out int tagLength, out _, out _) != 0)
                {
                    Observe(tags.Get(value.Slice(2, tagLength)), ordinal, step);
                }
                else if (EventWire.TryReadValue(value, out ValueInfo info))
                {
                    Observe(tags.Get(value.Slice(info.TagStart, info.TagLength)), ordinal, step);
                }
            }
        }

        /// <summary>The plan of the marks seen, <see cref="None"/> without any.</summary>
        public PurgePlan ToPlan() => _byTag is null ? None : new PurgePlan([], _byTag);

        /// <summary>The marks seen so far per tag, in file order; null without any (a segment's marks, see <see cref="SegmentPrePass"/>).</summary>
        public Dictionary<string, List<(long Ordinal, long Step)>>? ByTag => _byTag;
    }

    /// <summary>
    /// The Python loader (<c>plugin_event_accumulator._MaybePurgeOrphanedData</c>): in files of version 2 the run's
    /// first SessionLog START is a session's start, not a restart, and is ignored; each later START purges every tag.
    /// Older files purge a summary's own tags when its step is below the most recent summary's.
    /// </summary>
    private static PurgePlan BuildPython(RunInfo run, TfRecordReaderOptions recordOptions, CancellationToken cancellation)
    {
        var all = new List<(long, long)>();
        var byTag = new Dictionary<string, List<(long, long)>>(StringComparer.Ordinal);
        double? fileVersion = null;
        long mostRecentStep = -1;
        bool seenSessionStart = false;
        var tags = new TagTable();
        using var records = new RunRecordCursor(run, recordOptions);
        while (records.MoveNext())
        {
            if ((records.Ordinal & 0xFFFF) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }
            RecordRef record = records.Current;
            EventHeader header = record.Header;
            if (header.Kind == EventKind.FileVersion)
            {
                fileVersion = LoaderModel.ParseFileVersion(record.Data.Span.Slice(header.PayloadStart, header.PayloadLength));
            }
            if (LoaderModel.PurgesOnSessionStart(fileVersion))
            {
                if (header.Kind == EventKind.SessionLog && header.SessionStatus == EventWire.SessionStart)
                {
                    if (seenSessionStart)
                    {
                        all.Add((record.Ordinal, header.Step));
                    }
                    seenSessionStart = true;
                }
            }
            else if (header.Kind == EventKind.Summary && LoaderModel.PurgesOutOfOrder(fileVersion, header.Step, mostRecentStep))
            {
                ReadOnlySpan<byte> summary = record.Data.Span.Slice(header.PayloadStart, header.PayloadLength);
                int pos = 0;
                while (EventWire.TryNextValue(summary, ref pos, out int start, out int length))
                {
                    if (EventWire.TryReadValue(summary.Slice(start, length), out ValueInfo info))
                    {
                        AddMark(byTag, tags.Get(summary.Slice(start + info.TagStart, info.TagLength)).Tag, record.Ordinal, header.Step);
                    }
                }
            }
            if (header.Kind == EventKind.Summary)
            {
                mostRecentStep = header.Step;
            }
        }
        return all.Count == 0 && byTag.Count == 0 ? None : new PurgePlan(all, byTag);
    }

    private static void AddMark(Dictionary<string, List<(long, long)>> byTag, string tag, long ordinal, long step)
    {
        if (!byTag.TryGetValue(tag, out var list))
        {
            byTag[tag] = list = [];
        }
        list.Add((ordinal, step));
    }

    private static (long[] Ordinals, long[] MinStepFrom) Suffix(List<(long Ordinal, long Step)> marks)
    {
        var ordinals = new long[marks.Count];
        var minFrom = new long[marks.Count];
        long min = long.MaxValue;
        for (int i = marks.Count - 1; i >= 0; i--)
        {
            ordinals[i] = marks[i].Ordinal;
            min = Math.Min(min, marks[i].Step);
            minFrom[i] = min;
        }
        return (ordinals, minFrom);
    }

    private static bool IsPurged(long[] ordinals, long[] minStepFrom, long ordinal, long step)
    {
        if (ordinals.Length == 0)
        {
            return false;
        }
        int index = Array.BinarySearch(ordinals, ordinal + 1);
        if (index < 0)
        {
            index = ~index;
        }
        return index < ordinals.Length && step >= minStepFrom[index];
    }
}
