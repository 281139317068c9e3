using System.Numerics.Tensors;
using TbLogger.Benchmarks.Quick;
using TbLogger.Metrics.Losses;

namespace TbLogger.Benchmarks.Losses;

/// <summary>
/// Quick figures for the losses: CategoricalCrossentropyLoss(from_logits) value + gradient over 10,000 × 10 as a ratio to
/// <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/> over the same 100,000 floats, and bytes per call (goal 0).
/// </summary>
public sealed class LossesQuickBenchmark : IQuickBenchmark
{
    private const int Rows = 10_000, Classes = 10;

    /// <inheritdoc/>
    public string Name => "losses";

    /// <inheritdoc/>
    public void Run(QuickReport report)
    {
        var (labels, logits) = LossBenchmarkData.Create(Rows, Classes);
        var gradient = new float[logits.Length];
        var loss = new CategoricalCrossentropyLoss(fromLogits: true);
        float sink = 0;

        void Baseline() => sink += TensorPrimitives.Sum<float>(logits);
        void ValueAndGradient() => sink += loss.ComputeWithGradient(T(labels), T(logits), gradient);
        void Value() => sink += loss.Compute(T(labels), T(logits));
        void Gradient() => loss.Gradient(T(labels), T(logits), gradient);
        void Separate() { Value(); Gradient(); }

        // QuickReport warms up once; tiered JIT needs ~30 calls and a moment before it swaps in optimised code, and
        // without this the figures compare unoptimised code (Sum alone runs ~30x slower at tier 0).
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 40; i++) { Baseline(); ValueAndGradient(); Separate(); }
            Thread.Sleep(250);
        }

        double sum = QuickReport.MedianNanoseconds(Baseline, runs: 51);
        report.Add("Sum(100k floats) ns (baseline)", sum.ToString("0"));

        double both = QuickReport.MedianNanoseconds(ValueAndGradient, runs: 31);
        report.AddRatio("CCE(logits) value+gradient 10k×10 / Sum(100k)", both, sum, "info");
        report.Add("CCE(logits) value+gradient 10k×10 ns", both.ToString("0"), "info");
        report.AddRatio("CCE(logits) Compute then Gradient / Sum(100k)", QuickReport.MedianNanoseconds(Separate, runs: 31), sum, "info");
        report.AddRatio("CCE(logits) Compute only / Sum(100k)", QuickReport.MedianNanoseconds(Value, runs: 31), sum, "info");
        report.Add("CCE(logits) value+gradient B/call", QuickReport.AllocatedBytesPerCall(ValueAndGradient, calls: 50).ToString("0"), "0");
        report.Add("CCE(logits) Compute+Gradient B/call", QuickReport.AllocatedBytesPerCall(Separate, calls: 50).ToString("0"), "0");
        GC.KeepAlive(sink);
    }

    private static ReadOnlyTensorSpan<float> T(float[] data) => new(data, [Rows, Classes]);
}
