using System.Buffers.Binary;
using TbLogger.Records;

namespace TbLogger.Reading;

/// <summary>
/// The scalars of one run, decoded straight from the wire into caller-supplied batches: the same selection as
/// <see cref="LogDirReader.Values"/> followed by <see cref="LogDirReader.Scalar"/> (filter, plugin of the tag,
/// purge plan, every scalar encoding, malformed values reported), without an iterator or a <see cref="ValueRef"/>
/// per value. Per-tag decisions live in a <see cref="TagTable"/>, so a value costs one tag lookup. Resumable: a
/// batch may end in the middle of a record's values, and the next <see cref="Fill"/> continues there.
/// </summary>
internal sealed class ScalarScan : IDisposable
{
    private readonly RunInfo _run;
    private readonly string _runName;
    private readonly ByteProgress? _progress;
    private readonly ReadFilter _filter;
    private readonly PurgePlan _plan;
    private readonly RunRecordCursor _records;
    private readonly TagTable _tags;
    private readonly Action<string, long, string, Exception> _malformed;
    private readonly CancellationToken _cancellation;
    // Not readonly: a single pass that finds nothing to evict stops observing when it resumes (ResumeAfterRest).
    private PurgePlan.DataServerMarks? _marks;

    // The filter's steps and whether the plan purges whole events, read once instead of once per record.
    private readonly long _minStep;
    private readonly long _maxStep;
    private readonly bool _eventMarks;

    // Where Fill stopped inside the current record's summary (-1: at a record boundary).
    private int _valuePos = -1;
    private bool _inRange;

    /// <param name="run">The run.</param>
    /// <param name="filter">Tags and steps (the run was already selected).</param>
    /// <param name="plan">The run's purge plan.</param>
    /// <param name="recordOptions">Corruption policy and reporting of the framing.</param>
    /// <param name="progress">Bytes read, or null.</param>
    /// <param name="malformed">Reports a value that does not decode: (file, record offset, detail, cause); may throw.</param>
    /// <param name="cancellation">Stops a parallel read that was abandoned.</param>
    /// <param name="observeAll">
    /// When true, every value of the run (any tag, any plugin) is also observed as the data server's purge pre-pass
    /// does (<see cref="PurgePlan.DataServerMarks"/>): <see cref="Evicts"/> then says whether the pre-pass would have
    /// found a mark, and <see cref="ObserveRest"/> finishes the pre-pass.
    /// </param>
    /// <param name="counted">Bytes per file already counted for progress (see <see cref="RunRecordCursor"/>).</param>
    /// <param name="skipped">Reports a record skipped because its event does not decode (see <see cref="RunRecordCursor"/>).</param>
    /// <param name="segment">
    /// For one segment of a run read on several threads (see <see cref="ScalarRuns"/>): where it starts and ends (see
    /// <see cref="RunRecordCursor"/>), and what the run decided about each tag before the segment (its plugin, given
    /// to each tag's state as the scan first meets the tag). Null for the whole run.
    /// </param>
    public ScalarScan(RunInfo run, ReadFilter filter, PurgePlan plan, TfRecordReaderOptions recordOptions, ByteProgress? progress,
        Action<string, long, string, Exception> malformed, CancellationToken cancellation = default, bool observeAll = false,
        long[]? counted = null, Action<TfRecordCorruptException>? skipped = null, (RunSegment From, RunSegment? To, Action<TagState> Seed)? segment = null)
    {
        _run = run;
        _runName = run.Name;
        _progress = progress;
        _filter = filter;
        _plan = plan;
        _tags = new TagTable(segment?.Seed);
        _records = new RunRecordCursor(run, recordOptions, progress, counted, skipped, segment?.From, segment?.To);
        _malformed = malformed;
        _cancellation = cancellation;
        _marks = observeAll ? new PurgePlan.DataServerMarks() : null;
        _minStep = filter.Steps.Min ?? long.MinValue;
        _maxStep = filter.Steps.Max ?? long.MaxValue;
        _eventMarks = plan.HasEventMarks;
    }

