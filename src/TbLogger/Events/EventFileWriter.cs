using System.Collections.Concurrent;
using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Events;

/// <summary>
/// Writes <see cref="Event"/>s to one event file. Callers enqueue; one background thread encodes, frames and
/// writes, so the caller's cost is a short lock and a struct copy. The first record is
/// <c>Event{wall_time, file_version = "brain.Event:2", source_metadata.writer = "tblogger"}</c>, written before the
/// constructor returns. Safe for concurrent use; each thread's events keep their order in the file.
/// </summary>
/// <remarks>
/// Events reach the operating system every <see cref="EventFileWriterOptions.FlushInterval"/>, on
/// <see cref="Flush"/> and on dispose, which drains everything accepted before it. An I/O error on the worker is
/// kept and thrown, wrapped in <see cref="EventFileWriteException"/>, from the next call.
/// </remarks>
public sealed class EventFileWriter : IDisposable, IAsyncDisposable
{
    /// <summary>The file_version of the first record.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>The source_metadata.writer of the first record.</summary>
    public const string WriterName = "tblogger";

    private const int InitialQueueSlots = 256;

    // Writers still open at process exit are drained then, as tensorboardX does with atexit.
    private static readonly ConcurrentDictionary<EventFileWriter, byte> s_open = new();

    private readonly object _gate = new();
    private readonly TfRecordWriter _records;
    private readonly IPendingWorkStream? _pendingWork; // e.g. S3 uploads awaiting a retry; null for local files
    private readonly Thread _worker;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _capacity;
    private readonly int _wakeThreshold;
    private readonly QueueFullMode _fullMode;
    private readonly long _flushIntervalMs;
    private readonly StepTracker? _steps;
    private readonly bool _throwOnStepViolation;
    private readonly Action<StepViolation> _reportStepViolation;
    private readonly string? _tagSuffix;
    private readonly ScalarEncoding _scalarEncoding;
    private readonly bool _discard;
    private Dictionary<string, string>? _suffixedTags; // worker thread only

    private PendingEvent[] _active;
    private PendingEvent[] _spare;
    private int _count;
    private long _flushRequested;
    private long _flushCompleted;
    private bool _stopping;
    private bool _workerWaiting;
    private int _blockedProducers;
    private Exception? _fault;
    private bool _faultReported;
    private long _dropped;

    static EventFileWriter()
    {
        AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
        {
            foreach (var writer in s_open.Keys)
            {
                try
                {
                    writer.Dispose();
                }
                catch (Exception ex)
                {
                    // No caller is left to throw to at process exit; standard error is the last place a user looks.
                    Console.Error.WriteLine($"TbLogger: {ex.Message}");
                }
            }
        };
    }

    /// <summary>Creates <paramref name="logDirectory"/> if needed and a new event file in it.</summary>
    /// <param name="logDirectory">The run directory: a local path, or a URI whose scheme has a registered <see cref="LogStorage"/> (e.g. s3://bucket/run).</param>
    /// <param name="options">Queue and flush settings; null for the defaults.</param>
    public EventFileWriter(string logDirectory, EventFileWriterOptions? options = null)
        : this(ResolveStorage(logDirectory), logDirectory, options)
    {
    }

    /// <summary>Creates a new event file in <paramref name="logDirectory"/> of <paramref name="storage"/>.</summary>
    /// <param name="storage">Where the file lives.</param>
    /// <param name="logDirectory">The run directory, a path of <paramref name="storage"/>.</param>
    /// <param name="options">Queue and flush settings; null for the defaults.</param>
    public EventFileWriter(LogStorage storage, string logDirectory, EventFileWriterOptions? options = null)
        : this(OpenNewFile(storage, logDirectory, options ?? new EventFileWriterOptions(), out string path), path, options, ownsStream: true)
    {
    }

    /// <summary>Writes event records to <paramref name="stream"/> (e.g. an object-storage upload buffer).</summary>
    /// <param name="stream">A writable stream; disposed with the writer.</param>
    /// <param name="name">Name used in errors, e.g. the object key.</param>
    /// <param name="options">Queue and flush settings; null for the defaults.</param>
    public EventFileWriter(Stream stream, string name, EventFileWriterOptions? options = null)
        : this(stream, name, options, ownsStream: true)
    {
    }

