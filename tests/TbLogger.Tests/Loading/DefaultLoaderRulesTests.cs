using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Loading;

/// <summary>
/// What TensorBoard's default (Rust) loader needs from every file we write: file_version and our source metadata
/// first, and on every value of every tag the plugin name and the data class, so the tag is classified the same
/// way whichever record the loader meets first.
/// </summary>
[TestClass]
public sealed class DefaultLoaderRulesTests
{
    [TestMethod]
    public void EveryPluginsEveryValueCarriesItsPluginNameAndDataClass()
    {
        using var dir = new TempDirectory();
        string mainFile;
        using (var writer = new SummaryWriter(dir.Path))
        {
            mainFile = writer.FilePath;
            var random = new Random(5);
            var pixels = new byte[3 * 4 * 5];
            random.NextBytes(pixels);
            var samples = Enumerable.Range(0, 800).Select(i => (float)Math.Sin(i / 10.0)).ToArray();
            var values = Enumerable.Range(0, 100).Select(i => (float)random.NextDouble()).ToArray();
            var labels = values.Select(v => v > 0.4f).ToArray();
            for (int step = 0; step < 2; step++)
            {
                writer.AddScalar("scalar", step, step);
                writer.AddText("text", $"step {step}", step);
                writer.AddImage("image", pixels, ImageShape.Chw(3, 4, 5), step);
                writer.AddAudio("audio", samples, 8000, step);
                writer.AddHistogram("histogram", values, step);
                writer.AddPrCurve("pr", labels, values, step);
            }
            writer.AddCustomScalarsLayout(CustomScalarCharts.Layout(CustomScalarCharts.Category("c", CustomScalarCharts.Multiline("m", "scalar"))));
            writer.AddHParams(new Dictionary<string, HParamValue> { ["lr"] = 0.1, ["opt"] = "sgd", ["bn"] = true }, new Dictionary<string, double> { ["hparam/acc"] = 0.5 },
                domains: new Dictionary<string, HParamDomain> { ["opt"] = HParamDomain.Discrete("sgd", "adam") });
            Assert.AreEqual(0L, writer.StepViolations);
        }

        var expected = new Dictionary<string, (string Plugin, DataClass Class)>
        {
            ["scalar"] = ("scalars", DataClass.Scalar),
            ["hparam/acc"] = ("scalars", DataClass.Scalar),
            ["text"] = ("text", DataClass.Tensor),
            ["image"] = ("images", DataClass.BlobSequence),
            ["audio"] = ("audio", DataClass.BlobSequence),
            ["histogram"] = ("histograms", DataClass.Tensor),
            ["pr"] = ("pr_curves", DataClass.Tensor),
            ["custom_scalars__config__"] = ("custom_scalars", DataClass.Tensor),
            ["_hparams_/experiment"] = ("hparams", DataClass.Tensor),
            ["_hparams_/session_start_info"] = ("hparams", DataClass.Tensor),
            ["_hparams_/session_end_info"] = ("hparams", DataClass.Tensor),
        };
        var events = EventFileReader.Read(mainFile).ToList();
        Assert.AreEqual("brain.Event:2", events[0].FileVersion);
        Assert.AreEqual("tblogger", events[0].SourceMetadata.Writer);
        var seen = new Dictionary<string, int>();
        foreach (var value in events.Skip(1).SelectMany(e => e.Summary.Value))
        {
            Assert.IsTrue(expected.TryGetValue(value.Tag, out var want), $"unexpected tag {value.Tag}");
            // A tensor value's metadata travels with its tag's first value in the file only (both loaders take the
            // plugin from there); legacy image/audio/histo values keep theirs on every value.
            bool first = !seen.ContainsKey(value.Tag);
            bool tensor = value.ValueCase == Summary.Types.Value.ValueOneofCase.Tensor;
            Assert.AreEqual(first || !tensor, value.Metadata is not null, value.Tag);
            if (value.Metadata is not null)
            {
                Assert.AreEqual(want.Plugin, value.Metadata!.PluginData.PluginName, value.Tag);
                Assert.AreEqual(want.Class, value.Metadata.DataClass, value.Tag);
            }
            seen[value.Tag] = seen.GetValueOrDefault(value.Tag) + 1;
            if (want.Class == DataClass.Scalar)
            {
                // The default loader takes a scalar only as simple_value or a rank-0 DT_FLOAT tensor.
                Assert.AreEqual(DataType.DtFloat, value.Tensor.Dtype, value.Tag);
                Assert.IsNull(value.Tensor.TensorShape, value.Tag); // absent shape: rank 0 (data_compat.rs)
            }
        }
        CollectionAssert.AreEquivalent(expected.Keys.ToList(), seen.Keys.ToList());
        foreach (var tag in new[] { "scalar", "text", "image", "audio", "histogram", "pr" })
        {
            Assert.AreEqual(2, seen[tag], tag);
        }
    }

    [TestMethod]
    public void EveryFileOfARunStartsWithFileVersionAndSourceMetadata()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalars("loss", new Dictionary<string, double> { ["train"] = 1, ["val"] = 2 }, 0);
            writer.AddHParams(new Dictionary<string, HParamValue> { ["lr"] = 0.1 }, new Dictionary<string, double> { ["m"] = 1 }, runName: "trial");
        }
        var files = Directory.GetFiles(dir.Path, "*tfevents*", SearchOption.AllDirectories);
        Assert.AreEqual(4, files.Length);
        foreach (var file in files)
        {
            var first = EventFileReader.Read(file).First();
            Assert.AreEqual(("brain.Event:2", "tblogger"), (first.FileVersion, first.SourceMetadata.Writer), file);
        }
    }
}
