using BenchmarkDotNet.Attributes;

namespace TbLogger.Benchmarks.Writer;

/// <summary>
/// AddScalar on the caller's thread. Each invocation writes a burst smaller than the queue, then flushes outside
/// the measurement, so the figure is the caller's own cost (MemoryDiagnoser shows bytes per call).
/// </summary>
[MemoryDiagnoser]
public class AddScalarBenchmarks
{
    private const int Burst = 4096;
    private string _dir = "";
    private SummaryWriter _writer = null!;
    private long _step;

    /// <summary>Opens a writer in a temp directory.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "tblogger-bdn", Guid.NewGuid().ToString("N"));
        _writer = new SummaryWriter(_dir, new SummaryWriterOptions { MaxQueueEvents = 2 * Burst, FlushInterval = Timeout.InfiniteTimeSpan });
    }

    /// <summary>Lets the worker drain, then park, before each measured burst (so the burst measures the caller, not a race with the worker's last lock round).</summary>
    [IterationSetup]
    public void Drain()
    {
        _writer.Flush();
        Thread.Sleep(2);
    }

    /// <summary>A burst of AddScalar calls.</summary>
    [Benchmark(OperationsPerInvoke = Burst)]
    public void AddScalar()
    {
        for (int i = 0; i < Burst; i++)
        {
            _writer.AddScalar("train/loss", i * 0.001, _step++);
        }
    }

    /// <summary>Closes the writer and deletes the directory.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
