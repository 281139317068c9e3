using System.Numerics.Tensors;
using TbLogger.Benchmarks.Quick;
using TbLogger.Metrics;

namespace TbLogger.Benchmarks.Metrics;

/// <summary>
/// The metric figures as ratios measured in one run: UpdateState of BinaryAccuracy and MeanSquaredError over
/// 1,000,000 values against TensorPrimitives.Sum over the same span (goal &lt; 4×), SparseCategoricalAccuracy over
/// 100,000 × 10 scores against a Sum over the same 1,000,000 floats (goal &lt; 8×), and bytes allocated per call (goal 0).
/// </summary>
public sealed class MetricsQuickBenchmark : IQuickBenchmark
{
    private const int Values = 1_000_000;
    private const int Rows = 100_000;
    private const int Classes = 10;

    /// <inheritdoc />
    public string Name => "metrics";

    /// <inheritdoc />
    public void Run(QuickReport report)
    {
        var (labels, probs, sparseLabels, scores) = MetricBenchmarkData.Create(Values, Rows, Classes);
        float sink = 0;
        const int reps = 20;

        double sumProbs = QuickReport.MedianNanoseconds(() => { for (int r = 0; r < reps; r++) sink += TensorPrimitives.Sum<float>(probs); }, runs: 15);
        double sumScores = QuickReport.MedianNanoseconds(() => { for (int r = 0; r < reps; r++) sink += TensorPrimitives.Sum<float>(scores); }, runs: 15);

        var binary = new BinaryAccuracy();
        var mse = new MeanSquaredError();
        var sparse = new SparseCategoricalAccuracy();
        void Binary() => binary.UpdateState(new ReadOnlyTensorSpan<float>(labels), new ReadOnlyTensorSpan<float>(probs));
        void Mse() => mse.UpdateState(new ReadOnlyTensorSpan<float>(labels), new ReadOnlyTensorSpan<float>(probs));
        void Sparse() => sparse.UpdateState(new ReadOnlyTensorSpan<float>(sparseLabels), new ReadOnlyTensorSpan<float>(scores, [Rows, Classes]));

        double binaryNs = QuickReport.MedianNanoseconds(() => { for (int r = 0; r < reps; r++) Binary(); }, runs: 15);
        double mseNs = QuickReport.MedianNanoseconds(() => { for (int r = 0; r < reps; r++) Mse(); }, runs: 15);
        double sparseNs = QuickReport.MedianNanoseconds(() => { for (int r = 0; r < reps; r++) Sparse(); }, runs: 15);

        report.AddRatio("BinaryAccuracy.UpdateState(1M) / TensorPrimitives.Sum(1M)", binaryNs, sumProbs, "goal < 4x");
        report.AddRatio("MeanSquaredError.UpdateState(1M) / TensorPrimitives.Sum(1M)", mseNs, sumProbs, "goal < 4x");
        report.AddRatio("SparseCategoricalAccuracy.UpdateState(100k x 10) / Sum(1M)", sparseNs, sumScores, "goal < 8x");
        report.Add("BinaryAccuracy.UpdateState bytes/call", QuickReport.AllocatedBytesPerCall(Binary, 50).ToString("0"), "goal 0");
        report.Add("MeanSquaredError.UpdateState bytes/call", QuickReport.AllocatedBytesPerCall(Mse, 50).ToString("0"), "goal 0");
        report.Add("SparseCategoricalAccuracy.UpdateState bytes/call", QuickReport.AllocatedBytesPerCall(Sparse, 50).ToString("0"), "goal 0");
        GC.KeepAlive(sink);
    }
}