    private EventFileWriter(Stream stream, string path, EventFileWriterOptions? options, bool ownsStream, bool discard = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new EventFileWriterOptions();
        options.Validate();
        FilePath = path;
        _capacity = options.MaxQueueEvents;
        // The queue starts small and doubles up to its capacity, so idle writers (e.g. many AddScalars sub-runs) stay cheap.
        _active = new PendingEvent[Math.Min(InitialQueueSlots, _capacity)];
        _spare = new PendingEvent[_active.Length];
        _wakeThreshold = Math.Max(1, Math.Min(_capacity / 2, 4096));
        _fullMode = options.QueueFullMode;
        _flushIntervalMs = options.FlushInterval == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)Math.Ceiling(options.FlushInterval.TotalMilliseconds);
        _records = new TfRecordWriter(stream, leaveOpen: !ownsStream);
        _pendingWork = stream as IPendingWorkStream;
        _steps = options.StepDiscipline == StepDiscipline.Silent ? null : new StepTracker(options.PurgeStep);
        _throwOnStepViolation = options.StepDiscipline == StepDiscipline.Throw;
        _reportStepViolation = options.StepViolationHandler ?? (static v => Console.Error.WriteLine(v.ToString()));
        _tagSuffix = string.IsNullOrEmpty(options.TagSuffix) ? null : options.TagSuffix;
        _scalarEncoding = options.ScalarEncoding;
        _discard = discard;

        var first = EventFileHeader.Create(WallClock.Now());
        _records.Write(first.ToByteArray());
        if (options.PurgeStep is long purgeStep)
        {
            _records.Write(new Event
            {
                WallTime = first.WallTime,
                Step = purgeStep,
                SessionLog = new SessionLog { Status = SessionLog.Types.SessionStatus.Start },
            }.ToByteArray());
        }
        _records.Flush();

