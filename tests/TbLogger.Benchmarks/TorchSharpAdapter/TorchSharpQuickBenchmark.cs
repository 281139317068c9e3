using System.Diagnostics;
using TbLogger.Benchmarks.Quick;
using TbLogger.Reading;
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

    /// <summary>
    /// Scalars each writer logs in <see cref="PeerScalars"/>: TorchSharp's writer opens and closes its file for every
    /// event (about 20 µs each on a 2-core VM), so its warm-up and rounds take about 7 s.
    /// </summary>
    private const int PeerScalarCount = 50_000;

    /// <summary>Timed rounds of <see cref="PeerScalars"/>, each one run of each writer.</summary>
    private const int PeerRounds = 5;

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

    /// <summary>
    /// The peer a TorchSharp user has at hand: TorchSharp's own <c>torch.utils.tensorboard.SummaryWriter</c> against
    /// ours, the same scalars to one tag, each writer built, called and (ours) closed: a warm-up of each, then
    /// <see cref="PeerRounds"/> rounds taking turns, so a change in the machine's load touches both alike. Every
    /// directory either writer made is read back and must hold every scalar, so neither side is timed for less than its
    /// work (ours is pinned to rank 0 of 1: under a launcher's RANK=1 it would discard everything).
    /// </summary>
    private static void PeerScalars(QuickReport report, string root)
    {
        string peerRoot = Path.Combine(root, "peer");
        var written = new List<string>();
        string NextDirectory(string name)
        {
            string dir = Path.Combine(peerRoot, $"{name}{written.Count}");
            written.Add(dir);
            return dir;
        }
        void Theirs()
        {
            var peer = torch.utils.tensorboard.SummaryWriter(NextDirectory("torchsharp"), createRunName: false);
            for (int i = 0; i < PeerScalarCount; i++)
            {
                peer.add_scalar("train/loss", i * 0.001f, i);
            }
        }
        void Ours()
        {
            using var writer = new SummaryWriter(NextDirectory("tblogger"),
                new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, Rank = 0, WorldSize = 1 });
            for (int i = 0; i < PeerScalarCount; i++)
            {
                writer.AddScalar("train/loss", i * 0.001f, i);
            }
        }
        var (oursNs, theirsNs) = QuickReport.PairedTimes(Ours, Theirs, PeerRounds);
        double[] theirs = [.. theirsNs.Select(ns => ns / 1e6)];
        double[] ours = [.. oursNs.Select(ns => ns / 1e6)];
        double[] ratios = [.. theirsNs.Zip(oursNs, (t, o) => t / o)];
        if (written.Count != 2 * (PeerRounds + 1))
        {
            throw new InvalidOperationException($"The peer comparison made {written.Count} directories, not {2 * (PeerRounds + 1)}.");
        }
        foreach (string dir in written)
        {
            long points = Directory.Exists(dir) ? new LogDirReader(dir).ReadScalars().LongCount() : 0;
            if (points != PeerScalarCount)
            {
                throw new InvalidOperationException($"{dir} holds {points} scalars, not {PeerScalarCount}: the peer comparison timed less than its work.");
            }
        }
        Array.Sort(theirs);
        Array.Sort(ours);
        Array.Sort(ratios);
        report.Add($"peer: TorchSharp's SummaryWriter, {PeerScalarCount:N0} scalars, ms (min-max)", $"{theirs[PeerRounds / 2]:0.0} ({theirs[0]:0}-{theirs[^1]:0})", "report");
        report.Add("peer: TbLogger's SummaryWriter, the same scalars, ms (min-max)", $"{ours[PeerRounds / 2]:0.0} ({ours[0]:0.0}-{ours[^1]:0.0})", "report");
        report.Add("peer: TorchSharp's time / ours, same round (min-max)", $"{ratios[PeerRounds / 2]:0}x ({ratios[0]:0}-{ratios[^1]:0}x)", "report (ours faster above 1x)");
    }
}
