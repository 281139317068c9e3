using TbLogger.Records;

namespace TbLogger.Reading;

/// <summary>
/// The data server's purge pre-pass (<see cref="PurgePlan.DataServerMarks"/>) over a run split into stretches of bytes
/// (<see cref="RunSegments"/>), each stretch observed on its own by whichever thread is free, the results merged in
/// file order into exactly the plan a one-thread pass builds, plus the segments the scan reads (each stretch's first
/// record and its ordinal) and what the scan of each segment must know from before it: which tags had their plugin
/// decided, and where.
/// </summary>
/// <remarks>
/// Why the merge is exact: per tag, the one-thread pass marks a value when its step is at or below the tag's last
/// step (<see cref="Loading.LoaderModel.TagStepState"/>). Inside a segment a fresh state answers the same for every
/// value but the tag's first one in the segment, whose "last step" lies in an earlier segment: the last step of the
/// latest earlier segment that had the tag. So each segment keeps its inner marks and, per tag, its first (ordinal,
/// step) and last step; the merge walks the segments in order and adds the first value's mark where the rule says.
/// Ordinals are counted from each stretch's first record and made the run's by the merge, which knows how many
/// records came before. Marks stay in file order per tag, as <see cref="PurgePlan"/>'s suffix minima need.
/// Why the stretches are the records: a file's first stretch starts at its first record; every later one must start
/// exactly where the stretch before it stopped hopping (its first record at or after the stretch's start), or hold
/// no record when that stop lies past it or the file's records ended; the merge checks both, so a stretch that found
/// a false first record (inside another record's data) fails the split instead of reading garbage.
/// A tag's plugin is decided at its first value that names one (<see cref="ScalarScan.Resolve"/>), so the first
/// segment that decided it tells the scan of every later segment.
/// Anything that is not clean (a CRC failure, an event that does not decode, a value over the budget, a stretch that
/// does not start where the one before it stopped) gives null: the run is then read on one thread as before, which
/// meets and reports the problem exactly where it always did.
/// </remarks>
internal sealed class SegmentPrePass
{
    /// <summary>
    /// Tag states the observed segments waiting to be merged (an earlier segment is not done yet) may hold together
    /// (each segment has its own table): about 30 MB. Past it the run is read on one thread instead, so memory stays flat.
    /// </summary>
    internal const int MaxTagStates = 131_072;

    /// <summary>The longest record the pre-pass reads (16 MiB, or four stretches if more): see <see cref="Run"/>.</summary>
    internal const long RecordLimit = 16L * 1024 * 1024;

    private readonly Dictionary<string, (int Segment, PluginKind Kind)> _decided;

    private SegmentPrePass(PurgePlan plan, List<RunSegment> segments, Dictionary<string, (int, PluginKind)> decided)
    {
        Plan = plan;
        Segments = segments;
        _decided = decided;
    }

    /// <summary>The run's plan: exactly what <see cref="PurgePlan.For"/> builds for the data server.</summary>
    public PurgePlan Plan { get; }

    /// <summary>
    /// The segments the scan reads, in order: the first starts at the run's start, each other at a stretch's first
    /// record with its ordinal in the run (stretches without records are inside the segment before them).
    /// </summary>
    public List<RunSegment> Segments { get; }

    /// <summary>Gives a tag's state in the scan of segment <paramref name="segment"/> (of <see cref="Segments"/>) what earlier segments decided (its plugin).</summary>
    public void Seed(int segment, TagState tag)
    {
        if (_decided.TryGetValue(tag.Tag, out var decided) && decided.Segment < segment)
        {
            tag.PluginKnown = true;
            tag.Kind = decided.Kind;
        }
    }

