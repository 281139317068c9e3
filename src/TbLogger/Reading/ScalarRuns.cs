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
/// buffer at most <see cref="ChunksAhead"/> chunks (about 5 MB) and then waits, so memory stays flat however
/// large the directory (a run larger than that overlaps its purge pre-pass with the previous run's points);</item>
/// <item>corruption reports (framing and malformed values) travel inside the chunk at the position where they
/// happened, and are counted and delivered on the caller's thread just before the point that followed them;</item>
/// <item>an exception (strict mode) travels the same way: the points read before it are returned, then it is thrown.</item>
/// </list>
/// </summary>
internal static class ScalarRuns
{
    /// <summary>Points per chunk: large enough that handing one over costs nothing per point.</summary>
    private const int BatchSize = 1024;

    /// <summary>Chunks a run may read ahead of the caller: 128 x 1,024 points x 40 bytes, about 5 MB per run.</summary>
    private const int ChunksAhead = 128;

    public static IEnumerable<ScalarPoint> Read(LogDirReader reader, ReadFilter filter)
    {
        IReadOnlyList<RunInfo> runs = reader.GetRuns(filter.Runs);
        int parallelism = reader.Options.MaxDegreeOfParallelism == 0 ? Environment.ProcessorCount : reader.Options.MaxDegreeOfParallelism;
        IEnumerable<Chunk> chunks = parallelism > 1 && runs.Count > 1
            ? Parallel(reader, runs, filter, Math.Min(parallelism, runs.Count))
            : Sequential(reader, runs, filter);
        Action<TfRecordCorruptException>? onCorrupt = reader.Options.RecordOptions.OnCorruptRecord;
        foreach (Chunk chunk in chunks)
        {
            int nextReport = 0;
            List<Report>? reports = chunk.Reports;
            for (int i = 0; i < chunk.Count; i++)
            {
                if (reports is not null)
                {
                    Deliver(reader, onCorrupt, reports, ref nextReport, i);
                }
                yield return chunk.Points[i];
            }
            if (reports is not null)
            {
                Deliver(reader, onCorrupt, reports, ref nextReport, int.MaxValue);
            }
            chunk.Failure?.Throw();
        }
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
        // The caller consumes a chunk before asking for the next, so one array serves the whole read.
        var points = new ScalarPoint[BatchSize];
        foreach (RunInfo run in runs)
        {
            using var producer = new RunChunks(reader, run, filter, CancellationToken.None);
            while (producer.Next(points) is { } chunk)
            {
                yield return chunk;
            }
        }
    }

    private static IEnumerable<Chunk> Parallel(LogDirReader reader, IReadOnlyList<RunInfo> runs, ReadFilter filter, int workers)
    {
        using var cancel = new CancellationTokenSource();
        var free = new ConcurrentBag<ScalarPoint[]>();
        var inFlight = new Queue<(BlockingCollection<Chunk> Queue, Task Worker)>();
        int next = 0;
        try
        {
            while (inFlight.Count < workers && next < runs.Count)
            {
                inFlight.Enqueue(Start(runs[next++]));
            }
            while (inFlight.Count > 0)
            {
                foreach (Chunk chunk in inFlight.Peek().Queue.GetConsumingEnumerable())
                {
                    yield return chunk;
                    free.Add(chunk.Points);
                }
                var (queue, worker) = inFlight.Dequeue();
                worker.Wait();
                queue.Dispose();
                if (next < runs.Count)
                {
                    inFlight.Enqueue(Start(runs[next++]));
                }
            }
        }
        finally
        {
            // Abandoned or failed: stop the workers (they close their files) before the enumeration ends.
            cancel.Cancel();
            foreach (var (queue, worker) in inFlight)
            {
                try
                {
                    worker.Wait();
                }
                catch (AggregateException)
                {
                }
                queue.Dispose();
            }
        }

        (BlockingCollection<Chunk>, Task) Start(RunInfo run)
        {
            var queue = new BlockingCollection<Chunk>(ChunksAhead);
            CancellationToken token = cancel.Token;
            // A thread of its own (LongRunning): the caller may itself be a pool thread waiting on this queue.
            var worker = Task.Factory.StartNew(() =>
            {
                try
                {
                    using var producer = new RunChunks(reader, run, filter, token);
                    while (producer.Next(free.TryTake(out ScalarPoint[]? points) ? points : new ScalarPoint[BatchSize]) is { } chunk)
                    {
                        queue.Add(chunk, token);
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                }
                finally
                {
                    queue.CompleteAdding();
                }
            }, token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            return (queue, worker);
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

    /// <summary>The chunks of one run: its purge pre-pass, then its scan, with every report and failure captured in place.</summary>
    private sealed class RunChunks : IDisposable
    {
        private readonly LogDirReader _reader;
        private readonly RunInfo _run;
        private readonly ReadFilter _filter;
        private readonly CancellationToken _cancellation;
        private readonly TfRecordReaderOptions _recordOptions;
        private ScalarScan? _scan;
        private Chunk? _current;
        private bool _done;

        public RunChunks(LogDirReader reader, RunInfo run, ReadFilter filter, CancellationToken cancellation)
        {
            _reader = reader;
            _run = run;
            _filter = filter;
            _cancellation = cancellation;
            TfRecordReaderOptions options = reader.Options.RecordOptions;
            // Framing reports go into the chunk being filled, to be delivered where they happened.
            _recordOptions = options.OnCorruptRecord is null ? options : options with { OnCorruptRecord = e => _current!.Add(_scan?.Filled ?? 0, e, malformed: false) };
        }

        /// <summary>The next chunk, written into <paramref name="points"/>; null after the run's last one.</summary>
        public Chunk? Next(ScalarPoint[] points)
        {
            if (_done)
            {
                return null;
            }
            var chunk = _current = new Chunk(points);
            try
            {
                _scan ??= new ScalarScan(_run, _filter, PurgePlan.For(_run, _reader.Options, _recordOptions, _cancellation), _recordOptions,
                    _reader.BytesRead, Malformed, _cancellation);
                chunk.Count = _scan.Fill(points);
                _done = chunk.Count < points.Length;
            }
            catch (Exception ex)
            {
                chunk.Count = _scan?.Filled ?? 0;
                chunk.Failure = ExceptionDispatchInfo.Capture(ex);
                _done = true;
            }
            return chunk;
        }

        private void Malformed(string file, long offset, string detail, Exception inner) =>
            _current!.Add(_scan!.Filled, _reader.MalformedError(file, offset, detail, inner), malformed: true);

        public void Dispose() => _scan?.Dispose();
    }
}
