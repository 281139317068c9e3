using System.Runtime.CompilerServices;
using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Records;
using TbLogger.Storage;

namespace TbLogger.Events;

/// <summary>
/// Writes <see cref="Event"/>s to one event file. Callers enqueue; one background thread encodes, frames and
/// writes, so the caller's cost is a short lock and a struct copy. It is a queue of work that encodes to event
/// records, nothing more: steps, ranks and tag names mean nothing here (the summary writer owns its step policy
/// and tag naming, and a store its retries). The first record is
/// <c>Event{wall_time, file_version = "brain.Event:2", source_metadata.writer = "tblogger"}</c>, written before the
/// constructor returns. Safe for concurrent use; each thread's events keep their order in the file.
/// </summary>
/// <remarks>
/// A tag's plugin metadata is written only with its first value in the file (later values that repeat it leave it
/// out), as TensorFlow's writers do; both TensorBoard loaders take a tag's plugin from its first value.
/// Events reach the operating system every <see cref="EventFileWriterOptions.FlushInterval"/>, on
/// <see cref="Flush"/> and on dispose, which drains everything accepted before it. The worker takes an event or a
/// summary to build as soon as it is queued, and scalars (and records a replay encoded) in bulk: when half of
/// <see cref="EventFileWriterOptions.MaxQueueEvents"/> (at most 4,096) are waiting, with the next item that is neither,
/// on <see cref="Flush"/>, at the flush tick or on dispose. An I/O error on the worker is
/// kept and thrown, wrapped in <see cref="EventFileWriteException"/>, from the next call. A summary built on the worker
/// (a deferred item) that throws is skipped instead: its error is thrown the same way, once, and every other event is
/// written. A call that throws either does not queue the event it was queuing, as a call that refuses its input
/// queues nothing. A <see cref="SummaryWriterOptions.StepViolationHandler"/> that throws is different: it runs after
/// the event is queued, so the event is written and the handler's exception reaches the caller.
/// </remarks>
public sealed class EventFileWriter : IDisposable, IAsyncDisposable
{
    /// <summary>The file_version of the first record.</summary>
    public const string FileVersion = EventFileHeader.FileVersion;

    /// <summary>The source_metadata.writer of the first record.</summary>
    public const string WriterName = EventFileHeader.WriterName;

    // Internal for tests: a capacity this small never grows the queue, so what a call allocates does not depend on
    // whether the worker kept up with the caller.
    internal const int InitialQueueSlots = 256;

    // A batch at least this large marks a busy writer: its record buffer grows to BusyWriteBuffer bytes, so the file
    // gets fewer, larger writes (1 MiB writes cost the kernel about 15 % less per byte than 64 KiB ones on Linux),
    // while an idle writer keeps the small default buffer.
    private const int BusyBatchItems = 4096;
    private const int BusyWriteBuffer = 1 << 20;

    // Guards every field below it that is not readonly; see QueueLock for why it is not a Monitor.
    private readonly QueueLock _lock = new();
    private readonly TfRecordWriter _records;
    private readonly Thread _worker;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _capacity;
    private readonly int _wakeThreshold;
    private readonly QueueFullMode _fullMode;
    private readonly long _flushIntervalMs;

    private PendingSlots _active;
    private PendingSlots _spare;
    private int _count;
    private long _flushRequested;
    private long _flushCompleted;
    private bool _stopping;
    private bool _workerWaiting;
    // An item other than a scalar or an encoded record is queued (built and written at once); those alone wait for
    // _wakeThreshold of them.
    private bool _urgent;
    private long _batchesTaken;
    private Exception? _fault;
    private bool _faultReported;
    private long _dropped;
    private readonly EventFileIdentity? _identity;
    // A deferred value that failed to build (issue 19): skipped, reported once on the next call, not fatal.
    private Exception? _buildFault;
    private int _buildFailures;

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
        : this(storage, logDirectory, options, leading: null)
    {
    }

