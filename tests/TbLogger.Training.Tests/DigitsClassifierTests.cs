using DigitsClassifier;
using TbLogger.Training.Figures;

namespace TbLogger.Training.Tests;

[TestClass]
public sealed class DigitsClassifierTests
{
    [TestMethod]
    public void ShortRun_ReachesTheAccuracyFloor_AndLogsEveryKindOfSummary()
    {
        using var dir = new TempDir();
        var output = new StringWriter();
        var result = DigitsTrainer.Train(new DigitsTrainingOptions { Epochs = 12, LogDirectory = dir.Path, Output = output });
        Assert.IsGreaterThanOrEqualTo(0.93, result.ValidationAccuracy, $"validation accuracy {result.ValidationAccuracy:P2}");
        Assert.AreEqual(12, result.EpochsRun);
        Assert.HasCount(12, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), "one progress line per epoch when redirected");

        var written = EventLog.ReadAll(dir.Path);
        string[] runs = [.. written.Select(w => w.Run).Distinct().Order(StringComparer.Ordinal)];
        CollectionAssert.AreEqual(new[] { ".", "train", "validation" }, runs);
        foreach (var metric in new[] { "loss", "accuracy", "top3_accuracy", "auc", "f1_macro", "precision", "recall" })
        {
            Assert.AreEqual(12, written.Count(w => w.Run == "train" && w.Tag == "epoch_" + metric), metric);
            Assert.AreEqual(12, written.Count(w => w.Run == "validation" && w.Tag == "epoch_" + metric), metric);
        }
        var plugins = written.GroupBy(w => w.Plugin).ToDictionary(g => g.Key, g => g.Count());
        foreach (var plugin in new[] { "scalars", "histograms", "images", "pr_curves", "hparams", "text" })
            Assert.IsTrue(plugins.ContainsKey(plugin), $"no {plugin} written");
        Assert.IsTrue(written.Any(w => w.Tag == "misclassified/digits"));
        Assert.IsTrue(File.Exists(Path.Combine(dir.Path, "train", "projector_config.pbtxt")), "embedding");
        Assert.IsTrue(File.Exists(Path.Combine(dir.Path, "history.png")));
        StringAssert.StartsWith(File.ReadAllText(Path.Combine(dir.Path, "training.csv")), "epoch,accuracy,auc,f1_macro,loss,precision,recall,top3_accuracy,val_accuracy");

        // The confusion-matrix image of the last epoch decodes, is the configured size and is not blank.
        var cm = written.Last(w => w.Tag == PerformanceFigures.ConfusionMatrixTag);
        Assert.AreEqual(11, cm.Step);
        var (width, height, colors, dark) = Png.Inspect(Png.Of(cm));
        Assert.AreEqual((640, 640), (width, height));
        Assert.IsGreaterThan(50, colors);
        Assert.IsGreaterThan(0.005, dark, "labels and numbers are drawn");

        // The MLP's graph is in the train run (GRAPHS dashboard), as its builder makes it.
        var graphs = Directory.GetFiles(Path.Combine(dir.Path, "train"), "events.out.tfevents.*")
            .SelectMany(f => TbLogger.Events.EventFileReader.Read(f)).Where(e => e.WhatCase == TbLogger.Protos.Event.WhatOneofCase.GraphDef).ToList();
        Assert.HasCount(1, graphs);
        CollectionAssert.AreEqual(Google.Protobuf.MessageExtensions.ToByteArray(new Mlp(64, 32, 10, 0.003f, 42).Graph().Build()), graphs[0].GraphDef.ToByteArray());
    }

    [TestMethod]
    public void MlpGraph_IsWhatTensorBoardsGraphPluginServedForTheSample()
    {
        // Fixtures/graphs/digits_train.pbtxt: /data/plugin/graphs/graph?run=train of the sample's log, from TensorBoard 2.20.
        string served = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "graphs", "digits_train.pbtxt"));
        var graph = new Mlp(DigitsData.Pixels, 32, DigitsData.Classes, 0.003f, 42).Graph().Build();
        Assert.AreEqual(served.TrimEnd('\n'), TbLogger.Tests.Graphs.GraphText.Format(graph).TrimEnd('\n'));
        Assert.AreEqual(12, graph.Node.Count);
        CollectionAssert.AreEqual(new[] { "Mlp/dense_2/add" }, graph.Node.Single(n => n.Name == "Mlp/softmax").Input.ToArray());
    }

    [TestMethod]
    public void ConfusionCounts_ComeFromTheMetric_AndSumToTheValidationSamples()
    {
        var data = DigitsData.Load();
        int n = data.ValidationCount, c = DigitsData.Classes;
        var probs = new float[n * c];
        var rng = new Random(1);
        for (int i = 0; i < n; i++)
            probs[i * c + (rng.NextDouble() < 0.9 ? data.ValidationY[i] : rng.Next(c))] = 1f;
        var counts = PerformanceFigures.ConfusionCounts(new ValidationPredictions(data.ValidationY, probs, c));
        double total = 0, diagonal = 0;
        for (int i = 0; i < c; i++)
            for (int j = 0; j < c; j++)
            {
                total += counts[i, j];
                if (i == j) diagonal += counts[i, j];
            }
        Assert.AreEqual(n, total);
        int correct = 0;
        for (int i = 0; i < n; i++) if (probs[i * c + data.ValidationY[i]] == 1f) correct++;
        Assert.AreEqual(correct, diagonal);
        // Same numbers as the metric itself.
        var metric = new TbLogger.Metrics.ConfusionMatrix(c);
        metric.UpdateState(new System.Numerics.Tensors.ReadOnlyTensorSpan<float>(data.ValidationY.Select(y => (float)y).ToArray(), [n]),
                           new System.Numerics.Tensors.ReadOnlyTensorSpan<float>(probs, [n, c]));
        var expected = metric.ResultTensor().ToArray();
        for (int k = 0; k < c * c; k++) Assert.AreEqual(expected[k], counts[k / c, k % c]);
    }

    [TestMethod]
    public void Roc_OfAPerfectRanking_HasAreaOne_AndOfAReversedRanking_Zero()
    {
        bool[] labels = [true, false, true, false];
        Assert.AreEqual(1.0, PerformanceFigures.Roc(labels, [0.9f, 0.1f, 0.8f, 0.2f]).Auc, 1e-12);
        Assert.AreEqual(0.0, PerformanceFigures.Roc(labels, [0.1f, 0.9f, 0.2f, 0.8f]).Auc, 1e-12);
        Assert.AreEqual(0.5, PerformanceFigures.Roc(labels, [0.5f, 0.5f, 0.5f, 0.5f]).Auc, 1e-12, "ties form one step");
    }
}
