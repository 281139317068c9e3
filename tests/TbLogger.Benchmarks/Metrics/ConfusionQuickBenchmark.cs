using System.Numerics.Tensors;
using TbLogger.Benchmarks.Quick;
using TbLogger.Metrics;

namespace TbLogger.Benchmarks.Metrics;

/// <summary>
/// Quick figures for the confusion family: AUC (200 thresholds) UpdateState over 1,000,000 predictions as a ratio to
/// <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/> over the same span (goal &lt; 20×), and bytes per call (goal 0).
/// </summary>
public sealed class ConfusionQuickBenchmark : IQuickBenchmark
{
    private const int N = 1_000_000;

    /// <inheritdoc/>
    public string Name => "confusion";

    /// <inheritdoc/>
    public void Run(QuickReport report)
    {
        var (labels, predictions) = ConfusionBenchmarkData.Create(N);
        var weights = Enumerable.Repeat(0.5f, N).ToArray();
        float sink = 0;
        double sum = QuickReport.MedianNanoseconds(() => sink += TensorPrimitives.Sum<float>(predictions), runs: 21);
        report.Add("Sum(1M floats) ns (baseline)", sum.ToString("0"));

        var auc = new AUC();
        double aucNs = QuickReport.MedianNanoseconds(() => auc.UpdateState(labels, predictions), runs: 21);
        report.AddRatio("AUC(200 thr).UpdateState(1M) / Sum(1M)", aucNs, sum, "< 20x");
        report.Add("AUC(200 thr).UpdateState(1M) B/call", QuickReport.AllocatedBytesPerCall(() => auc.UpdateState(labels, predictions), calls: 20).ToString("0"), "0");

        var weighted = new AUC();
        double weightedNs = QuickReport.MedianNanoseconds(() => weighted.UpdateState(labels, predictions, weights), runs: 11);
        report.AddRatio("AUC weighted UpdateState(1M) / Sum(1M)", weightedNs, sum, "info");

        var uneven = new AUC(thresholds: [.. Enumerable.Range(1, 198).Select(i => MathF.Pow(i / 199f, 2))]);
        double unevenNs = QuickReport.MedianNanoseconds(() => uneven.UpdateState(labels, predictions), runs: 5);
        report.AddRatio("AUC uneven 200 thr (binary search) / Sum(1M)", unevenNs, sum, "info");
        report.Add("AUC uneven UpdateState(1M) B/call", QuickReport.AllocatedBytesPerCall(() => uneven.UpdateState(labels, predictions), calls: 5).ToString("0"), "0");

        var precision = new Precision([0.3f, 0.5f, 0.7f]);
        double precisionNs = QuickReport.MedianNanoseconds(() => precision.UpdateState(labels, predictions), runs: 11);
        report.AddRatio("Precision(3 thr).UpdateState(1M) / Sum(1M)", precisionNs, sum, "info");
        GC.KeepAlive(sink);
    }
}