    /// <summary>Creates a new event file whose first records after the header are the encoded events <paramref name="leading"/> returns for the header's wall time.</summary>
    internal EventFileWriter(LogStorage storage, string logDirectory, EventFileWriterOptions? options, Func<double, IReadOnlyList<byte[]>>? leading)
        : this(OpenNewFile(storage, logDirectory, options ?? new EventFileWriterOptions(), out string path), path, options, leading, removeOnFailure: true)
    {
    }

    /// <summary>Writes event records to <paramref name="stream"/> (e.g. an object-storage upload buffer).</summary>
    /// <param name="stream">A writable stream; disposed with the writer.</param>
    /// <param name="name">Name used in errors, e.g. the object key.</param>
    /// <param name="options">Queue and flush settings; null for the defaults.</param>
    public EventFileWriter(Stream stream, string name, EventFileWriterOptions? options = null)
        : this(stream, name, options, leading: null)
    {
    }

    /// <summary>
    /// Writes to <paramref name="stream"/>; the encoded events <paramref name="leading"/> returns for the header's wall time are
    /// written, and flushed with the header, before the constructor returns (e.g. the owner's purge event).
    /// </summary>
    internal EventFileWriter(Stream stream, string path, EventFileWriterOptions? options, Func<double, IReadOnlyList<byte[]>>? leading)
        : this(stream, path, options, leading, removeOnFailure: false)
    {
    }

