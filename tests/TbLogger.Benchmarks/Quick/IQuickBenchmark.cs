namespace TbLogger.Benchmarks.Quick;

/// <summary>
/// A benchmark that `--quick` runs without BenchmarkDotNet: it measures in one process run and reports each
/// figure as a ratio to a baseline measured in the same run, because absolute times on shared machines are noise.
/// </summary>
public interface IQuickBenchmark
{
    /// <summary>Short name shown as the group heading, e.g. "writer".</summary>
    string Name { get; }

    /// <summary>Runs the measurements and adds every figure to <paramref name="report"/>.</summary>
    void Run(QuickReport report);
}
