using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TbLogger.Records;

namespace TbLogger.Reading;

/// <summary>
/// <see cref="LogDirReader.ReadScalars"/>: each run's <see cref="ScalarScan"/> fills fixed batches ("chunks"), read on
/// the caller's thread or, with several runs, on up to <see cref="LogDirReaderOptions.MaxDegreeOfParallelism"/>
/// threads at once. Either way the caller sees exactly what a one-thread read gives, in the same order:
/// <list type="bullet">
/// <item>runs are handed out in name order and drained in name order; a run ahead of the one being drained may
/// buffer at most <see cref="ChunksAhead"/> chunks and then waits, and all runs in flight hold at most
/// <see cref="ChunksInFlight"/> chunks, so memory stays flat however large the directory and however many cores
/// (a larger run overlaps its first part, or its purge pre-pass, with the previous run's points);</item>
/// <item>corruption reports (framing and malformed values) travel inside the chunk at the position where they
/// happened, and are counted and delivered on the caller's thread just before the point that followed them;</item>
/// <item>an exception (strict mode) travels the same way: the points read before it are returned, then it is thrown.</item>
/// </list>
/// </summary>
internal static class ScalarRuns
{
    /// <summary>Points per chunk: large enough that handing one over costs nothing per point.</summary>
    private const int BatchSize = 1024;

    /// <summary>Chunks a run may read ahead of the caller: 64 x 1,024 points x 40 bytes, about 2.6 MB per run.</summary>
    private const int ChunksAhead = 64;

    /// <summary>
    /// Chunks all runs in flight may hold together (single passes, then queues): about 31 MB whatever the number of
    /// threads, so a many-core machine gets smaller single passes instead of more memory.
    /// </summary>
    private const int ChunksInFlight = 768;

    public static IEnumerable<ScalarPoint> Read(LogDirReader reader, ReadFilter filter) => new Points(reader, filter);

    /// <summary>The chunks of a read, on as many threads as the options and the runs allow.</summary>
    private static IEnumerable<Chunk> Chunks(LogDirReader reader, ReadFilter filter)
    {
        IReadOnlyList<RunInfo> runs = reader.GetRuns(filter.Runs);
        int parallelism = reader.Options.Threads;
        return parallelism <= 1 || runs.Count == 0 ? Sequential(reader, runs, filter)
            : runs.Count > 1 ? Runs(reader, runs, filter, reader.Options.ThreadsForRuns(runs.Count))
            : OneRun(reader, runs, filter, Math.Min(parallelism, LogDirReaderOptions.MaxRunThreads));
    }

    /// <summary>A read's points, each enumeration a new read (as an iterator's would be).</summary>
    private sealed class Points(LogDirReader reader, ReadFilter filter) : IEnumerable<ScalarPoint>
    {
        public IEnumerator<ScalarPoint> GetEnumerator() => new PointEnumerator(reader, filter);

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// The points of the chunks, the corruption reports delivered just before the point that followed them and a
    /// chunk's failure thrown after its points. A hand-written enumerator rather than an iterator: the caller's
    /// thread takes every point of a read, also those the helpers read, and an iterator's state machine (its state
    /// dispatch, the point copied into its current field) cost about as much per point as a tenth of the scan
    /// (issue 19). Here a point is an index step in the chunk's array, read in place by <see cref="Current"/>.
    /// Like an iterator it starts reading at the first <see cref="MoveNext"/>, and ends (stopping its helper threads)
    /// when disposed, when the points end, and when it throws.
    /// </summary>
    private sealed class PointEnumerator(LogDirReader reader, ReadFilter filter) : IEnumerator<ScalarPoint>
    {
        private readonly Action<TfRecordCorruptException>? _onCorrupt = reader.Options.RecordOptions.OnCorruptRecord;
        private IEnumerator<Chunk>? _chunks;
        private Chunk? _chunk;
        private ScalarPoint[] _points = [];
        private int _index = -1;
        private int _count;
        private int _nextReport;
        private bool _ended;