    /// <summary>True once the model saw a point that repeats or goes back: the run needs the two-pass read.</summary>
    public bool Evicts => _marks?.Any ?? false;

    /// <summary>Bytes per file counted for progress so far (complete after <see cref="Dispose"/>).</summary>
    public long[] Counted => _records.Counted;

    /// <summary>
    /// Points written so far by the running <see cref="Fill"/>: where a corruption reported in the middle of a fill
    /// belongs among the points (see <see cref="ScalarRuns"/>).
    /// </summary>
    public int Filled { get; private set; }

    /// <summary>
    /// Fills <paramref name="batch"/> from where the last call stopped; returns how many points. Fewer than the
    /// batch holds only at the end of the run.
    /// </summary>
    public int Fill(ScalarPoint[] batch)
    {
        Filled = 0;
        if (batch.Length > 0)
        {
            // An empty batch moves nothing (the loop would take a record before finding the batch full).
            FillFromRecords(batch);
        }
        return Filled;
    }

    /// <summary>Moves to the next summary record, deciding once whether its step is selected and not purged.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool NextSummary()
    {
        while (_records.MoveNext())
        {
            if (_records.Header.Kind != EventKind.Summary)
            {
                continue;
            }
            if ((_records.Ordinal & 0xFFFF) == 0)
            {
                _cancellation.ThrowIfCancellationRequested();
            }
            long step = _records.Header.Step;
            _inRange = step >= _minStep && step <= _maxStep && !(_eventMarks && _plan.IsEventPurged(_records.Ordinal, step));
            _valuePos = 0;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Fills <paramref name="batch"/> record after record, from where the last fill stopped, until it is full or the
    /// run ends. One loop over the records, not a call per record: a call's frame, zeroed each time, cost about a
    /// tenth of the scan (issue 19).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void FillFromRecords(ScalarPoint[] batch)
    {
        int count = 0;
        while (true)
        {
            if (_valuePos < 0)
            {
                // Reports met while moving on belong before the next point.
                Filled = count;
                if (!NextSummary())
                {
                    return;
                }
            }
            if (!FillFromSummary(batch, ref count))
            {
                // The batch is full: _valuePos says where to go on.
                Filled = count;
                return;
            }
        }
    }

    /// <summary>
    /// The values of the current record from <see cref="_valuePos"/> on, into <paramref name="batch"/> from
    /// <paramref name="count"/>; true when the record is done (<see cref="_valuePos"/> = -1), false when the batch is full.
    /// </summary>
    /// <remarks>
    /// Only the common case is here (a tag whose every decision is made, in a common layout), so that this inlines
    /// into <see cref="FillFromRecords"/>'s loop: with the general path's try/catch and locals it was a call per record
    /// whose prologue zeroed a 288-byte frame (issue 19). Everything else goes to <see cref="FillGeneral"/>.
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool FillFromSummary(ScalarPoint[] batch, ref int count)
    {
        ReadOnlySpan<byte> summary = _records.Span.Slice(_records.Header.PayloadStart, _records.Header.PayloadLength);
        int pos = _valuePos;
        long step = _records.Header.Step;
        double wallTime = _records.Header.WallTime;
        while (count < batch.Length)
        {
            if (!EventWire.TryNextValue(summary, ref pos, out int start, out int length))
            {
                _valuePos = -1;
                return true;
            }
            ReadOnlySpan<byte> value = summary.Slice(start, length);
            int field = EventWire.TryReadCommonScalar(value, out int tagLength, out int payloadStart, out int payloadLength);
            if (field != 0)
            {
                TagState tag = _tags.Get(value.Slice(2, tagLength));
                _marks?.Observe(tag, _records.Ordinal, step);
                if (tag.Plain)
                {
                    // Every decision about this tag is made (see TagState.Plain): only the step and the number remain.
                    if (!_inRange)
                    {
                        continue;
                    }
                    ReadOnlySpan<byte> payload = value.Slice(payloadStart, payloadLength);
                    // simple_value, or the float tensor our writer and TensorFlow's write (dtype DT_FLOAT, one packed
                    // float_val: EventWire.TryReadScalarTensor's first layout, checked here without the call).
                    if (field == 2 || (payloadLength == 8 && BinaryPrimitives.ReadUInt32LittleEndian(payload) == 0x042A0108u))
                    {
                        batch[count++] = new ScalarPoint(_runName, tag.Tag, step, wallTime, BinaryPrimitives.ReadSingleLittleEndian(payload[^4..]));
                        continue;
                    }
                    if (EventWire.TryReadScalarTensor(payload, out double fast))
                    {
                        batch[count++] = new ScalarPoint(_runName, tag.Tag, step, wallTime, fast);
                        continue;
                    }
                }
                FillGeneral(batch, ref count, value, tag, EventWire.CommonInfo(value, field, tagLength, payloadStart, payloadLength));
            }
            else
            {
                FillGeneral(batch, ref count, value, null, default);
            }
        }
        _valuePos = pos;
        return false;
    }

    /// <summary>
    /// One value by the general rules (any layout, a tag not yet decided, the filter, the plugin, the purge plan,
    /// malformed values reported) into <paramref name="batch"/> at <paramref name="count"/>, when it is a point.
    /// </summary>
    /// <param name="batch">The batch being filled.</param>
    /// <param name="count">Points in it so far.</param>
    /// <param name="value">The value's bytes.</param>
    /// <param name="tag">Its tag, when <see cref="EventWire.TryReadCommonScalar"/> matched (and <paramref name="common"/> was read from it); null otherwise.</param>
    /// <param name="common">What the common layout gave.</param>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void FillGeneral(ScalarPoint[] batch, ref int count, ReadOnlySpan<byte> value, TagState? tag, in ValueInfo common)
    {
        ValueInfo info = common;
        long step = _records.Header.Step;
        if (tag is null)
        {
            if (!EventWire.TryReadValue(value, out info))
            {
                return;
            }
            tag = _tags.Get(value.Slice(info.TagStart, info.TagLength));
            _marks?.Observe(tag, _records.Ordinal, step);
        }
        if (tag.FilterMatch == 0)
        {
            tag.FilterMatch = _filter.Tags is not { } tags || tags.IsMatch(tag.Tag) ? (sbyte)1 : (sbyte)-1;
        }
        if (tag.FilterMatch < 0)
        {
            return;
        }
        // Resolved before the step and purge checks, as in Values: a tag's metadata may come with a step that is filtered out.
        bool point = Resolve(tag, value, info) == PluginKind.Scalars && _inRange && !IsTagPurged(tag);
        tag.Plain = tag.PluginKnown && tag.Kind == PluginKind.Scalars && tag.MarksKnown && tag.Marks is null;
        if (!point)
        {
            return;
        }
        double scalar;
        try
        {
            if (!LogDirReader.TryScalarCore(info, value, out scalar))
            {
                return;
            }
        }
        catch (Exception ex) when (LogDirReader.IsMalformed(ex))
        {
            Filled = count;
            _malformed(_records.File, _records.Offset, $"value '{tag.Tag}' at step {step} does not decode: {ex.Message}", ex);
            return;
        }
        batch[count++] = new ScalarPoint(_runName, tag.Tag, step, _records.Header.WallTime, scalar);
    }

    /// <summary>
    /// Ends a single pass that cannot hold the whole run: observes every value after the last one filled, to the end
    /// of the run, and returns the data server's purge plan for the run (only with the observing constructor).
    /// </summary>
    public PurgePlan ObserveRest()
    {
        PurgePlan.DataServerMarks marks = ObservingMarks;
        ObserveRestOfRecord(marks);
        _valuePos = -1;
        return marks.ObserveToEnd(_records, _tags, _cancellation);
    }

    /// <summary>The marks the single pass gathers (only with the observing constructor).</summary>
    private PurgePlan.DataServerMarks ObservingMarks => _marks ?? throw new InvalidOperationException("This scan does not observe the run.");

    /// <summary>Observes the values of the current record that the last fill left, when it stopped inside a record (<see cref="_valuePos"/> stays).</summary>
    private void ObserveRestOfRecord(PurgePlan.DataServerMarks marks)
    {
        if (_valuePos >= 0)
        {
            marks.ObserveSummary(_records.Span.Slice(_records.Header.PayloadStart, _records.Header.PayloadLength), _valuePos, _tags, _records.Ordinal, _records.Header.Step);
        }
    }

    /// <summary>
    /// Like <see cref="ObserveRest"/>, but leaves this scan where it stopped: the values after the last one filled are
    /// observed through a second cursor, from the next record on, that reports nothing (this scan meets and reports
    /// the same records when it reads on) and shares the bytes counted for progress. When the plan is empty, the
    /// points this scan filled are the run's first points and <see cref="ResumeAfterRest"/> lets it fill the rest, so
    /// the part it filled is not read again. Null, with nothing observed, when the open file's identity cannot be read
    /// (use <see cref="ObserveRest"/>); <see cref="IOException"/> when the second cursor finds another file, or none,
    /// at the open file's path (it was deleted or replaced since).
    /// </summary>
    /// <param name="silent">The record options without the corruption report.</param>
    public PurgePlan? ObserveRestApart(TfRecordReaderOptions silent)
    {
        PurgePlan.DataServerMarks marks = ObservingMarks;
        if (_records.Next is not { } next || _records.OpenFileIdentity is not { } identity)
        {
            return null;
        }
        // The rest of the record where the fill stopped: observed now, filled (without observing) on resuming.
        ObserveRestOfRecord(marks);
        _records.CountToNext();
        using var rest = new RunRecordCursor(_run, silent, _progress, _records.Counted, skipped: null, from: next, fromIdentity: identity);
        return marks.ObserveToEnd(rest, _tags, _cancellation);
    }

    /// <summary>
    /// After <see cref="ObserveRestApart"/> gave an empty plan: fills on from where this scan stopped, observing
    /// nothing more (the run is observed to its end) and counting no byte the second cursor counted.
    /// </summary>
    public void ResumeAfterRest()
    {
        _marks = null;
        _records.SkipCounted();
    }

    /// <summary><see cref="TagPlugins.Resolve"/>'s rules, with the answer kept on the tag.</summary>
    internal static PluginKind Resolve(TagState tag, ReadOnlySpan<byte> value, in ValueInfo info)
    {
        PluginKind legacy = info.ValueField switch
        {
            2 => PluginKind.Scalars,
            4 => PluginKind.Images,
            5 => PluginKind.Histograms,
            6 => PluginKind.Audio,
            _ => PluginKind.Other,
        };
        if (legacy != PluginKind.Other)
        {
            if (!tag.PluginKnown)
            {
                tag.PluginKnown = true;
                tag.Kind = legacy;
            }
            return legacy;
        }
        if (tag.PluginKnown)
        {
            return tag.Kind;
        }
        if (info.PluginStart < 0 || info.PluginLength == 0)
        {
            // Not remembered: a later value of the tag may still name its plugin.
            return PluginKind.Other;
        }
        tag.PluginKnown = true;
        tag.Kind = TagPlugins.KindOf(System.Text.Encoding.UTF8.GetString(value.Slice(info.PluginStart, info.PluginLength)));
        return tag.Kind;
    }

    private bool IsTagPurged(TagState tag)
    {
        if (!tag.MarksKnown)
        {
            tag.Marks = _plan.MarksFor(tag.Tag);
            tag.MarksKnown = true;
        }
        return tag.Marks is { } marks && marks.IsPurged(_records.Ordinal, _records.Header.Step);
    }

    public void Dispose() => _records.Dispose();
}
