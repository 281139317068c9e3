using TbLogger.Benchmarks.Quick;
using TbLogger.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.Benchmarks.TorchSharpAdapter;

/// <summary>
/// The TorchSharp adapter's costs as ratios measured in one run: AddHistogram of a 1M-element contiguous CPU float32
/// tensor against the span overload on the same memory (zero copy: goal ≤ 1.1×), and AddParameters of a
/// 1M-parameter model (values, gradients, norms) against one forward+backward pass of that model.
/// </summary>
public sealed class TorchSharpQuickBenchmark : IQuickBenchmark
{
    private const int Count = 1_000_000;

    /// <inheritdoc />
    public string Name => "torchsharp";

    /// <inheritdoc />
    public void Run(QuickReport report)
    {
        torch.manual_seed(1);
        // One intra-op thread: the machine is shared, and the ratio should not depend on how many cores libtorch grabs.
        torch.set_num_threads(1);
        string dir = Path.Combine(Path.GetTempPath(), "tblogger-bench", Guid.NewGuid().ToString("N"));
        try
        {
            using var writer = new SummaryWriter(dir, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
            using var values = torch.randn(Count);
            float[] array = values.data<float>().ToArray();
            long step = 0;
            double span = QuickReport.MedianNanoseconds(() => writer.AddHistogram("h", array.AsSpan(), step++), runs: 31);
            double tensor = QuickReport.MedianNanoseconds(() => writer.AddHistogram("h", values, step++), runs: 31);
            using var strided = torch.randn(2 * Count).slice(0, 0, 2 * Count, 2);
            double copied = QuickReport.MedianNanoseconds(() => writer.AddHistogram("h", strided, step++), runs: 15);
            report.Add("AddHistogram(span) of 1M floats, µs (baseline)", (span / 1e3).ToString("0.0"));
            report.AddRatio("AddHistogram(Tensor) 1M contiguous CPU float32 / span", tensor, span, "goal <= 1.1x");
            report.AddRatio("AddHistogram(Tensor) 1M strided (copied) / span", copied, span, "report");

            // A 1000 → 1000 linear layer: 1,001,000 parameters. One training step's forward+backward on a batch of 64.
            using var model = nn.Sequential(("fc", nn.Linear(1000, 1000)));
            using var x = torch.randn(64, 1000);
            void ForwardBackward()
            {
                using var scope = torch.NewDisposeScope();
                model.zero_grad();
                model.call(x).pow(2).mean().backward();
            }
            double pass = QuickReport.MedianNanoseconds(ForwardBackward, runs: 21);
            double logAll = QuickReport.MedianNanoseconds(() => writer.AddParameters(model, step++), runs: 21);
            double gradsOnly = QuickReport.MedianNanoseconds(() => writer.AddParameters(model, step++, new ParameterLogOptions { Values = false }), runs: 21);
            writer.Flush();
            report.Add("forward+backward of a 1M-parameter Linear, batch 64, µs (baseline)", (pass / 1e3).ToString("0.0"));
            report.AddRatio("AddParameters (values+grads+norms) 1M params / forward+backward", logAll, pass, "report");
            report.AddRatio("AddParameters (grads+norms only) 1M params / forward+backward", gradsOnly, pass, "report");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
