using TbLogger.Events;
using TorchSharpDigits;

namespace TbLogger.TorchSharp.Tests;

[TestClass]
public sealed class TorchSharpDigitsTests
{
    // Two epochs of the sample: what it logs, not how well it trains (CI runs it in full and checks 97 %).
    [TestMethod]
    public void TheSampleLogsGraphGradientsMisclassifiedDigitsPrCurvesAndHParams()
    {
        string dir = Logged.NewDirectory();
        try
        {
            var result = CnnTrainer.Train(new CnnTrainingOptions { Epochs = 2, LogDirectory = dir, Output = TextWriter.Null });
            Assert.IsTrue(result.ValidationAccuracy > 0.8, $"accuracy after two epochs: {result.ValidationAccuracy}");
            var train = EventFileReader.Read(Directory.GetFiles(Path.Combine(dir, "train"), "events.out.tfevents.*").Single()).ToList();
            var validation = EventFileReader.Read(Directory.GetFiles(Path.Combine(dir, "validation"), "events.out.tfevents.*").Single()).ToList();
            var trainTags = train.SelectMany(e => e.Summary?.Value.Select(v => v.Tag) ?? []).ToHashSet();
            var validationTags = validation.SelectMany(e => e.Summary?.Value.Select(v => v.Tag) ?? []).ToHashSet();
            Assert.AreEqual(1, train.Count(e => !e.GraphDef.IsEmpty));
            foreach (var tag in new[] { "conv1.weight/histogram", "conv2.weight/grad", "fc2.bias/grad_norm", "global_grad_norm", "epoch_loss", "epoch_accuracy" })
                Assert.IsTrue(trainTags.Contains(tag), tag);
            foreach (var tag in new[] { "misclassified/digits", "epoch_accuracy", "pr_curve/0" })
                Assert.IsTrue(validationTags.Any(t => t.StartsWith(tag, StringComparison.Ordinal)), tag);
            Assert.IsTrue(Directory.GetFiles(dir, "events.out.tfevents.*").Length == 1, "hparams in the root run");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
