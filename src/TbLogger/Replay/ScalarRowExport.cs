using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using TbLogger.Reading;

namespace TbLogger.Replay;

/// <summary>
/// Writes scalar rows (CSV or JSON Lines) with the formatting spread over several threads: shortest round-trip
/// number text costs more than decoding the scalars, so one formatting thread would be the export's limit. Each
/// worker takes the next <see cref="RowsPerChunk"/> points from the source (one at a time, under a lock), formats
/// them into a buffer of its own, and the caller's thread writes the buffers in source order, reports progress and
/// rethrows a failure of the source after the rows read before it. The bytes are exactly those of a one-thread
/// export; memory is bounded by the chunks in flight (<see cref="MaxChunksAhead"/>).
/// </summary>
internal sealed class ScalarRowExport
{
    private const int RowsPerChunk = 4096;
    private const int ProgressEvery = 65_536;
    private const int MaxChunksAhead = 8;

    private readonly IEnumerator<ScalarPoint> _source;
    private readonly bool _json;
    private readonly Lock _readGate = new();
    private readonly object _gate = new();
    private readonly Dictionary<long, (MemoryStream Bytes, int Rows)> _ready = [];
    private readonly ConcurrentBag<MemoryStream> _buffers = [];
    private long _nextRead;
    private long _nextWrite;
    private bool _sourceDone;
    private bool _abandoned;
    private int _running;
    private ExceptionDispatchInfo? _failure;
    private long _failureAfter = long.MaxValue;

    private ScalarRowExport(IEnumerator<ScalarPoint> source, bool json)
    {
        _source = source;
        _json = json;
    }

    /// <summary>Writes every point of <paramref name="points"/> as a row; returns the rows written.</summary>
    /// <param name="points">The scalars, in output order.</param>
    /// <param name="output">Where the rows go (written on the caller's thread only).</param>
    /// <param name="json">JSON Lines instead of CSV.</param>
    /// <param name="progress">Hears the rows written so far, every 65,536 rows; may be null.</param>
    /// <param name="threads">Formatting threads; 1 formats on the caller's thread.</param>
    public static long Write(IEnumerable<ScalarPoint> points, Stream output, bool json, IProgress<long>? progress, int threads)
    {
        if (threads <= 1)
        {
            long rows = 0;
            using var writer = new Utf8RowWriter(output);
            foreach (ScalarPoint p in points)
            {
                WritePoint(writer, p, json);
                if (++rows % ProgressEvery == 0)
                {
                    progress?.Report(rows);
                }
            }
            return rows;
        }
        using var source = points.GetEnumerator();
        return new ScalarRowExport(source, json).Run(output, progress, threads);
    }

    private long Run(Stream output, IProgress<long>? progress, int threads)
    {
        var workers = new Thread[threads];
        _running = threads;
        for (int i = 0; i < threads; i++)
        {
            workers[i] = new Thread(Work) { IsBackground = true, Name = "TbLogger export" };
            workers[i].Start();
        }
        long rows = 0;
        try
        {
            while (Take() is { } chunk)
            {
                output.Write(chunk.Bytes.GetBuffer(), 0, (int)chunk.Bytes.Length);
                _buffers.Add(chunk.Bytes);
                long before = rows;
                rows += chunk.Rows;
                if (rows / ProgressEvery != before / ProgressEvery)
                {
                    progress?.Report(rows);
                }
                if (chunk.Seq == _failureAfter)
                {
                    _failure!.Throw();
                }
            }
            return rows;
        }
        finally
        {
            lock (_gate)
            {
                _abandoned = true;
                Monitor.PulseAll(_gate);
            }
            foreach (Thread worker in workers)
            {
                worker.Join();
            }
        }
    }

    /// <summary>The next chunk in source order, or null when every chunk was written.</summary>
    private (MemoryStream Bytes, int Rows, long Seq)? Take()
    {
        lock (_gate)
        {
            while (true)
            {
                if (_ready.Remove(_nextWrite, out var chunk))
                {
                    long seq = _nextWrite++;
                    Monitor.PulseAll(_gate);
                    return (chunk.Bytes, chunk.Rows, seq);
                }
                if (_running == 0)
                {
                    return null;
                }
                Monitor.Wait(_gate);
            }
        }
    }

    private void Work()
    {
        var points = new ScalarPoint[RowsPerChunk];
        var writer = new Utf8RowWriter(Stream.Null);
        try
        {
            while (true)
            {
                lock (_gate)
                {
                    // Bound the chunks formatted but not yet written.
                    while (!_abandoned && Volatile.Read(ref _nextRead) - _nextWrite >= MaxChunksAhead)
                    {
                        Monitor.Wait(_gate);
                    }
                    if (_abandoned)
                    {
                        return;
                    }
                }
                long seq;
                int count = 0;
                lock (_readGate)
                {
                    if (_sourceDone)
                    {
                        return;
                    }
                    seq = _nextRead;
                    try
                    {
                        while (count < points.Length && _source.MoveNext())
                        {
                            points[count++] = _source.Current;
                        }
                        _sourceDone = count < points.Length;
                    }
                    catch (Exception ex)
                    {
                        // The rows read before the failure are still written, then the caller rethrows it.
                        _failure = ExceptionDispatchInfo.Capture(ex);
                        _failureAfter = seq;
                        _sourceDone = true;
                    }
                    Volatile.Write(ref _nextRead, seq + 1);
                }
                MemoryStream bytes = _buffers.TryTake(out MemoryStream? reused) ? reused : new MemoryStream();
                bytes.SetLength(0);
                writer.Retarget(bytes);
                for (int i = 0; i < count; i++)
                {
                    WritePoint(writer, points[i], _json);
                }
                writer.Flush();
                lock (_gate)
                {
                    _ready[seq] = (bytes, count);
                    Monitor.PulseAll(_gate);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _running--;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>One row: run, tag, step, wall_time, value.</summary>
    internal static void WritePoint(Utf8RowWriter writer, in ScalarPoint p, bool json)
    {
        if (json)
        {
            writer.JsonScalarRow(p.Run, p.Tag, p.Step, p.WallTime, p.Value);
        }
        else
        {
            writer.CsvScalarRow(p.Run, p.Tag, p.Step, p.WallTime, p.Value, extra: false);
        }
    }
}
