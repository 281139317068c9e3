using TbLogger.Records;

namespace TbLogger.Reading;

/// <summary>
/// The data server's purge pre-pass (<see cref="PurgePlan.DataServerMarks"/>) over a run split into segments
/// (<see cref="RunSegments"/>), each segment observed on its own by whichever thread is free, the results merged in
/// segment order into exactly the plan a one-thread pass builds, plus what the scan of each segment must know from
/// before it: which tags had their plugin decided, and where.
/// </summary>
/// <remarks>
/// Why the merge is exact: per tag, the one-thread pass marks a value when its step is at or below the tag's last
/// step (<see cref="Loading.LoaderModel.TagStepState"/>). Inside a segment a fresh state answers the same for every
/// value but the tag's first one in the segment, whose "last step" lies in an earlier segment: the last step of the
/// latest earlier segment that had the tag. So each segment keeps its inner marks and, per tag, its first (ordinal,
/// step) and last step; the merge walks the segments in order and adds the first value's mark where the rule says.
/// Marks stay in file order per tag, as <see cref="PurgePlan"/>'s suffix minima need.
/// A tag's plugin is decided at its first value that names one (<see cref="ScalarScan.Resolve"/>), so the first
/// segment that decided it tells the scan of every later segment.
/// Anything that is not clean (a CRC failure, an event that does not decode, a value over the budget, a segment that
/// does not end where the framing said) gives null: the run is then read on one thread as before, which meets and
/// reports the problem exactly where it always did.
/// </remarks>
internal sealed class SegmentPrePass
{
    /// <summary>
    /// Tag states the observed segments waiting to be merged (an earlier segment is not done yet) may hold together
    /// (each segment has its own table): about 30 MB. Past it the run is read on one thread instead, so memory stays flat.
    /// </summary>
    internal const int MaxTagStates = 131_072;

    private readonly Dictionary<string, (int Segment, PluginKind Kind)> _decided;

    private SegmentPrePass(PurgePlan plan, Dictionary<string, (int, PluginKind)> decided)
    {
        Plan = plan;
        _decided = decided;
    }

    /// <summary>The run's plan: exactly what <see cref="PurgePlan.For"/> builds for the data server.</summary>
    public PurgePlan Plan { get; }

    /// <summary>Gives a tag's state in the scan of <paramref name="segment"/> what earlier segments decided (its plugin).</summary>
    public void Seed(int segment, TagState tag)
    {
        if (_decided.TryGetValue(tag.Tag, out var decided) && decided.Segment < segment)
        {
            tag.PluginKnown = true;
            tag.Kind = decided.Kind;
        }
    }

    /// <summary>Observes the segments of <paramref name="segments"/> (all known) on the caller's thread and <paramref name="workers"/> - 1 helpers.</summary>
    public static SegmentPrePass? Run(RunInfo run, IReadOnlyList<RunSegment> segments, TfRecordReaderOptions options, int workers)
    {
        var found = new FramedSegments();
        foreach (RunSegment segment in segments)
        {
            found.Add(segment);
        }
        found.End(framed: true);
        return Run(run, found, () => { }, options, workers);
    }