        /// <summary>The current point; default before the first and after the last, as an iterator's.</summary>
        public ScalarPoint Current => (uint)_index < (uint)_points.Length ? _points[_index] : default;

        object System.Collections.IEnumerator.Current => Current;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public bool MoveNext()
        {
            // Most points: the next one in a chunk without reports.
            int next = _index + 1;
            if (next < _count && _chunk!.Reports is null)
            {
                _index = next;
                return true;
            }
            return MoveNextChunk();
        }

        private bool MoveNextChunk()
        {
            try
            {
                while (!_ended)
                {
                    if (_chunk is { } chunk)
                    {
                        int next = _index + 1;
                        if (next < _count)
                        {
                            if (chunk.Reports is { } before)
                            {
                                Deliver(reader, _onCorrupt, before, ref _nextReport, next);
                            }
                            _index = next;
                            return true;
                        }
                        // The chunk's array goes back to be filled again once the next chunk is asked for: no point refers to it.
                        (_chunk, _count, _points) = (null, 0, []);
                        if (chunk.Reports is { } reports)
                        {
                            Deliver(reader, _onCorrupt, reports, ref _nextReport, int.MaxValue);
                        }
                        chunk.Failure?.Throw();
                    }
                    _chunks ??= Chunks(reader, filter).GetEnumerator();
                    if (!_chunks.MoveNext())
                    {
                        Dispose();
                        return false;
                    }
                    _chunk = _chunks.Current;
                    (_points, _count, _index, _nextReport) = (_chunk.Points, _chunk.Count, -1, 0);
                }
                return false;
            }
            catch
            {
                // As an iterator does: a read that threw is over, its helpers stopped and its files closed.
                Dispose();
                throw;
            }
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose()
        {
            _ended = true;
            (_chunk, _count, _points) = (null, 0, []);
            _chunks?.Dispose();
        }
    }

    /// <summary>
    /// The chunk arrays of one read, reused from run to run: a read holds at most a few hundred (a single pass holds
    /// up to <see cref="LogDirReaderOptions.SinglePassChunks"/>), more than the shared ArrayPool keeps, so the read
    /// keeps its own. Every array is exactly <see cref="BatchSize"/> long: a chunk shorter than its array marks the end
    /// of its run.
    /// </summary>
    private sealed class ChunkArrays
    {
        private readonly ConcurrentBag<ScalarPoint[]> _free = [];

        public ScalarPoint[] Rent() => _free.TryTake(out ScalarPoint[]? points) ? points : new ScalarPoint[BatchSize];

        public void Return(ScalarPoint[] points) => _free.Add(points);
    }

    private static void Deliver(LogDirReader reader, Action<TfRecordCorruptException>? onCorrupt, List<Report> reports, ref int next, int before)
    {
        for (; next < reports.Count && reports[next].At <= before; next++)
        {
            if (reports[next].Malformed)
            {
                reader.ReportMalformed(reports[next].Error);
            }
            else
            {
                onCorrupt?.Invoke(reports[next].Error);
            }
        }
    }

    private static IEnumerable<Chunk> Sequential(LogDirReader reader, IReadOnlyList<RunInfo> runs, ReadFilter filter)
    {
        var arrays = new ChunkArrays();
        // The caller consumes a chunk before asking for the next, so its array can be filled again.
        foreach (RunInfo run in runs)
        {
            using var producer = new RunChunks(reader, run, filter, CancellationToken.None, arrays.Rent, arrays.Return, reader.Options.SinglePassChunks);
            while (producer.Next() is { } chunk)
            {
                // What warms the scan's code for a later split read (ReadWarmth).
                ReadWarmth.Add(chunk.Count);
                yield return chunk;
                arrays.Return(chunk.Points);
            }
        }
    }

    /// <summary>Several runs, each read whole on one of <paramref name="workers"/> threads (see <see cref="Parallel"/>).</summary>
    private static IEnumerable<Chunk> Runs(LogDirReader reader, IReadOnlyList<RunInfo> runs, ReadFilter filter, int workers)
    {
        int singlePass = Math.Clamp(ChunksInFlight * 2 / 3 / workers, 1, reader.Options.SinglePassChunks);
        int ahead = Math.Clamp(ChunksInFlight / 3 / workers, 1, ChunksAhead);
        return Parallel(runs.Count, workers, lead: 1, ahead, (r, arrays, token) => new RunChunks(reader, runs[r], filter, token, arrays.Rent, arrays.Return, singlePass));
    }