    /// <summary>
    /// Observes the stretches of <paramref name="segments"/> on the caller's thread and <paramref name="workers"/> - 1
    /// helpers; null when the run must be read on one thread.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="segments">Its stretches (<see cref="RunSegments.Plan(RunInfo, long)"/>).</param>
    /// <param name="options">The reader's record options (only the limits are used: this pass reads strictly and reports nothing).</param>
    /// <param name="workers">Threads, the caller's included.</param>
    public static SegmentPrePass? Run(RunInfo run, IReadOnlyList<ByteSegment> segments, TfRecordReaderOptions options, int workers)
    {
        // Strict and silent: any corruption ends this pass, and the one-thread read reports it. Records are held to
        // RecordLimit: a stretch's first "record" may be a header found inside another record's data, and hopping
        // into it reads what it claims before its CRC can say it is false (threads x the limit at most, however the
        // file is crafted); a run with a larger record is read on one thread.
        long stretchBytes = 0;
        foreach (ByteSegment segment in segments)
        {
            stretchBytes = Math.Max(stretchBytes, segment.End - segment.Start ?? 0);
        }
        long limit = Math.Min(options.MaxRecordLength, Math.Max(RecordLimit, 4 * stretchBytes));
        TfRecordReaderOptions strict = options with { SkipCorruptRecords = false, OnCorruptRecord = null, MaxRecordLength = limit };
        var merger = new Merger(segments);
        int next = -1;
        var helpers = new Task[Math.Max(0, Math.Min(workers, segments.Count) - 1)];
        for (int i = 0; i < helpers.Length; i++)
        {
            helpers[i] = Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        try
        {
            Work();
        }
        finally
        {
            Task.WaitAll(helpers);
        }
        return merger.Result();

        void Work()
        {
            int k;
            while ((k = Interlocked.Increment(ref next)) < segments.Count && !merger.Failed)
            {
                Observation? result = null;
                try
                {
                    result = Observe(run, segments[k], strict);
                }
                catch (Exception)
                {
                    // Whatever went wrong (corruption, a file that changed, or a fault of ours), the one-thread read
                    // meets it again and handles it as it always did.
                }
                if (result is null)
                {
                    merger.Fail();
                }
                else
                {
                    merger.Add(k, result);
                }
            }
        }
    }

    /// <summary>
    /// Merges the stretches' observations in order as they arrive (threads finish them out of order), so only the
    /// stretches waiting for an earlier one are held: what the merged plan keeps per tag (last step, plugin decision,
    /// marks) is what a one-thread pass keeps anyway. The stretches waiting may hold at most
    /// <see cref="MaxTagStates"/> tag states together; more fails the split and the run is read on one thread.
    /// </summary>
    internal sealed class Merger(IReadOnlyList<ByteSegment> stretches)
    {
        private readonly Dictionary<int, Observation> _waiting = [];
        private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<(long, long)>> _byTag = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (int, PluginKind)> _decided = new(StringComparer.Ordinal);
        private readonly List<RunSegment> _segments = [];
        private int _merged;
        private int _waitingTags;
        private volatile bool _failed;

        // The walk over the stretches: the file it is in, where that file's next record starts (where the last stretch
        // with records stopped hopping), whether that file's records ended, and the records merged so far.
        private int _file = -1;
        private long _next;
        private bool _fileEnded;
        private long _ordinal;

        /// <summary>True once the split failed (the other threads stop taking stretches).</summary>
        public bool Failed => _failed;

        /// <summary>Fails the split: a stretch could not be observed.</summary>
        public void Fail() => _failed = true;

        /// <summary>Takes stretch <paramref name="k"/>'s observation; false when the split failed (now or before).</summary>
        public bool Add(int k, Observation observation)
        {
            lock (_waiting)
            {
                if (_failed)
                {
                    return false;
                }
                _waiting[k] = observation;
                _waitingTags += observation.Tags.Count;
                while (_waiting.Remove(_merged, out Observation? segment))
                {
                    _waitingTags -= segment.Tags.Count;
                    if (!Merge(stretches[_merged++], segment))
                    {
                        _failed = true;
                        break;
                    }
                }
                if (_waitingTags > MaxTagStates)
                {
                    _failed = true;
                }
                if (_failed)
                {
                    _waiting.Clear();
                }
                return !_failed;
            }
        }

        /// <summary>The pre-pass once every stretch was merged; null otherwise.</summary>
        public SegmentPrePass? Result()
        {
            lock (_waiting)
            {
                return !_failed && _merged == stretches.Count ? new SegmentPrePass(PurgePlan.FromTagMarks(_byTag), _segments, _decided) : null;
            }
        }

        /// <summary>Merges the next stretch in order; false when it does not start where the one before it stopped.</summary>
        private bool Merge(ByteSegment stretch, Observation segment)
        {
            if (stretch.File != _file)
            {
                (_file, _next, _fileEnded) = (stretch.File, 0, false);
            }
            // Does a record of this file start in the stretch? The file's next record is at _next, unless they ended.
            bool holdsRecords = !_fileEnded && (stretch.End is not { } end || _next < end);
            if (!holdsRecords || segment.Start is not { } first)
            {
                // Nothing found where nothing is, or nothing found where the next record should be: then its 12 bytes
                // must lie past the file's end (the file ends there, or in a truncated record), not fail their CRC.
                _fileEnded |= holdsRecords && _next + TfRecordWriter.HeaderLength > segment.FileLength;
                return segment.Start is null && (!holdsRecords || _fileEnded);
            }
            if (first != _next)
            {
                return false;
            }
            if (segment.Records > 0)
            {
                // The run's first segment starts at its start, even when the first file holds no complete record.
                _segments.Add(_segments.Count == 0 ? new RunSegment(0, 0, 0) : new RunSegment(stretch.File, first, _ordinal));
                int index = _segments.Count - 1;
                foreach (TagState tag in segment.Tags)
                {
                    List<(long, long)>? marks = null;
                    if (_last.TryGetValue(tag.Tag, out long lastStep) && tag.FirstStep <= lastStep)
                    {
                        marks = Marks(tag.Tag);
                        marks.Add((_ordinal + tag.FirstOrdinal, tag.FirstStep));
                    }
                    if (segment.Marks is { } inner && inner.TryGetValue(tag.Tag, out var innerMarks))
                    {
                        marks ??= Marks(tag.Tag);
                        foreach ((long ordinal, long step) in innerMarks)
                        {
                            marks.Add((_ordinal + ordinal, step));
                        }
                    }
                    _last[tag.Tag] = tag.Steps.Last;
                    if (tag.PluginKnown)
                    {
                        _decided.TryAdd(tag.Tag, (index, tag.Kind));
                    }
                }
                _ordinal += segment.Records;
            }
            if (segment.StoppedAt is { } stopped)
            {
                _next = stopped;
            }
            else
            {
                _fileEnded = true;
            }
            return true;
        }

        private List<(long, long)> Marks(string tag)
        {
            if (!_byTag.TryGetValue(tag, out var list))
            {
                _byTag[tag] = list = [];
            }
            return list;
        }
    }

    /// <summary>
    /// What one stretch's pass found: its tags in the order first met (with first ordinal, counted from the stretch's
    /// first record, and step, last step, plugin) and its inner marks; where its first record starts (null: none in
    /// the stretch), how many records it read, where it stopped at its end (null: its file's records ended first), and
    /// the file's length when its first record was looked for.
    /// </summary>
    internal sealed record Observation(List<TagState> Tags, Dictionary<string, List<(long Ordinal, long Step)>>? Marks,
        long? Start, long Records, long? StoppedAt, long FileLength);

    private static Observation Observe(RunInfo run, ByteSegment stretch, TfRecordReaderOptions strict)
    {
        long? first = 0;
        long fileLength = 0;
        if (stretch.Start > 0)
        {
            using Stream stream = run.Storage.OpenRead(run.Files[stretch.File]);
            if (!stream.CanSeek)
            {
                throw new NotSupportedException("The split read needs streams that seek.");
            }
            fileLength = stream.Length;
            first = RunSegments.FirstRecord(stream, stretch.Start, stretch.End ?? long.MaxValue, strict.MaxRecordLength);
        }
        if (first is not { } start)
        {
            return new Observation([], null, null, 0, null, fileLength);
        }
        var observer = new SegmentObserver();
        // A stretch ends where the next one starts, or at its file's end: the next file's start, which the cursor
        // does not open.
        RunSegment? to = stretch.End is { } end ? new RunSegment(stretch.File, end, 0)
            : stretch.File + 1 < run.Files.Count ? new RunSegment(stretch.File + 1, 0, 0) : null;
        using var records = new RunRecordCursor(run, strict, from: new RunSegment(stretch.File, start, 0), to: to);
        while (observer.Observe(records, PurgePlan.DataServerMarks.BatchRecords))
        {
        }
        return observer.Result(start, records.NextOrdinal, records.StoppedAt, fileLength);
    }

    /// <summary>One segment's pass, taken a batch of records at a time (see <see cref="PurgePlan.DataServerMarks.BatchRecords"/>).</summary>
    private sealed class SegmentObserver
    {
        private readonly TagTable _tags = new();
        private readonly PurgePlan.DataServerMarks _marks = new();
        private readonly List<TagState> _seen = [];

        /// <summary>What the segment's pass found (once <see cref="Observe"/> said the records ended).</summary>
        public Observation Result(long start, long records, long? stoppedAt, long fileLength) => new(_seen, _marks.ByTag, start, records, stoppedAt, fileLength);

        /// <summary>Takes up to <paramref name="count"/> records of <paramref name="records"/>; false when the records ended.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        public bool Observe(RunRecordCursor records, int count)
        {
            TagTable tags = _tags;
            PurgePlan.DataServerMarks marks = _marks;
            for (int i = 0; i < count; i++)
            {
                if (!records.MoveNext())
                {
                    return false;
                }
                if (records.Header.Kind != EventKind.Summary)
                {
                    continue;
                }
                ReadOnlySpan<byte> summary = records.Span.Slice(records.Header.PayloadStart, records.Header.PayloadLength);
                long ordinal = records.Ordinal;
                long step = records.Header.Step;
                int pos = 0;
                while (EventWire.TryNextValue(summary, ref pos, out int start, out int length))
                {
                    ReadOnlySpan<byte> value = summary.Slice(start, length);
                    TagState tag;
                    int field = EventWire.TryReadCommonScalar(value, out int tagLength, out int payloadStart, out int payloadLength);
                    if (field != 0)
                    {
                        tag = tags.Get(value.Slice(2, tagLength));
                        // Only simple_value decides a plugin here: a common tensor value has no metadata, so Resolve would
                        // answer "other" and remember nothing, for every value of a segment whose tags got their metadata
                        // in an earlier one (a third of this pass's time, issue 19).
                        if (field == 2 && !tag.PluginKnown)
                        {
                            ScalarScan.Resolve(tag, value, EventWire.CommonInfo(value, field, tagLength, payloadStart, payloadLength));
                        }
                    }
                    else if (EventWire.TryReadValue(value, out ValueInfo info))
                    {
                        tag = tags.Get(value.Slice(info.TagStart, info.TagLength));
                        if (!tag.PluginKnown)
                        {
                            ScalarScan.Resolve(tag, value, info);
                        }
                    }
                    else
                    {
                        // Not a value: not a point for the loader either.
                        continue;
                    }
                    if (!tag.Steps.Seen)
                    {
                        tag.FirstOrdinal = ordinal;
                        tag.FirstStep = step;
                        _seen.Add(tag);
                    }
                    marks.Observe(tag, ordinal, step);
                }
            }
            return true;
        }
    }
}