        _worker = new Thread(WorkerLoop) { IsBackground = true, Name = "TbLogger event writer" };
        _worker.Start();
        s_open.TryAdd(this, 0);
    }

    /// <summary>The event file's path (or the stream's name).</summary>
    public string FilePath { get; }

    /// <summary>Events dropped because the queue was full in <see cref="QueueFullMode.Drop"/> mode.</summary>
    public long DroppedEvents => Interlocked.Read(ref _dropped);

    /// <summary>Writes whose step repeated or went back for their tag (0 under <see cref="StepDiscipline.Silent"/>).</summary>
    public long StepViolations
    {
        get
        {
            lock (_gate)
            {
                return _steps?.Violations ?? 0;
            }
        }
    }

    /// <summary>Queues a complete event.</summary>
    /// <param name="value">The event; it must not be changed afterwards.</param>
    /// <returns>False when the queue was full and the event was dropped (<see cref="QueueFullMode.Drop"/>).</returns>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    /// <exception cref="EventFileWriteException">The worker failed earlier.</exception>
    public bool WriteEvent(Event value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // Step tracking follows the first tag of a summary: one event is one point of each of its tags.
        string? tag = value.WhatCase == Event.WhatOneofCase.Summary && value.Summary.Value.Count > 0 ? value.Summary.Value[0].Tag : null;
        return Enqueue(PendingEvent.Complete(value), wake: true, tag, value.Step);
    }

    internal bool EnqueueScalar(string tag, double value, long step, double wallTime) =>
        Enqueue(PendingEvent.Scalar(tag, value, step, wallTime), wake: false, tag, step);

    /// <summary>Queues a summary built on the worker thread; <paramref name="tag"/> is its tag, for step tracking.</summary>
    internal bool EnqueueSummary(string tag, Func<Summary> build, long step, double wallTime) =>
        Enqueue(PendingEvent.Deferred(build, step, wallTime), wake: true, tag, step);

    /// <summary>Blocks until every event queued before this call is written and flushed to the operating system.</summary>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    /// <exception cref="EventFileWriteException">The worker failed.</exception>
    public void Flush()
    {
        lock (_gate)
        {
            ThrowIfUnusable();
            long target = ++_flushRequested;
            Monitor.PulseAll(_gate);
            while (_flushCompleted < target && _fault is null)
            {
                Monitor.Wait(_gate);
            }
            // Only a fault can spoil a flush that was accepted; a Dispose that began meanwhile drains anyway.
            if (_fault is not null)
            {
                _faultReported = true;
                throw new EventFileWriteException(FilePath, _fault);
            }
        }
    }

    private bool Enqueue(in PendingEvent item, bool wake, string? tag, long step)
    {
        if (_discard)
        {
            // A rank that does not write (SummaryWriterOptions.RankPolicy): accept and forget, without the lock.
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopping), this);
            return true;
        }
        bool report = false;
        long previous = 0;
        bool accepted = EnqueueLocked(in item, wake, tag, step, ref report, ref previous);
        if (report)
        {
            // Outside the lock: the handler may log, block or write itself.
            _reportStepViolation(new StepViolation(FilePath, tag!, step, previous));
        }
        return accepted;
    }

    private bool EnqueueLocked(in PendingEvent item, bool wake, string? tag, long step, ref bool report, ref long previous)
    {
        lock (_gate)
        {
            ThrowIfUnusable();
            while (_count == _active.Length)
            {
                if (_active.Length < _capacity)
                {
                    int grown = (int)Math.Min((long)_active.Length * 2, _capacity);
                    Array.Resize(ref _active, grown);
                }
                else if (_fullMode == QueueFullMode.Drop)
                {
                    _dropped++;
                    return false;
                }
                else
                {
                    _blockedProducers++;
                    Monitor.PulseAll(_gate);
                    Monitor.Wait(_gate);
                    _blockedProducers--;
                    ThrowIfUnusable();
                }
            }
            // Checked after any wait for room: waiting releases the lock, and another thread may have moved the tag on.
            if (_throwOnStepViolation && tag is not null && _steps!.IsViolation(tag, step, out long last))
            {
                throw new ArgumentException(
                    step == last
                        ? $"Tag '{tag}' was already written at step {step}; TensorBoard keeps one point per step (StepDiscipline.Throw)."
                        : $"Tag '{tag}' went back from step {last} to {step}; TensorBoard would drop the points at steps >= {step} (StepDiscipline.Throw).",
                    nameof(step));
            }
            _active[_count++] = item;
            if (tag is not null && _steps is not null)
            {
                report = _steps.Observe(tag, step, out previous);
            }
            // Scalars wake the worker only in bulk: the caller then never pays for a thread switch.
            if (_workerWaiting && (wake || _count >= _wakeThreshold))
            {
                Monitor.PulseAll(_gate);
            }
            return true;
        }
    }

    private void ThrowIfUnusable()
    {
        if (_fault is not null)
        {
            _faultReported = true;
            throw new EventFileWriteException(FilePath, _fault);
        }
        ObjectDisposedException.ThrowIf(_stopping, this);
    }

    private void WorkerLoop()
    {
        var scalars = new ScalarEventEncoder();
        byte[] scratch = new byte[4096];
        long nextFlushAt = Deadline(Environment.TickCount64);
        bool unflushed = false;
        try
        {
            while (true)
            {
                PendingEvent[] batch;
                int batchCount;
                long flushTarget;
                bool stopping;
                lock (_gate)
                {
                    while (_count == 0 && _flushRequested == _flushCompleted && !_stopping)
                    {
                        long waitMs = nextFlushAt - Environment.TickCount64;
                        if (waitMs <= 0)
                        {
                            break;
                        }
                        _workerWaiting = true;
                        Monitor.Wait(_gate, (int)Math.Min(waitMs, int.MaxValue));
                        _workerWaiting = false;
                    }
                    batch = _active;
                    batchCount = _count;
                    _active = _spare.Length >= _active.Length ? _spare : new PendingEvent[_active.Length];
                    _spare = batch;
                    _count = 0;
                    flushTarget = _flushRequested;
                    stopping = _stopping;
                    if (_blockedProducers > 0)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }

                for (int i = 0; i < batchCount; i++)
                {
                    WriteOne(in batch[i], scalars, ref scratch);
                    if (batch[i].Item is not string)
                    {
                        batch[i] = default; // let payloads be collected; a scalar holds only its tag, so its slot is left alone
                    }
                }
                unflushed |= batchCount > 0;

                long now = Environment.TickCount64;
                if (unflushed && (flushTarget > _flushCompleted || stopping || now >= nextFlushAt))
                {
                    _records.Flush();
                    unflushed = false;
                }
                else if (now >= nextFlushAt && _pendingWork is { HasPendingWork: true })
                {
                    // Nothing new, but the store still holds work back (a failed upload): the tick retries it.
                    _records.Flush();
                }
                if (now >= nextFlushAt)
                {
                    nextFlushAt = Deadline(now);
                }

                lock (_gate)
                {
                    _flushCompleted = flushTarget;
                    Monitor.PulseAll(_gate);
                    if (stopping && _count == 0)
                    {
                        break;
                    }
                }
            }
            _records.Dispose();
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _fault = ex;
                Monitor.PulseAll(_gate);
            }
            try
            {
                // Not Dispose: writing the gathered buffer again after a partial write would put a torn record
                // in the middle of an appending stream (object storage) instead of leaving a truncated tail.
                _records.Abort();
            }
            catch (Exception)
            {
                // The first error is the one worth reporting.
            }
        }
        finally
        {
            s_open.TryRemove(this, out _);
            _exited.TrySetResult();
        }
    }

    private long Deadline(long now) => _flushIntervalMs == long.MaxValue ? long.MaxValue : now + _flushIntervalMs;

    private void WriteOne(in PendingEvent item, ScalarEventEncoder scalars, ref byte[] scratch)
    {
        if (item.Item is string scalarTag)
        {
            string tag = _tagSuffix is null ? scalarTag : SuffixedTag(scalarTag);
            int max = ScalarEventEncoder.MaxEncodedLength(tag);
            if (scratch.Length < max)
            {
                scratch = new byte[Math.Max(max, scratch.Length * 2)];
            }
            int length = scalars.Encode(tag, item.Value, item.Step, item.WallTime, _scalarEncoding, scratch);
            _records.Write(scratch.AsSpan(0, length));
            return;
        }
        Event value = item.Item switch
        {
            Event complete => complete,
            Func<Summary> build => new Event { WallTime = item.WallTime, Step = item.Step, Summary = build() },
            _ => throw new InvalidOperationException("Unknown queued item."),
        };
        if (_tagSuffix is not null && value.Summary is { Value.Count: > 0 })
        {
            // Complete events belong to the caller: rename tags on a copy. Deferred summaries are built here, for us.
            if (item.Item is Event)
            {
                value = value.Clone();
            }
            foreach (var entry in value.Summary.Value)
            {
                if (TakesTagSuffix(entry))
                {
                    entry.Tag = SuffixedTag(entry.Tag);
                }
            }
        }
        int size = value.CalculateSize();
        if (scratch.Length < size)
        {
            scratch = new byte[Math.Max(size, scratch.Length * 2)];
        }
        value.WriteTo(scratch.AsSpan(0, size));
        _records.Write(scratch.AsSpan(0, size));
    }

    private string SuffixedTag(string tag)
    {
        // Worker thread only; a tag is suffixed once, so the caller's AddScalar stays free of allocations.
        _suffixedTags ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (!_suffixedTags.TryGetValue(tag, out string? suffixed))
        {
            suffixed = tag + _tagSuffix;
            _suffixedTags.Add(tag, suffixed);
        }
        return suffixed;
    }

    // hparams and custom-scalars layout tags are fixed names TensorBoard looks up; a suffix would hide them.
    private static bool TakesTagSuffix(Summary.Types.Value entry) =>
        entry.Metadata?.PluginData?.PluginName is not (PluginNames.HParams or PluginNames.CustomScalars);

    private void BeginStop()
    {
        lock (_gate)
        {
            if (!_stopping)
            {
                _stopping = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void ThrowUnreportedFault()
    {
        lock (_gate)
        {
            if (_fault is not null && !_faultReported)
            {
                _faultReported = true;
                throw new EventFileWriteException(FilePath, _fault);
            }
        }
    }

    /// <summary>Writes every event accepted before this call, flushes and closes the file.</summary>
    /// <exception cref="EventFileWriteException">The worker failed and that was not reported yet.</exception>
    public void Dispose()
    {
        BeginStop();
        if (Thread.CurrentThread != _worker)
        {
            _worker.Join();
        }
        ThrowUnreportedFault();
    }

    /// <summary>Like <see cref="Dispose"/>, without blocking a thread while the worker drains.</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        BeginStop();
        await _exited.Task.ConfigureAwait(false);
        ThrowUnreportedFault();
    }

    /// <summary>A writer that accepts every event and writes none: the log of a rank that does not write.</summary>
    internal static EventFileWriter CreateDiscarding(string name, EventFileWriterOptions? options) =>
        new(Stream.Null, name, options, ownsStream: true, discard: true);

    private static LogStorage ResolveStorage(string logDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        return LogStorageRegistry.Resolve(logDirectory);
    }

    private static Stream OpenNewFile(LogStorage storage, string logDirectory, EventFileWriterOptions options, out string path)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        options.Validate();
        return storage.CreateEventFile(logDirectory, options.FilenameSuffix, out path);
    }
}
