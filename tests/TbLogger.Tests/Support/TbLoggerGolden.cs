using TbLogger.Projector;
using TbLogger.Protos.Plugins.HParams;

namespace TbLogger.Tests.Support;

/// <summary>
/// Writes with TbLogger what <c>make_golden.py</c> writes with PyTorch's SummaryWriter (Fixtures/torch-writer), call for
/// call and value for value, with explicit wall times, so what TensorBoard 2.20 serves for the two directories can be
/// compared (Fixtures/tblogger-writer/tb_query.json was recorded from this method's output; see its README).
/// </summary>
public static class TbLoggerGolden
{
    /// <summary>The base wall time of make_golden.py (seconds since the Unix epoch).</summary>
    public const double W0 = 1700000000.0;

    /// <summary>Writes the run <c>run1</c> (and its child runs) under <paramref name="logDirectory"/>.</summary>
    public static void Write(string logDirectory)
    {
        string runDir = Path.Combine(logDirectory, "run1");
        using var w = new SummaryWriter(runDir);

        // 1. scalars over 100 steps (train/x_double: a DT_DOUBLE tensor, as PyTorch's double_precision=True writes)
        for (int s = 0; s < 100; s++)
        {
            var wt = At(s);
            w.AddScalar("train/loss", (100 - s) / 4.0, s, wt);
            w.AddScalar("train/accuracy", s / 100.0, s, wt);
            w.AddScalar("train/lr_newstyle", Math.Pow(2.0, -(s / 25)), s, wt);
            w.AddSummary(TbLogger.Summaries.Scalar("train/x_double", s + 0.1, ScalarEncoding.Float64Tensor), s, wt);
        }
        for (int s = 0; s < 10; s++)
        {
            var wt = At(s);
            w.AddScalar("margin/mid", (double)s, s, wt);
            w.AddScalar("margin/lo", s - 0.5, s, wt);
            w.AddScalar("margin/hi", s + 0.5, s, wt);
        }

        // 2. AddScalars: child runs run1/group_a and run1/group_b, tag "group".
        for (int s = 0; s < 10; s++)
        {
            w.AddScalars("group", new Dictionary<string, double> { ["a"] = s, ["b"] = 2.0 * s }, s, At(s));
        }

        // 3. images
        w.AddImage("image/rgb", RgbChw(0), ImageShape.Chw(3, 8, 12), 0, At(0));
        w.AddImage("image/rgb", RgbChw(1), ImageShape.Chw(3, 8, 12), 1, At(1));
        var gray = new float[6 * 10];
        for (int i = 0; i < gray.Length; i++) gray[i] = (float)(i / 59.0);
        w.AddImage("image/gray", gray, ImageShape.Hw(6, 10), 0, At(0));
        var batch = new float[4 * 3 * 5 * 7];
        for (int n = 0; n < 4; n++)
        {
            for (int y = 0; y < 5; y++)
            {
                for (int x = 0; x < 7; x++)
                {
                    batch[((n * 3 + n % 3) * 5 + y) * 7 + x] = 1f;
                }
            }
            for (int c = 0; c < 3; c++)
            {
                for (int x = 0; x < 7; x++)
                {
                    batch[((n * 3 + c) * 5 + n) * 7 + x] = 0.5f;
                }
            }
        }
        w.AddImages("images/batch", batch, ImageBatchShape.Nchw(4, 3, 5, 7), 0, At(0));

        // 4. histograms
        for (int s = 0; s < 5; s++)
        {
            var values = new double[1001];
            for (int i = 0; i < values.Length; i++) values[i] = (-1.0 + 2.0 * i / 1000.0) + s;
            w.AddHistogram("hist/linspace", values, s, wallTime: At(s));
        }
        var fixedEdges = HistogramBins.FromEdges([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        for (int s = 0; s < 3; s++)
        {
            var values = new double[100];
            for (int i = 0; i < values.Length; i++) values[i] = i % (10 - s) + 0.5;
            w.AddHistogram("hist/fixed10", values, s, fixedEdges, At(s));
        }

        // 5. PR curves
        bool[] labels = [true, false, true, true, false, false, true, false, true, false];
        var predictions = new double[10];
        for (int i = 0; i < 10; i++) predictions[i] = i / 10.0 + 0.05;
        for (int s = 0; s < 3; s++)
        {
            var rolled = new bool[10];
            for (int i = 0; i < 10; i++) rolled[(i + s) % 10] = labels[i];
            w.AddPrCurve("pr/curve", rolled, predictions, s, numThresholds: 11, wallTime: At(s));
        }

        // 6. text (tags kept as given, like tf.summary.text; PyTorch appends "/text_summary")
        for (int s = 0; s < 3; s++)
        {
            w.AddText("text/note", $"Step {s}: hello **markdown**", s, At(s));
        }
        w.AddText("text/unicode", "Grüße – 日本語", 0, At(0));

        // 7. audio: 440 Hz sine, amplitude 0.5, 8000 Hz, 800 samples
        var sine = new float[800];
        for (int i = 0; i < sine.Length; i++) sine[i] = (float)(0.5 * Math.Sin(2 * Math.PI * 440.0 * (i / 8000.0)));
        w.AddAudio("audio/sine", sine, 8000, 0, At(0));

        // 8. embedding
        var matrix = new float[16 * 4];
        for (int i = 0; i < 16; i++)
        {
            matrix[i * 4] = i;
            matrix[i * 4 + 1] = i * 0.5f;
            matrix[i * 4 + 2] = -i;
            matrix[i * 4 + 3] = i % 4;
        }
        var thumbnails = new float[16 * 3 * 8 * 8];
        for (int i = 0; i < 16; i++)
        {
            thumbnails.AsSpan(((i * 3) + i % 3) * 64, 64).Fill(i / 15f);
        }
        w.AddEmbedding("emb", matrix, columns: 4, step: 0,
            EmbeddingMetadata.FromLabels(Enumerable.Range(0, 16).Select(i => $"p{i}")),
            EmbeddingSprite.From(thumbnails, ImageBatchShape.Nchw(16, 3, 8, 8)));

        // 9. custom scalars layout
        w.AddCustomScalarsLayout(CustomScalarCharts.Layout(
            CustomScalarCharts.Category("Training", CustomScalarCharts.Multiline("loss+accuracy", "train/loss", "train/accuracy")),
            CustomScalarCharts.Category("Margins", CustomScalarCharts.Margin("mid with band", CustomScalarCharts.MarginSeries("margin/mid", "margin/lo", "margin/hi")))),
            step: 0, At(0));

        // 10. hparams into the child run run1/hparams_trial (booleans stay booleans: PyTorch writes use_bn as 1.0)
        w.AddHParams(
            new Dictionary<string, HParamValue> { ["lr"] = 0.01, ["batch_size"] = 32, ["optimizer"] = "adam", ["use_bn"] = true },
            new Dictionary<string, double> { ["hparam/accuracy"] = 0.875, ["hparam/loss"] = 0.25 },
            runName: "hparams_trial", wallTime: At(0), status: Status.Success);

    }

    private static DateTimeOffset At(int seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)((W0 + seconds) * 1000));

    private static byte[] RgbChw(int step)
    {
        var image = new byte[3 * 8 * 12];
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 12; x++)
            {
                image[(0 * 8 + y) * 12 + x] = (byte)(x * 20);
                image[(1 * 8 + y) * 12 + x] = (byte)(y * 30);
                image[(2 * 8 + y) * 12 + x] = (byte)(step == 0 ? 128 : 255);
            }
        }
        return image;
    }
}
