using System.Runtime.CompilerServices;
using TbLogger.Deferred;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Storage;

namespace TbLogger;

/// <summary>
/// One event file as a <see cref="SummaryWriter"/> writes it: the file's queue (<see cref="EventFileWriter"/>, which
/// only encodes and writes) plus the writer's policies for it: the purge event, the step discipline, the tag suffix
/// and the scalar encoding. On a rank that does not write there is no file: calls are accepted and forgotten.
/// </summary>
internal sealed class RunFile : IDisposable, IAsyncDisposable
{
    private readonly EventFileWriter? _queue; // null on a rank that does not write
    private readonly StepPolicy? _steps;
    private readonly TagSuffixPolicy? _suffix;
    private readonly PendingKind _scalarKind;
    private readonly string _name;
    private volatile bool _disposed;

    /// <summary>Writes through <paramref name="queue"/>, or discards everything when it is null.</summary>
    internal RunFile(EventFileWriter? queue, string name, SummaryWriterOptions options, StepPolicy? steps)
    {
        _queue = queue;
        _name = queue?.FilePath ?? name;
        _steps = steps;
        _suffix = TagSuffixPolicy.For(options);
        _scalarKind = PendingEvent.KindOf(options.ScalarEncoding);
        if (_steps is not null)
        {
            _steps.FilePath = _name;
        }
    }

    /// <summary>The event file's path (or, on a rank that does not write, a name saying so).</summary>
    public string FilePath => _name;

    /// <summary>Events dropped because the queue was full in <see cref="QueueFullMode.Drop"/> mode.</summary>
    public long DroppedEvents => _queue?.DroppedEvents ?? 0;

    /// <summary>Writes whose step repeated or went back for their tag.</summary>
    public long StepViolations => _queue is null ? 0 : _steps?.Violations ?? 0;

    /// <summary>Opens a new event file in <paramref name="directory"/> of <paramref name="storage"/>.</summary>
    public static RunFile Open(LogStorage storage, string directory, SummaryWriterOptions options)
    {
        var steps = StepPolicy.For(options);
        var queue = new EventFileWriter(storage, directory, options.EventFile, PurgeEvent(options.PurgeStep)) { OwnerName = OwnerName };
        return new RunFile(queue, directory, options, steps);
    }

    /// <summary>A run file that accepts every event and writes none: the log of a rank that does not write.</summary>
    public static RunFile Discarding(string name, SummaryWriterOptions options) => new(null, name, options, steps: null);

    /// <summary>
    /// With a purge step, the first two events after file_version are <c>SessionLog{status = START}</c> at that step.
    /// TensorBoard's Python loader takes the first START of a run for the session's start and ignores it, so one START
    /// (PyTorch's purge_step) purges nothing; the second purges the run's earlier points at steps &gt;= it whether or
    /// not the run already had a START. The default data server ignores SessionLog: there the new file, named to sort
    /// after the run's other files, evicts each re-logged tag's old points at steps &gt;= the new ones.
    /// </summary>
    internal static Func<double, IReadOnlyList<byte[]>>? PurgeEvent(long? purgeStep) => purgeStep is long step
        ? wallTime => [SessionStartEvent.Encode(wallTime, step), SessionStartEvent.Encode(wallTime, step)]
        : null;

    /// <summary>
    /// Throws the step discipline's refusal of a scalar of <paramref name="tag"/> at <paramref name="step"/>, as
    /// <see cref="EnqueueScalar"/> would, without queuing it (nothing to check on a rank that does not write).
    /// </summary>
    public void CheckScalarStep(string tag, long step)
    {
        if (_queue is not null && _steps is not null)
        {
            _queue.Check(_steps, tag, step);
        }
    }

    /// <summary>Queues a scalar; allocates nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool EnqueueScalar(string tag, double value, long step, double wallTime)
    {
        if (_queue is null)
        {
            return Discard();
        }
        string written = _suffix is null ? tag : _suffix.Apply(tag);
        return _queue.Enqueue(PendingEvent.Scalar(written, value, step, wallTime, _scalarKind), _steps, tag);
    }

