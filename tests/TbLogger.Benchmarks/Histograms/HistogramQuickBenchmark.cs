using System.Numerics.Tensors;
using TbLogger.Benchmarks.Quick;

namespace TbLogger.Benchmarks.Histograms;

/// <summary>
/// Histogram and PR curve of 1,000,000 values as ratios to <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/>
/// over the same span, what AddHistogram / AddPrCurve allocate on the caller's thread, and the caller's share of each
/// deferred call (histogram, PR curve, image, audio; issue 19: at most 5 % of the call's total work).
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
        // Back-to-back pairs: the figure with a goal is a ratio, and load on a shared machine comes and goes.
        var exponential = QuickReport.MedianRatio(() => Summaries.Histogram("h", values), () => sink += TensorPrimitives.Sum(values), runs: 31);
        double uniform = QuickReport.MedianNanoseconds(() => Summaries.Histogram("h", values, HistogramBins.Uniform(100)), runs: 15);
        double explicitEdges = QuickReport.MedianNanoseconds(() => Summaries.Histogram("h", values, HistogramBins.FromEdges([-0.2, -0.1, -0.05, 0, 0.05, 0.1, 0.2])), runs: 15);
        double prCurve = QuickReport.MedianNanoseconds(() => Summaries.PrCurve("p", labels, predictions, 127), runs: 15);
        report.Add("TensorPrimitives.Sum of 1M floats, µs (baseline)", (sum / 1e3).ToString("0.0"));
        // The caller's floor for a deferred histogram: one copy (reading and writing 4 MB where Sum only reads).
        float[] copy = new float[Count];
        var copying = QuickReport.MedianRatio(() => values.CopyTo(copy, 0), () => sink += TensorPrimitives.Sum(values), runs: 31);
        report.Add("Copy of 1M floats / Sum (best of each; the caller's floor)", $"{copying.Best:0.000}x", "report");
        report.Add("Histogram 1M floats, default buckets / Sum (best of each)", $"{exponential.Best:0.000}x",
            $"goal <= 15x (pairs: median {exponential.Median:0.0}, {exponential.Low:0.0}-{exponential.High:0.0})");
        report.AddRatio("Histogram 1M floats, 100 uniform buckets / Sum", uniform, sum, "report");
        report.AddRatio("Histogram 1M floats, 6 explicit edges / Sum", explicitEdges, sum, "report");
        // numpy's named rules: Sturges needs only min/max; Scott a pairwise-summed std; FD and auto the quartiles (by
        // selection, as numpy's np.partition); Stone a sort and a hundred bucket counts.
        foreach (var rule in new[] { HistogramBinRule.Sturges, HistogramBinRule.Scott, HistogramBinRule.Fd, HistogramBinRule.Auto, HistogramBinRule.Stone })
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
            // Each call followed by Flush, as a loop whose writer keeps up: the pooled input copy is then reused, and
            // what remains is the small work item (in a burst, copies in flight beyond the pool's cache are new arrays).
            // Two calls first: the worker's first return of a size stays in its own thread's slot of the shared pool, so
            // the caller's second call still finds no array of that size.
            writer.AddHistogram("h", values, step++);
            writer.AddPrCurve("p", labels, predictions, step++);
            writer.Flush();
            double histogramBytes = QuickReport.AllocatedBytesPerCall(() => { writer.AddHistogram("h", values, step++); writer.Flush(); }, calls: 20);
            double prBytes = QuickReport.AllocatedBytesPerCall(() => { writer.AddPrCurve("p", labels, predictions, step++); writer.Flush(); }, calls: 20);
            report.Add("AddHistogram + Flush bytes allocated on caller per call (1M floats)", histogramBytes.ToString("N0"), "goal: nothing proportional to N (input 4,000,000 B)");
            report.Add("AddPrCurve + Flush bytes allocated on caller per call (1M predictions)", prBytes.ToString("N0"), "goal: nothing proportional to N");

            // Caller's share: the call's work on the caller / the call's whole work (the caller's plus the writer thread's,
            // until Flush says the value is written). One pass that copies and checks the input is the floor; binning,
            // bucketing, PNG and WAV encoding, the proto and the write follow on the worker. Next to each share, a plain
            // copy of the same input bytes over the same total shows how close the caller is to that floor.
            float[] image = Images.BenchmarkImage.Chw(Images.BenchmarkImage.Hwc()).Select(b => b / 255f).ToArray();
            var imageShape = ImageShape.Chw(3, Images.BenchmarkImage.Size, Images.BenchmarkImage.Size);
            float[] audio = values.Select(v => Math.Clamp(v * 10, -1f, 1f)).ToArray();
            float[] copyOfValues = new float[Count];
            bool[] copyOfLabels = new bool[labels.Length];
            float[] copyOfImage = new float[image.Length];
            // A 16-frame 64x64 RGB clip as floats (GIF encoding on the worker) and a 100k-vertex mesh (no heavy work to move:
            // the worker only builds the tensors and writes them, so its share is reported without a goal).
            var videoShape = VideoShape.Ntchw(1, 16, 3, 64, 64);
            float[] video = [.. Enumerable.Range(0, (int)videoShape.ElementCount).Select(i => (i * 7 % 251) / 250f)];
            float[] copyOfVideo = new float[video.Length];
            const int meshPoints = 100_000;
            float[] vertices = [.. Enumerable.Range(0, 3 * meshPoints).Select(i => MathF.Sin(i * 0.001f))];
            int[] faces = [.. Enumerable.Range(0, 6 * meshPoints).Select(i => (int)((long)i * 7919 % meshPoints))];
            byte[] colors = [.. Enumerable.Range(0, 3 * meshPoints).Select(i => (byte)i)];
            float[] copyOfVertices = new float[vertices.Length];
            int[] copyOfFaces = new int[faces.Length];
            byte[] copyOfColors = new byte[colors.Length];
            var uniform100 = HistogramBins.Uniform(100);
            var sturges = HistogramBins.FromRule(HistogramBinRule.Sturges);
            var auto = HistogramBins.FromRule(HistogramBinRule.Auto);
            foreach (var (name, call, copyInput) in new (string, Action, Action)[]
            {
                ("AddHistogram, 1M floats, default buckets", () => writer.AddHistogram("h", values, step++), () => values.CopyTo(copyOfValues, 0)),
                ("AddHistogram, 1M floats, 100 uniform buckets", () => writer.AddHistogram("hu", values, step++, uniform100), () => values.CopyTo(copyOfValues, 0)),
                ("AddHistogram, 1M floats, rule Sturges", () => writer.AddHistogram("hs", values, step++, sturges), () => values.CopyTo(copyOfValues, 0)),
                // Auto and FD count their buckets on the caller: the count depends on the quartiles, has no bound, and
                // a count over the limit is the caller's error (HistogramKernel.RuleCannotFail).
                ("AddHistogram, 1M floats, rule Auto (bucket count on the caller)", () => writer.AddHistogram("ha", values, step++, auto), () => values.CopyTo(copyOfValues, 0)),
                ("AddPrCurve, 1M predictions, 127 thresholds", () => writer.AddPrCurve("p", labels, predictions, step++),
                    () => { predictions.CopyTo(copyOfValues, 0); labels.CopyTo(copyOfLabels, 0); }),
                ("AddImage, 3x512x512 floats CHW (PNG)", () => writer.AddImage("i", image, imageShape, step++), () => image.CopyTo(copyOfImage, 0)),
                ("AddAudio, 1M samples mono (WAV)", () => writer.AddAudio("a", audio, 44_100, step++), () => audio.CopyTo(copyOfValues, 0)),
                ("AddVideo, 16x3x64x64 floats (GIF)", () => writer.AddVideo("v", video, videoShape, step++), () => video.CopyTo(copyOfVideo, 0)),
                ("AddMesh, 100k vertices, 200k faces, colors", () => writer.AddMesh("m", vertices, colors, faces, null, step++),
                    () => { vertices.CopyTo(copyOfVertices, 0); faces.CopyTo(copyOfFaces, 0); colors.CopyTo(copyOfColors, 0); }),
            })
            {
                var share = QuickReport.CallerShare(call, writer.Flush, copyInput);
                string clock = share.CpuTime ? "CPU" : "wall";
                string goal = name.StartsWith("AddMesh", StringComparison.Ordinal) || name.Contains("on the caller", StringComparison.Ordinal) ? "report" : "goal <= 5 %";
                report.Add($"{name}: caller share of total ({clock} time)", $"{share.Median:P1}",
                    $"{goal} ({share.Low:P1}-{share.High:P1}; wall time {share.WallMedian:P1})");
                report.Add($"{name}: plain copy of the input / total ({clock} time)", $"{share.CopyFloor:P1}",
                    $"report: the floor of the share above (caller / plain copy {share.OverCopy:0.00}x)");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        GC.KeepAlive(sink);
    }
}