    /// <summary>With <paramref name="removeOnFailure"/> (a local file this writer created), a failed constructor removes the file too.</summary>
    private EventFileWriter(Stream stream, string path, EventFileWriterOptions? options, Func<double, IReadOnlyList<byte[]>>? leading, bool removeOnFailure)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new EventFileWriterOptions();
        options.Validate();
        FilePath = path;
        _capacity = options.MaxQueueEvents;
        // The queue starts small and doubles up to its capacity, so idle writers (e.g. many AddScalars sub-runs) stay cheap.
        _active = new PendingSlots(Math.Min(InitialQueueSlots, _capacity));
        _spare = new PendingSlots(_active.Length);
        _wakeThreshold = Math.Max(1, Math.Min(_capacity / 2, 4096));
        _fullMode = options.QueueFullMode;
        _flushIntervalMs = options.FlushInterval == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)Math.Ceiling(options.FlushInterval.TotalMilliseconds);
        _records = new TfRecordWriter(stream, leaveOpen: false);

        try
        {
            double wallTime = WallClock.Now();
            byte[] headerBytes = EventFileHeader.Encode(wallTime);
            _records.Write(headerBytes);
            foreach (byte[] value in leading?.Invoke(wallTime) ?? [])
            {
                _records.Write(value);
            }
            _records.Flush();
            _identity = EventFileIdentity.For(stream, headerBytes);

            _worker = new Thread(WorkerLoop) { IsBackground = true, Name = "TbLogger event writer" };
            // Before the worker starts: a worker that fails in its first turn removes the writer as it exits, and a
            // Remove that ran before this Add would leave the writer listed (and held) until the process exits.
            OpenWriters.Add(this);
            _worker.Start();
        }
        catch
        {
            OpenWriters.Remove(this);
            // Nothing else holds the stream yet: close it here, or its handle leaks; a file we created goes too, so a
            // failed constructor leaves no empty or headless event file behind.
            _records.Abort();
            if (removeOnFailure && stream is FileStream file)
            {
                try
                {
                    File.Delete(file.Name);
                }
                catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
                {
                    // The constructor's own error is the one worth reporting.
                }
            }
            throw;
        }
    }

    /// <summary>The event file's path (or the stream's name).</summary>
    public string FilePath { get; }

    /// <summary>Events dropped because the queue was full in <see cref="QueueFullMode.Drop"/> mode.</summary>
    public long DroppedEvents => Interlocked.Read(ref _dropped);

    /// <summary>Batches (of one item or more) the worker has taken from the queue so far; for tests of when it takes them.</summary>
    internal long BatchesTaken
    {
        get
        {
            _lock.Enter();
            try
            {
                return _batchesTaken;
            }
            finally
            {
                _lock.Exit();
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
        return Enqueue(PendingEvent.Complete(value));
    }

    /// <summary>
    /// Queues an event record encoded by the caller, written as given (no metadata is left out of it here): for a
    /// writer whose events all come encoded, such as a replay's.
    /// </summary>
    /// <param name="record">The encoded Event; it must not be changed afterwards.</param>
    /// <param name="step">Its step.</param>
    /// <param name="wallTime">Its wall time.</param>
    /// <returns>False when the queue was full and the record was dropped (<see cref="QueueFullMode.Drop"/>).</returns>
    internal bool WriteEncoded(byte[] record, long step, double wallTime)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Enqueue(PendingEvent.Encoded(record, step, wallTime));
    }

    /// <summary>Lets <paramref name="gate"/> refuse an item of <paramref name="key"/> at <paramref name="step"/> (by throwing) under the lock, in file order, without queuing anything.</summary>
    internal void Check(EnqueueGate gate, string key, long step)
    {
        _lock.Enter();
        try
        {
            gate.Check(key, step);
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>
    /// Queues <paramref name="item"/>. When <paramref name="gate"/> is given, it sees <paramref name="key"/> and the
    /// item's step under the lock, in file order, and may refuse the item by throwing.
    /// </summary>
    /// <returns>False when the queue was full and the item was dropped (<see cref="QueueFullMode.Drop"/>).</returns>
    [MethodImpl(HotPath.Options)]
    internal bool Enqueue(in PendingEvent item, EnqueueGate? gate = null, string? key = null)
    {
        object? notice = EnqueueLocked(in item, gate, key, out bool accepted);
        if (notice is not null)
        {
            // Outside the lock: the owner's handler may log, block or write itself.
            gate!.Notify(notice);
        }
        return accepted;
    }

    /// <summary>
    /// Queues <paramref name="work"/> (see <see cref="Enqueue"/>) and takes ownership of it: it is released exactly
    /// once, after it is built on the worker, or here when it is not queued (queue full in Drop mode, refused by the
    /// gate, writer disposed or failed). Kept apart from <see cref="Enqueue"/> so the scalar path has no handler.
    /// </summary>
    internal bool EnqueueWork(DeferredWork work, long step, double wallTime, EnqueueGate? gate = null, string? key = null)
    {
        object? notice;
        bool accepted = false;
        try
        {
            notice = EnqueueLocked(PendingEvent.Deferred(work, step, wallTime), gate, key, out accepted);
        }
        finally
        {
            // Once queued, the work is the worker's: a notice whose handler throws below must not release the
            // buffers the worker is about to read (they would go back to the pool while still in use).
            if (!accepted)
            {
                work.Release();
            }
        }
        if (notice is not null)
        {
            // Outside the lock, as in Enqueue.
            gate!.Notify(notice);
        }
        return accepted;
    }

    /// <summary>Blocks until every event queued before this call is written and flushed to the operating system.</summary>
    /// <exception cref="ObjectDisposedException">The writer was disposed.</exception>
    /// <exception cref="EventFileWriteException">The worker failed, or a value queued earlier failed to build (it was skipped; this flush completed).</exception>
    public void Flush()
    {
        _lock.Enter();
        try
        {
            ThrowIfUnusable();
            long target = ++_flushRequested;
            WakeWorker();
            while (_flushCompleted < target && _fault is null)
            {
                _lock.Wait();
            }
            // Only a fault can spoil a flush that was accepted; a Dispose that began meanwhile drains anyway.
            if (_fault is not null)
            {
                _faultReported = true;
                throw new EventFileWriteException(FilePath, _fault);
            }
            ThrowIfBuildFailed();
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>Holding the lock: wakes the worker if it sleeps (once: it clears the flag, so later callers skip the monitor).</summary>
    private void WakeWorker()
    {
        if (_workerWaiting)
        {
            _workerWaiting = false;
            _lock.Changed();
        }
    }

    [MethodImpl(HotPath.Options)]
    private object? EnqueueLocked(in PendingEvent item, EnqueueGate? gate, string? key, out bool accepted)
    {
        _lock.Enter();
        try
        {
            ThrowIfUnusable();
            ThrowIfBuildFailed(refusedCall: true);
            while (_count == _active.Length)
            {
                if (_active.Length < _capacity)
                {
                    int grown = (int)Math.Min((long)_active.Length * 2, _capacity);
                    _active.Resize(grown);
                }
                else if (_fullMode == QueueFullMode.Drop)
                {
                    _dropped++;
                    accepted = false;
                    return null;
                }
                else
                {
                    // The worker takes the whole queue when it wakes, and reports that (Changed) to sleepers.
                    WakeWorker();
                    _lock.Wait();
                    ThrowIfUnusable();
                }
            }
            // After any wait for room: waiting releases the lock, and another thread may have moved the key on.
            object? notice = gate is not null && key is not null ? gate.Admit(key, item.Step) : null;
            _active.Set(_count++, in item);
            // Scalars (and encoded records) wake the worker only in bulk: the caller then never pays for a thread switch.
            if (!item.IsBulk)
            {
                _urgent = true;
                WakeWorker();
            }
            else if (_count >= _wakeThreshold)
            {
                WakeWorker();
            }
            accepted = true;
            return notice;
        }
        finally
        {
            _lock.Exit();
        }
    }

    // Run on every enqueue: the check is inlined there (a method that throws is not, which cost each scalar a call)
    // and the throwing kept out of line.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfUnusable()
    {
        if (_fault is not null || _stopping)
        {
            ThrowUnusable();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowUnusable()
    {
        if (_fault is not null)
        {
            _faultReported = true;
            throw new EventFileWriteException(FilePath, _fault);
        }
        if (_stopping)
        {
            throw new ObjectDisposedException(OwnerName ?? typeof(EventFileWriter).FullName);
        }
    }

    /// <summary>
    /// The type named when a call meets this writer disposed: its owner's (SummaryWriter's), whose own check a call
    /// racing with its Dispose can pass just before the owner disposes this writer.
    /// </summary>
    internal string? OwnerName { get; init; }

    /// <summary>Under the lock: reports (once) values that failed to build since the last report.</summary>
    // Run on every enqueue: see ThrowIfUnusable.
    [MethodImpl(HotPath.Options)]
    private void ThrowIfBuildFailed(bool refusedCall = false)
    {
        if (_buildFault is not null)
        {
            ThrowBuildFailed(refusedCall);
        }
    }

    // Out of line: the enqueue path keeps only the check.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBuildFailed(bool refusedCall)
    {
        Exception failed = _buildFault!;
        int failures = _buildFailures;
        _buildFault = null;
        _buildFailures = 0;
        throw EventFileWriteException.BuildFailed(FilePath, failed, failures, refusedCall);
    }

    /// <summary>The worker thread: one <see cref="Turn"/> per batch until the writer stops, then closes the file.</summary>
    private void WorkerLoop()
    {
        var state = new WorkerState(Deadline(Environment.TickCount64));
        try
        {
            _identity?.Capture();
            while (Turn(state))
            {
            }
            _records.Dispose();
        }
        catch (Exception ex)
        {
            _lock.Enter();
            try
            {
                _fault = ex;
                _lock.Changed();
                // Nothing more will be written: give back the buffers of the work still queued (the failed item's own
                // work, if any, was released when it was built).
                ReleaseWork(state.Batch, state.Written, state.BatchCount);
                ReleaseWork(_active, 0, _count);
            }
            finally
            {
                _lock.Exit();
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
            OpenWriters.Remove(this);
            _exited.TrySetResult();
        }
    }

    /// <summary>
    /// One turn of the worker: waits for work (or a flush, or the flush tick), takes the whole queue as a batch, writes
    /// it, and flushes when asked or due. False once the writer is stopping and everything queued is written.
    /// </summary>
    /// <remarks>
    /// A method called once per batch, not the body of <see cref="WorkerLoop"/> (issue 19): the runtime replaces a
    /// method's first code (the package's precompiled ReadyToRun code, which cannot inline the framework's methods) by
    /// fully optimised code only between calls, after 30 of them. A loop that runs once per writer would keep its first
    /// code for the writer's whole life: that cost the ReadyToRun package's steady state 116 ns per scalar against the
    /// JIT's ~65 ns in one measurement. In the plain assembly it is fully optimised from its first call, like the rest
    /// of the per-scalar path (a short run ends before tiering would promote tier-0 code).
    /// </remarks>
    [MethodImpl(HotPath.Options)]
    private bool Turn(WorkerState state)
    {
        long flushTarget;
        bool stopping;
        PendingSlots batch;
        int batchCount;
        _lock.Enter();
        try
        {
            // Asleep, the worker is woken by the first item that is not a scalar (or an encoded record) or by
            // _wakeThreshold of those; awake, it waits for the same. Taking every few scalars as they arrive (the worker
            // encodes faster than a caller queues) would hand the lock and the queue's cache lines between the two
            // threads every few items: one thread logging in a loop made about a sixth fewer calls per second, and 2M
            // scalars took about 16 % longer (issue 19, A/B on 2 cores).
            while ((_count == 0 || (_count < _wakeThreshold && !_urgent)) && _flushRequested == _flushCompleted && !_stopping)
            {
                long waitMs = state.NextFlushAt - Environment.TickCount64;
                if (waitMs <= 0)
                {
                    break;
                }
                _workerWaiting = true;
                _lock.Wait((int)Math.Min(waitMs, int.MaxValue));
                _workerWaiting = false;
            }
            batch = _active;
            batchCount = _count;
            _active = _spare.Length >= _active.Length ? _spare : new PendingSlots(_active.Length);
            _spare = batch;
            _count = 0;
            _urgent = false;
            _batchesTaken += batchCount > 0 ? 1 : 0;
            flushTarget = _flushRequested;
            stopping = _stopping;
            // Producers waiting for room: there is a whole empty queue now.
            _lock.Changed();
        }
        finally
        {
            _lock.Exit();
        }

        state.Batch = batch;
        state.BatchCount = batchCount;
        // Before anything that can throw: the worker's catch releases this batch's deferred items from Written on.
        state.Written = 0;
        if (batchCount >= BusyBatchItems)
        {
            _records.GrowBuffer(BusyWriteBuffer);
        }
        for (; state.Written < batchCount; state.Written++)
        {
            WriteOne(batch.Get(state.Written), state);
            batch.Clear(state.Written);
        }
        state.Unflushed |= batchCount > 0;

        long now = Environment.TickCount64;
        if ((state.Unflushed && (flushTarget > _flushCompleted || stopping)) || now >= state.NextFlushAt)
        {
            // Every tick flushes, new records or not: a store that holds work back (an upload waiting for its
            // retry) retries it in its own Flush, and a local file's flush with nothing new costs nothing.
            _records.Flush();
            state.Unflushed = false;
            _identity?.Check();
        }
        else if (flushTarget > _flushCompleted || stopping)
        {
            // A Flush or Dispose with nothing new still says whether the file is still there.
            _identity?.Check();
        }
        if (now >= state.NextFlushAt)
        {
            state.NextFlushAt = Deadline(now);
        }

        _lock.Enter();
        try
        {
            _flushCompleted = flushTarget;
            _lock.Changed();
            return !(stopping && _count == 0);
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>What the worker keeps from one <see cref="Turn"/> to the next, and what its error handler needs.</summary>
    private sealed class WorkerState(long nextFlushAt)
    {
        public readonly ScalarEventEncoder Scalars = new();

        /// <summary>Made at the first event or summary (see <see cref="WriteMessage"/>).</summary>
        public RepeatedMetadata? Metadata;
        public long NextFlushAt = nextFlushAt;
        public bool Unflushed;

        /// <summary>The batch being written: items before <see cref="Written"/> are done, the rest (to <see cref="BatchCount"/>) not yet.</summary>
        public PendingSlots? Batch;
        public int BatchCount;
        public int Written;

        private byte[] _scratch = new byte[4096];

        /// <summary>The scratch buffer, grown (at least doubled) when it holds fewer than <paramref name="size"/> bytes.</summary>
        public byte[] ScratchOf(int size)
        {
            if (_scratch.Length < size)
            {
                _scratch = new byte[Math.Max(size, _scratch.Length * 2)];
            }
            return _scratch;
        }
    }

    private static void ReleaseWork(PendingSlots? slots, int from, int to)
    {
        for (int i = from; slots is not null && i < to; i++)
        {
            if (slots.Get(i).Payload is DeferredWork work)
            {
                work.Release();
            }
        }
    }

    private long Deadline(long now) => _flushIntervalMs == long.MaxValue ? long.MaxValue : now + _flushIntervalMs;

    [MethodImpl(HotPath.Options)]
    private void WriteOne(in PendingEvent item, WorkerState state)
    {
        if (!item.IsScalar)
        {
            if (item.Kind == PendingKind.Encoded)
            {
                _records.Write((byte[])item.Payload);
            }
            else
            {
                WriteMessage(in item, state);
            }
            return;
        }
        string tag = (string)item.Payload;
        int max = ScalarEventEncoder.MaxEncodedLength(tag);
        // Encoded straight into the record buffer: a scalar is copied once, not through the scratch buffer too.
        if (_records.TryReserve(max, out Span<byte> data))
        {
            _records.CommitRecord(state.Scalars.Encode(tag, item.Value, item.Step, item.WallTime, item.ScalarEncoding, data));
            return;
        }
        byte[] scratch = state.ScratchOf(max);
        int length = state.Scalars.Encode(tag, item.Value, item.Step, item.WallTime, item.ScalarEncoding, scratch);
        _records.Write(scratch.AsSpan(0, length));
    }

    /// <summary>
    /// An event or a summary to build: the only part of the worker that uses Google.Protobuf, in its own method (and
    /// its metadata table made at its first call) so that a writer that logs only scalars never loads that assembly:
    /// its first turn did, on the worker's thread, in every fresh process (issue 19: a short run's start).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteMessage(in PendingEvent item, WorkerState state)
    {
        RepeatedMetadata metadata = state.Metadata ??= new RepeatedMetadata();
        Event value;
        if (item.Kind == PendingKind.Event)
        {
            value = metadata.WithoutRepeats((Event)item.Payload);
        }
        else if (TryBuild(in item, out Summary? summary))
        {
            value = metadata.WithoutRepeats(new Event { WallTime = item.WallTime, Step = item.Step, Summary = summary });
        }
        else
        {
            return;
        }
        int size = value.CalculateSize();
        Span<byte> bytes = state.ScratchOf(size).AsSpan(0, size);
        value.WriteTo(bytes);
        _records.Write(bytes);
    }

    /// <summary>
    /// Builds a deferred item's summary. A build that throws costs only its own value: the error is kept for the next
    /// call and the worker goes on, unlike an I/O error, after which nothing more can be written.
    /// </summary>
    private bool TryBuild(in PendingEvent item, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Summary? summary)
    {
        var work = item.Payload as DeferredWork;
        try
        {
            summary = work is not null ? work.Build() : ((Func<Summary>)item.Payload)();
            return true;
        }
        catch (Exception ex)
        {
            _lock.Enter();
            try
            {
                _buildFault ??= ex;
                _buildFailures++;
            }
            finally
            {
                _lock.Exit();
            }
            summary = null;
            return false;
        }
        finally
        {
            work?.Release();
        }
    }

    private void BeginStop()
    {
        _lock.Enter();
        try
        {
            if (!_stopping)
            {
                _stopping = true;
                // Wakes the worker to drain, and producers waiting for room to see the writer is closing.
                _workerWaiting = false;
                _lock.Changed();
            }
        }
        finally
        {
            _lock.Exit();
        }
    }

    private void ThrowUnreportedFault()
    {
        _lock.Enter();
        try
        {
            if (_fault is not null && !_faultReported)
            {
                _faultReported = true;
                throw new EventFileWriteException(FilePath, _fault);
            }
            ThrowIfBuildFailed();
        }
        finally
        {
            _lock.Exit();
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