    /// <summary>
    /// Queues a scalar unless this file already holds a point of <paramref name="tag"/> at a step &gt;= <paramref name="step"/>
    /// (then TensorBoard shows that series' last point, and a second point would only repeat a step or go back). Under
    /// <see cref="StepDiscipline.Silent"/> nothing is tracked and the scalar is always queued.
    /// </summary>
    /// <returns>True when queued or skipped; false when the queue was full in Drop mode.</returns>
    public bool EnqueueScalarUnlessLogged(string tag, double value, long step, double wallTime)
    {
        if (_queue is null || _steps is null)
        {
            return EnqueueScalar(tag, value, step, wallTime);
        }
        string written = _suffix is null ? tag : _suffix.Apply(tag);
        try
        {
            return _queue.Enqueue(PendingEvent.Scalar(written, value, step, wallTime, _scalarKind), _steps.UnlessLogged(), tag);
        }
        catch (StepPolicy.AlreadyLogged)
        {
            return true;
        }
    }

    /// <summary>Queues a summary built on the worker thread; <paramref name="tag"/> is its tag, for the step discipline.</summary>
    public bool EnqueueSummary(string tag, Func<Summary> build, long step, double wallTime)
    {
        if (_queue is null)
        {
            return Discard();
        }
        if (_suffix is { } suffix)
        {
            var unsuffixed = build;
            build = () => suffix.Apply(unsuffixed());
        }
        return _queue.Enqueue(PendingEvent.Deferred(build, step, wallTime), _steps, tag);
    }

    /// <summary>
    /// Queues <paramref name="work"/>, built on the worker thread, and takes ownership of it (released exactly once,
    /// written or not). <paramref name="tag"/> is the caller's tag, for the step discipline; the work is given the tag as
    /// written (with this file's suffix) here, on the caller's thread.
    /// </summary>
    public bool EnqueueWork(string tag, SummaryWork work, long step, double wallTime)
    {
        if (_queue is null)
        {
            work.Release();
            return Discard();
        }
        if (_suffix is { } suffix)
        {
            work.Tag = suffix.Apply(tag);
        }
        return _queue.EnqueueWork(work, step, wallTime, _steps, tag);
    }

    /// <summary>Queues a complete event; it must not be changed afterwards.</summary>
    public bool WriteEvent(Event value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (_queue is null)
        {
            return Discard();
        }
        // The step discipline follows the first tag of a summary: one event is one point of each of its tags.
        string? tag = value.WhatCase == Event.WhatOneofCase.Summary && value.Summary.Value.Count > 0 ? value.Summary.Value[0].Tag : null;
        PendingEvent item = PendingEvent.Complete(value);
        if (_suffix is { } suffix && tag is not null)
        {
            // The caller's event is not ours to rename: the worker renames a copy of its summary.
            Summary summary = value.Summary;
            item = PendingEvent.Deferred(() => suffix.Apply(summary.Clone()), value.Step, value.WallTime);
        }
        return _queue.Enqueue(in item, _steps, tag);
    }

    /// <summary>Blocks until every event queued before this call is written and flushed to the operating system.</summary>
    public void Flush()
    {
        if (_queue is null)
        {
            ThrowIfDisposed();
            return;
        }
        _queue.Flush();
    }

    /// <summary>Writes every event accepted before this call, flushes and closes the file.</summary>
    public void Dispose()
    {
        _disposed = true;
        _queue?.Dispose();
    }

    /// <summary>Like <see cref="Dispose"/>, without blocking a thread while the worker drains.</summary>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return _queue?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private bool Discard()
    {
        ThrowIfDisposed();
        return true;
    }

    // A call racing with SummaryWriter.Dispose can pass the writer's own check and meet this file (or its queue)
    // disposed: the error names the type the caller used, as the writer's check does.
    private const string OwnerName = "TbLogger.SummaryWriter";

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(OwnerName);
        }
    }
}