    /// <summary>
    /// Runs <paramref name="frame"/> (the framing pass that fills <paramref name="segments"/>) on the caller's thread
    /// while <paramref name="workers"/> - 1 helpers start observing the segments already found, then observes with
    /// them; null when the run must be read on one thread.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="segments">Its segments' starts, as the framing pass finds them (<see cref="RunSegments"/>).</param>
    /// <param name="frame">The framing pass; it ends <paramref name="segments"/>.</param>
    /// <param name="options">The reader's record options (only the limits are used: this pass reads strictly and reports nothing).</param>
    /// <param name="workers">Threads, the caller's included.</param>
    public static SegmentPrePass? Run(RunInfo run, FramedSegments segments, Action frame, TfRecordReaderOptions options, int workers)
    {
        // Strict and silent: any corruption ends this pass, and the one-thread read reports it.
        TfRecordReaderOptions strict = options with { SkipCorruptRecords = false, OnCorruptRecord = null };
        var merger = new Merger();
        int next = -1;
        var helpers = new Task[Math.Max(0, workers - 1)];
        for (int i = 0; i < helpers.Length; i++)
        {
            helpers[i] = Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        try
        {
            try
            {
                frame();
            }
            catch (Exception)
            {
                // A read that failed (a file that changed or went away): the one-thread read meets it again.
                segments.Fail();
            }
            Work();
        }
        finally
        {
            if (!segments.Usable)
            {
                // Framing failed or found too few segments: the helpers stop waiting for more.
                segments.Fail();
            }
            Task.WaitAll(helpers);
        }
        return segments.Usable ? merger.Result(segments.All.Count) : null;

        void Work()
        {
            int k;
            while (segments.TryTake(k = Interlocked.Increment(ref next), out RunSegment from, out RunSegment? to))
            {
                Observation? result = null;
                try
                {
                    result = Observe(run, from, to, strict);
                }
                catch (Exception)
                {
                    // Whatever went wrong (corruption, a file that changed, or a fault of ours), the one-thread read
                    // meets it again and handles it as it always did.
                }
                if (result is null || !merger.Add(k, result))
                {
                    segments.Fail();
                }
            }
        }
    }

    /// <summary>
    /// Merges the segments' observations in segment order as they arrive (threads finish them out of order), so only
    /// the segments waiting for an earlier one are held: what the merged plan keeps per tag (last step, plugin
    /// decision, marks) is what a one-thread pass keeps anyway. The segments waiting may hold at most
    /// <see cref="MaxTagStates"/> tag states together; more fails the split and the run is read on one thread.
    /// </summary>
    internal sealed class Merger
    {
        private readonly Dictionary<int, Observation> _waiting = [];
        private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<(long, long)>> _byTag = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (int, PluginKind)> _decided = new(StringComparer.Ordinal);
        private int _merged;
        private int _waitingTags;
        private bool _failed;

        /// <summary>Takes segment <paramref name="k"/>'s observation; false when the waiting segments hold too many tag states.</summary>
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
                    Merge(_merged++, segment);
                }
                if (_waitingTags > MaxTagStates)
                {
                    _failed = true;
                    _waiting.Clear();
                    return false;
                }
                return true;
            }
        }

        /// <summary>The plan once all <paramref name="segments"/> segments were merged; null otherwise.</summary>
        public SegmentPrePass? Result(int segments)
        {
            lock (_waiting)
            {
                return !_failed && _merged == segments ? new SegmentPrePass(PurgePlan.FromTagMarks(_byTag), _decided) : null;
            }
        }

        private void Merge(int k, Observation segment)
        {
            foreach (TagState tag in segment.Tags)
            {
                List<(long, long)>? marks = null;
                if (_last.TryGetValue(tag.Tag, out long lastStep) && tag.FirstStep <= lastStep)
                {
                    marks = Marks(tag.Tag);
                    marks.Add((tag.FirstOrdinal, tag.FirstStep));
                }
                if (segment.Marks is { } inner && inner.TryGetValue(tag.Tag, out var innerMarks))
                {
                    (marks ?? Marks(tag.Tag)).AddRange(innerMarks);
                }
                _last[tag.Tag] = tag.Steps.Last;
                if (tag.PluginKnown)
                {
                    _decided.TryAdd(tag.Tag, (k, tag.Kind));
                }
            }
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

    /// <summary>What one segment's pass found: its tags in the order first met (with first ordinal and step, last step, plugin) and its inner marks.</summary>
    internal sealed record Observation(List<TagState> Tags, Dictionary<string, List<(long Ordinal, long Step)>>? Marks);

    private static Observation? Observe(RunInfo run, RunSegment from, RunSegment? to, TfRecordReaderOptions strict)
    {
        var observer = new SegmentObserver();
        using var records = new RunRecordCursor(run, strict, from: from, to: to);
        while (observer.Observe(records, PurgePlan.DataServerMarks.BatchRecords))
        {
        }
        // A segment that does not end with the ordinal the framing pass gave the next one: a file changed since.
        return to is { } end && records.NextOrdinal != end.Ordinal ? null : observer.Result;
    }

    /// <summary>One segment's pass, taken a batch of records at a time (see <see cref="PurgePlan.DataServerMarks.BatchRecords"/>).</summary>
    private sealed class SegmentObserver
    {
        private readonly TagTable _tags = new();
        private readonly PurgePlan.DataServerMarks _marks = new();
        private readonly List<TagState> _seen = [];

        /// <summary>What the segment's pass found (once <see cref="Observe"/> said the records ended).</summary>
        public Observation Result => new(_seen, _marks.ByTag);

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
