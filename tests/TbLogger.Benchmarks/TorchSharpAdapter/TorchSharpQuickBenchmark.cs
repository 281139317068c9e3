using TbLogger.Benchmarks.Quick;
using TbLogger.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.Benchmarks.TorchSharpAdapter;

/// <summary>
/// The TorchSharp adapter's costs as ratios measured in one run: AddHistogram of a 1M-element contiguous CPU float32
/// tensor against the span overload on the same memory (zero copy: goal ≤ 1.1×), AddParameters of a
/// 1M-parameter model (values, gradients, norms) against one forward+backward pass of that model, and TorchSharp's own
/// SummaryWriter against ours on the same scalars (the peer a TorchSharp user has at hand).
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
            PeerScalars(report, dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Scalars each writer logs in <see cref="PeerScalars"/>: TorchSharp's writer takes about 20 µs a scalar here.</summary>
    private const int PeerCount = 50_000;

    /// <summary>
    /// The peer a TorchSharp user has at hand: TorchSharp's own <c>torch.utils.tensorboard.SummaryWriter</c> against
    /// ours, the same scalars to one tag, each writer built, called and (ours) closed, medians of 3 after a warm-up.
    /// Both files are read back and must hold every scalar, so neither side is timed for less than its work.
    /// </summary>
    private static void PeerScalars(QuickReport report, string root)
    {
        int run = 0;
        double theirs = QuickReport.MedianNanoseconds(() =>
        {
            string dir = Path.Combine(root, $"torchsharp{run++}");
            var peer = torch.utils.tensorboard.SummaryWriter(dir, createRunName: false);
            for (int i = 0; i < PeerCount; i++)
            {
                peer.add_scalar("train/loss", i * 0.001f, i);
            }
        }, runs: 3);
        double ours = QuickReport.MedianNanoseconds(() =>
        {
            using var writer = new SummaryWriter(Path.Combine(root, $"tblogger{run++}"), new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
            for (int i = 0; i < PeerCount; i++)
            {
                writer.AddScalar("train/loss", i * 0.001f, i);
            }
        }, runs: 3);
        foreach (string dir in Directory.GetDirectories(root))
        {
            long points = new global::TbLogger.Reading.LogDirReader(dir).ReadScalars().LongCount();
            if (points != PeerCount)
            {
                throw new InvalidOperationException($"{dir} holds {points} scalars, not {PeerCount}: the peer comparison timed less than its work.");
            }
        }
        report.Add($"peer: TorchSharp's SummaryWriter, {PeerCount:N0} scalars, ms", (theirs / 1e6).ToString("0.0"), "report");
        report.Add($"peer: TbLogger's SummaryWriter, the same scalars, ms", (ours / 1e6).ToString("0.0"), "report");
        report.AddRatio("peer: TorchSharp's time / ours", ours, theirs, "report (ours faster above 1x)", higherIsBetter: true);
    }
}