    /// <summary>
    /// One run on several threads. A run the single pass can hold is read as before (once, on the caller's thread).
    /// A larger one, read with the data server's rules, is split into stretches of <see cref="LogDirReaderOptions.SegmentBytes"/>
    /// bytes (<see cref="RunSegments"/>); the threads build the purge plan from the stretches, each finding its own
    /// first record, and check that they fit together (<see cref="SegmentPrePass"/>), then the segments that gives are
    /// read like runs by <see cref="Parallel"/>, each seeded with what the run decided before it, so the points,
    /// reports and failures are exactly a one-thread read's. Anything unusual (a framing or CRC problem, an event that
    /// does not decode, another store, the Python loader's rules, no purging) reads the run on one thread as before, and
    /// so does a process that has not yet read <see cref="LogDirReaderOptions.SplitAfterScalars"/> scalars on one
    /// thread (<see cref="ReadWarmth"/>).
    /// </summary>
    private static IEnumerable<Chunk> OneRun(LogDirReader reader, IReadOnlyList<RunInfo> runs, ReadFilter filter, int workers)
    {
        RunInfo run = runs[0];
        LogDirReaderOptions options = reader.Options;
        // A run of two stretches' worth of bytes or less is not worth splitting: that many scalar records is about what
        // the single pass holds (131,072 points), and each of its files is a stretch at least, so the stretches alone
        // do not say (three small files would split). A process that has read little on one thread still has the
        // read's code at its first tier: see ReadWarmth.
        if (!options.PurgeOrphanedData || options.Loader != TensorBoardLoader.DataServer || !run.Storage.IsLocal
            || RunSegments.Plan(run, options.SegmentBytes, out long bytes) is not { } stretches || bytes <= 2 * options.SegmentBytes
            || !ReadWarmth.Warm(options.SplitAfterScalars)
            || SegmentPrePass.Run(run, stretches, options.RecordOptions, workers) is not { Segments.Count: > 1 } prePass)
        {
            return Sequential(reader, runs, filter);
        }
        Interlocked.Increment(ref reader.SegmentedReads);
        // Segments hold no single pass, so a helper may read two of its segments ahead of the caller: it then has its
        // next segment done when the caller, which also consumes every point, gets there, instead of the caller
        // waiting on the helper's last chunks one by one. A queue holds a whole segment (about 70 chunks of scalar
        // records of one value and the short chunk that ends it: twice that for records of two values), or the helper
        // would wait on its last chunk until the caller came: three queues per helper, within ChunksInFlight.
        List<RunSegment> segments = prePass.Segments;
        workers = Math.Min(workers, segments.Count);
        int ahead = Math.Clamp(ChunksInFlight / 3 / workers, 1, 2 * ChunksAhead);
        return Parallel(segments.Count, workers, lead: 2, ahead, (k, arrays, token) => new RunChunks(reader, run, filter, token, arrays.Rent, arrays.Return, 0,
            (segments[k], k + 1 < segments.Count ? segments[k + 1] : null, tag => prePass.Seed(k, tag)), prePass.Plan));
    }

