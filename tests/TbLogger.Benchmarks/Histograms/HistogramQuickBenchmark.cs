using System.Numerics.Tensors;
using TbLogger.Benchmarks.Quick;

namespace TbLogger.Benchmarks.Histograms;

/// <summary>
/// Histogram and PR curve of 1,000,000 values as ratios to <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/>
/// over the same span, and what AddHistogram / AddPrCurve allocate on the caller's thread.
/// </summary>
public sealed class HistogramQuickBenchmark : IQuickBenchmark
{
    private const int Count = 1_000_000;

    /// <inheritdoc />
    public string Name => "histograms";

    /// <inheritdoc />
    public void Run(QuickReport report)
    {
        var (values, predictions, labels) = HistogramData.Create(Count);
        float sink = 0;
        double sum = QuickReport.MedianNanoseconds(() => sink += TensorPrimitives.Sum(values), runs: 31);
        double exponential = QuickReport.MedianNanoseconds(() => Summaries.Histogram("h", values), runs: 15);
        double uniform = QuickReport.MedianNanoseconds(() => Summaries.Histogram("h", values, HistogramBins.Uniform(100)), runs: 15);
        double explicitEdges = QuickReport.MedianNanoseconds(() => Summaries.Histogram("h", values, HistogramBins.FromEdges([-0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2])), runs: 15);
        double prCurve = QuickReport.MedianNanoseconds(() => Summaries.PrCurve("p", labels, predictions, 127), runs: 15);
        report.Add("TensorPrimitives.Sum of 1M floats, µs (baseline)", (sum / 1e3).ToString("0.0"));
        report.AddRatio("Histogram 1M floats, default buckets / Sum", exponential, sum, "goal < 30x");
        report.AddRatio("Histogram 1M floats, 100 uniform buckets / Sum", uniform, sum, "report");
        report.AddRatio("Histogram 1M floats, 6 explicit edges / Sum", explicitEdges, sum, "report");
        // numpy's named rules: Sturges needs only min/max; Scott a pairwise-summed std; FD (and auto) a sort.
        foreach (var rule in new[] { HistogramBinRule.Sturges, HistogramBinRule.Scott, HistogramBinRule.Fd, HistogramBinRule.Stone })
        {
            double ruled = QuickReport.MedianNanoseconds(() => Summaries.Histogram("h", values, HistogramBins.FromRule(rule)), runs: 7);
            report.AddRatio($"Histogram 1M floats, bins rule {rule} / Sum", ruled, sum, "report");
        }
        double merged = QuickReport.MedianNanoseconds(() => Summaries.Histogram("h", values, HistogramBins.Uniform(10_000).WithMaxBins(64)), runs: 15);
        report.AddRatio("Histogram 1M floats, 10000 uniform buckets, max_bins 64 / Sum", merged, sum, "report");
        report.AddRatio("PR curve 1M predictions, 127 thresholds / Sum", prCurve, sum, "goal < 30x");

        string dir = Path.Combine(Path.GetTempPath(), "tblogger-bench", Guid.NewGuid().ToString("N"));
        try
        {
            using var writer = new SummaryWriter(dir, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
            long step = 0;
            double histogramBytes = QuickReport.AllocatedBytesPerCall(() => writer.AddHistogram("h", values, step++), calls: 20);
            double prBytes = QuickReport.AllocatedBytesPerCall(() => writer.AddPrCurve("p", labels, predictions, step++), calls: 20);
            writer.Flush();
            report.Add("AddHistogram bytes allocated on caller per call (1M floats)", histogramBytes.ToString("N0"), "O(buckets), input 4,000,000 B");
            report.Add("AddPrCurve bytes allocated on caller per call (1M predictions)", prBytes.ToString("N0"), "goal: nothing proportional to N");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        GC.KeepAlive(sink);
    }
}