    /// <summary>
    /// Reads <paramref name="count"/> parts (runs, or segments of one run) on the caller's thread and
    /// <paramref name="workers"/> - 1 helper threads, each thread its fixed share: part r belongs to thread r mod
    /// workers (thread 0 is the caller), <paramref name="open"/> makes its chunks. The caller walks the parts in
    /// order: its own it reads itself, with no hand-off at all; a helper's it drains from that part's queue (at most
    /// <paramref name="ahead"/> chunks waiting). A helper starts its next part only once the caller has reached the part
    /// <paramref name="lead"/> of its own parts before (1: its previous one), so each helper holds at most
    /// <paramref name="lead"/> + 1 parts (one being drained, the others read) and memory stays flat.
    /// Why fixed shares: with runs claimed from one counter, a helper that finished a run claimed the next one just
    /// before the caller could, the caller then waited for it, and the read settled on one busy core at a time
    /// (issue 19: 1.26 cores busy, 0.96x the one-thread speed on two cores). With fixed shares the caller always has a
    /// part of its own to read while a helper reads the next one.
    /// </summary>
    private static IEnumerable<Chunk> Parallel(int count, int workers, int lead, int ahead, Func<int, ChunkArrays, CancellationToken, RunChunks> open)
    {
        using var cancel = new CancellationTokenSource();
        var arrays = new ChunkArrays();
        var claimed = new BlockingCollection<Chunk>?[count];
        // The run the caller has reached (guarded by reachedGate): a helper waits on it before starting a new run.
        object reachedGate = new();
        int reached = -1;
        var helpers = new Task[workers - 1];
        for (int i = 0; i < helpers.Length; i++)
        {
            int first = i + 1;
            helpers[i] = Task.Factory.StartNew(() => Help(first), cancel.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        try
        {
            for (int r = 0; r < count; r++)
            {
                lock (reachedGate)
                {
                    reached = r;
                    Monitor.PulseAll(reachedGate);
                }
                if (r % workers == 0)
                {
                    using var producer = open(r, arrays, cancel.Token);
                    while (producer.Next() is { } chunk)
                    {
                        yield return chunk;
                        arrays.Return(chunk.Points);
                    }
                    continue;
                }
                // The helper starts run r as soon as the caller reached its previous run, which it has: wait the
                // few instructions until the queue is published.
                var spin = new SpinWait();
                BlockingCollection<Chunk>? queue;
                while ((queue = Volatile.Read(ref claimed[r])) is null)
                {
                    spin.SpinOnce();
                }
                foreach (Chunk chunk in queue.GetConsumingEnumerable())
                {
                    yield return chunk;
                    arrays.Return(chunk.Points);
                }
                // Not disposed here: the helper may still be inside CompleteAdding when the enumeration sees the end.
                // A drained queue holds no handle (no wait handle was asked for), so the collector may take it.
                claimed[r] = null;
            }
        }
        finally
        {
            // Finished, abandoned or failed: stop the helpers (they close their files) before the enumeration ends.
            cancel.Cancel();
            lock (reachedGate)
            {
                Monitor.PulseAll(reachedGate);
            }
            try
            {
                Task.WaitAll(helpers);
            }
            catch (AggregateException)
            {
                // Only a helper cancelled before it started: the others end normally (see Help).
            }
            foreach (BlockingCollection<Chunk>? queue in claimed)
            {
                queue?.Dispose();
            }
        }

        void Help(int first)
        {
            CancellationToken token = cancel.Token;
            try
            {
                for (int r = first; r < count && !token.IsCancellationRequested; r += workers)
                {
                    lock (reachedGate)
                    {
                        while (reached < r - lead * workers && !token.IsCancellationRequested)
                        {
                            Monitor.Wait(reachedGate);
                        }
                    }
                    token.ThrowIfCancellationRequested();
                    var queue = new BlockingCollection<Chunk>(ahead);
                    Volatile.Write(ref claimed[r], queue);
                    try
                    {
                        using var producer = open(r, arrays, token);
                        while (producer.Next() is { } chunk)
                        {
                            queue.Add(chunk, token);
                        }
                    }
                    catch (Exception ex) when (!token.IsCancellationRequested)
                    {
                        // RunChunks turns the run's own failures into its last chunk; anything else (a fault of ours,
                        // or an OperationCanceledException from the user's code on this thread, such as a progress
                        // sink) still reaches the caller at this run: the caller would otherwise drain the run as if
                        // it had ended, losing its points silently, and then wait forever for this helper's next run.
                        queue.Add(new Chunk(arrays.Rent()) { Failure = ExceptionDispatchInfo.Capture(ex) }, token);
                    }
                    finally
                    {
                        queue.CompleteAdding();
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>A corruption report and the index of the point it precedes in its chunk.</summary>
    private readonly record struct Report(int At, TfRecordCorruptException Error, bool Malformed);

    /// <summary>Up to <see cref="BatchSize"/> points of one run, the reports among them, and the failure that ended the run, if any.</summary>
    private sealed class Chunk(ScalarPoint[] points)
    {
        public ScalarPoint[] Points { get; } = points;

        public int Count;

        public List<Report>? Reports;

        public ExceptionDispatchInfo? Failure;

        public void Add(int at, TfRecordCorruptException error, bool malformed) => (Reports ??= []).Add(new Report(at, error, malformed));
    }

    /// <summary>
    /// The chunks of one run. The data server's rules (the default loader) drop points only when a tag's step repeats
    /// or goes back, and most runs have no such step; so the run is first read once, every value observed by the
    /// loader model, holding up to <see cref="LogDirReaderOptions.SinglePassChunks"/> chunks (fewer with many
    /// threads). When the run ends within them and nothing was evicted, those chunks are the answer and the run was
    /// read once. When it does not end within them, the scan waits where it stopped while a second cursor observes the
    /// rest of the run; if nothing is evicted anywhere, the held chunks are the run's first points and the scan reads
    /// on from where it stopped (the held part is read once, the rest twice: observed, then scanned). Otherwise (or
    /// for the Python loader's rules) the chunks are dropped and the run is read as before: purge pre-pass, then the
    /// scan with the plan; the held part is read twice more, and no byte is counted twice for progress.
    /// </summary>
    private sealed class RunChunks : IDisposable
    {
        private readonly LogDirReader _reader;
        private readonly RunInfo _run;
        private readonly ReadFilter _filter;
        private readonly CancellationToken _cancellation;
        private readonly TfRecordReaderOptions _recordOptions;
        private readonly Func<ScalarPoint[]> _rent;
        private readonly Action<ScalarPoint[]> _release;
        private readonly int _singlePassChunks;
        private readonly (RunSegment From, RunSegment? To, Action<TagState> Seed)? _segment;
        private ScalarScan? _scan;
        private Chunk? _current;
        private Queue<Chunk>? _held;
        private PurgePlan? _plan;
        private long[]? _counted;
        private bool _started;
        private bool _done;

        /// <param name="reader">The reader.</param>
        /// <param name="run">The run.</param>
        /// <param name="filter">Tags and steps.</param>
        /// <param name="cancellation">Stops an abandoned parallel read.</param>
        /// <param name="rent">Gives a chunk's array.</param>
        /// <param name="release">Takes back the arrays of chunks a single pass dropped.</param>
        /// <param name="singlePassChunks">Chunks the single pass may hold.</param>
        /// <param name="segment">One segment of the run and its seed (see <see cref="ScalarScan"/>): read with <paramref name="plan"/>, no single pass.</param>
        /// <param name="plan">The whole run's purge plan, with <paramref name="segment"/>.</param>
        public RunChunks(LogDirReader reader, RunInfo run, ReadFilter filter, CancellationToken cancellation, Func<ScalarPoint[]> rent, Action<ScalarPoint[]> release,
            int singlePassChunks, (RunSegment From, RunSegment? To, Action<TagState> Seed)? segment = null, PurgePlan? plan = null)
        {
            _singlePassChunks = singlePassChunks;
            _segment = segment;
            if (segment is not null)
            {
                _plan = plan ?? throw new ArgumentNullException(nameof(plan));
                _started = true;
            }
            _reader = reader;
            _run = run;
            _filter = filter;
            _cancellation = cancellation;
            _rent = rent;
            _release = release;
            TfRecordReaderOptions options = reader.Options.RecordOptions;
            // Framing reports go into the chunk being filled, to be delivered where they happened.
            _recordOptions = options.OnCorruptRecord is null ? options : options with { OnCorruptRecord = e => _current!.Add(_scan?.Filled ?? 0, e, malformed: false) };
        }

        /// <summary>The next chunk; null after the run's last one.</summary>
        public Chunk? Next()
        {
            if (!_started)
            {
                _started = true;
                TrySinglePass();
            }
            if (_held is { Count: > 0 })
            {
                return _held.Dequeue();
            }
            if (_done)
            {
                return null;
            }
            var chunk = _current = new Chunk(_rent());
            try
            {
                _scan ??= new ScalarScan(_run, _filter, _plan ?? PurgePlan.For(_run, _reader.Options, _recordOptions, _cancellation), _recordOptions,
                    _reader.BytesRead, Malformed, _cancellation, counted: _counted, skipped: Skipped, segment: _segment);
                chunk.Count = _scan.Fill(chunk.Points);
                _done = chunk.Count < chunk.Points.Length;
            }
            catch (Exception ex)
            {
                chunk.Count = _scan?.Filled ?? 0;
                chunk.Failure = ExceptionDispatchInfo.Capture(ex);
                _done = true;
            }
            return chunk;
        }

        private void TrySinglePass()
        {
            LogDirReaderOptions options = _reader.Options;
            if (!options.PurgeOrphanedData || options.Loader != TensorBoardLoader.DataServer)
            {
                return;
            }
            var held = new Queue<Chunk>();
            var scan = _scan = new ScalarScan(_run, _filter, PurgePlan.None, _recordOptions, _reader.BytesRead, Malformed, _cancellation, observeAll: true, skipped: Skipped);
            bool complete = false;
            bool resume = false;
            try
            {
                while (held.Count < _singlePassChunks && !scan.Evicts)
                {
                    var chunk = _current = new Chunk(_rent());
                    chunk.Count = scan.Fill(chunk.Points);
                    held.Enqueue(chunk);
                    if (chunk.Count < chunk.Points.Length)
                    {
                        complete = true;
                        break;
                    }
                }
                if (!complete && !scan.Evicts && _run.Storage.IsLocal)
                {
                    // The points cannot all be held: the rest of the run is observed by a second cursor while this
                    // scan waits where it stopped. With nothing to evict anywhere (most runs), the held points are the
                    // run's first ones and the scan reads on from there: the held part is read once. Local files only:
                    // the second cursor opens a file at an offset, which an object store's stream may not seek to.
                    _reader.SinglePassStopped?.Invoke(_run);
                    _plan = scan.ObserveRestApart(_recordOptions with { OnCorruptRecord = null });
                    resume = _plan?.IsEmpty == true;
                    _plan ??= scan.ObserveRest();
                }
                else if (!complete || scan.Evicts)
                {
                    // Some points are evicted (or the run is not local): the scan goes on as the purge pre-pass from
                    // where it stopped (the part read is not read again for the plan), and the run is then read once
                    // more with the plan. Reports met here go with the dropped chunks: the second read meets them again.
                    _plan = scan.ObserveRest();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !ByteProgress.ThrownBySink(ex))
            {
                // Strict mode's corruption, or anything else: the two-pass read meets it again, at the point where
                // a one-thread read of the old kind met it (its pre-pass, before the run's first point). Not the
                // progress sink's own exception (nor a cancellation): the user's code need not throw again, so it
                // ends the run here, before its first point.
                complete = false;
                _plan = null;
            }
            finally
            {
                if (!resume)
                {
                    scan.Dispose();
                    _scan = null;
                    _counted = scan.Counted;
                }
            }
            if (resume)
            {
                Interlocked.Increment(ref _reader.ResumedSinglePasses);
                scan.ResumeAfterRest();
                _held = held;
                return;
            }
            if (complete && !scan.Evicts)
            {
                _held = held;
                _done = true;
                return;
            }
            foreach (Chunk chunk in held)
            {
                _release(chunk.Points);
            }
        }

        private void Malformed(string file, long offset, string detail, Exception inner) =>
            _current!.Add(_scan!.Filled, _reader.MalformedError(file, offset, detail, inner), malformed: true);

        // A record whose event does not decode: counted and reported like a malformed value, in read order.
        private void Skipped(TfRecordCorruptException corrupt) => _current!.Add(_scan!.Filled, corrupt, malformed: true);

        public void Dispose() => _scan?.Dispose();
    }
}
