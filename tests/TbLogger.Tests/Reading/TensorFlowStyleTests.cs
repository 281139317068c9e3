using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Reading;

/// <summary>
/// TF2's summary forms (tf.summary.*): everything is a tensor with plugin metadata, and TensorFlow writes the
/// metadata only with a tag's first value.
/// </summary>
[TestClass]
public sealed class TensorFlowStyleTests
{
    private static SummaryMetadata Meta(string plugin, ByteString? content = null) =>
        new() { PluginData = new SummaryMetadata.Types.PluginData { PluginName = plugin, Content = content ?? ByteString.Empty } };

    private static TensorProto Shaped(DataType dtype, params long[] dims)
    {
        var tensor = new TensorProto { Dtype = dtype, TensorShape = new TensorShapeProto() };
        foreach (long d in dims)
        {
            tensor.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        }
        return tensor;
    }

    private static Event At(long step, string tag, TensorProto tensor, SummaryMetadata? metadata = null) =>
        new() { Step = step, WallTime = 100 + step, Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, Tensor = tensor, Metadata = metadata } } } };

    [TestMethod]
    public void Tf2TensorsDecodeByTheirFirstValuesPlugin()
    {
        using var temp = new TempDirectory();
        var images = Shaped(DataType.DtString, 4);
        images.StringVal.Add(ByteString.CopyFromUtf8("12"));
        images.StringVal.Add(ByteString.CopyFromUtf8("8"));
        images.StringVal.Add(ByteString.CopyFrom([0x89, (byte)'P', (byte)'N', (byte)'G', 1]));
        images.StringVal.Add(ByteString.CopyFrom([0xFF, 0xD8, 2]));
        var histogram = Shaped(DataType.DtDouble, 2, 3);
        histogram.DoubleVal.Add([0, 1, 5, 1, 2, 7]);
        var text = Shaped(DataType.DtString);
        text.StringVal.Add(ByteString.CopyFromUtf8("hello"));
        var loss0 = Shaped(DataType.DtFloat);
        loss0.FloatVal.Add(0.5f);
        var loss1 = Shaped(DataType.DtFloat);
        loss1.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(0.25f));
        var pr = Shaped(DataType.DtFloat, 6, 2);
        pr.FloatVal.Add([3, 0, 1, 0, 0, 1, 0, 3, 0.75f, 0, 1, 0]);
        Write(temp.Path, "events.out.tfevents.1.tf", Version(),
            At(0, "img", images, Meta("images")),
            At(0, "hist", histogram, Meta("histograms")),
            At(0, "note", text, Meta("text")),
            At(0, "loss", loss0, Meta("scalars")),
            At(1, "loss", loss1),
            At(0, "pr", pr, Meta("pr_curves", new Protos.Plugins.PrCurve.PrCurvePluginData { NumThresholds = 2 }.ToByteString())),
            At(1, "pr", pr.Clone()));
        var reader = new LogDirReader(temp.Path);

        var imgs = reader.ReadImages().ToList();
        Assert.AreEqual(2, imgs.Count);
        Assert.AreEqual((0, 12, 8, "image/png"), (imgs[0].Sample, imgs[0].Width, imgs[0].Height, imgs[0].ContentType));
        Assert.AreEqual((1, "image/jpeg"), (imgs[1].Sample, imgs[1].ContentType));

        var h = reader.ReadHistograms().Single();
        CollectionAssert.AreEqual(new[] { new HistogramBucket(0, 1, 5), new HistogramBucket(1, 2, 7) }, h.Buckets.ToArray());
        Assert.AreEqual((0d, 2d, 12d), (h.Min, h.Max, h.Count));

        var note = reader.ReadText().Single();
        Assert.AreEqual("hello", note.Text);
        Assert.AreEqual(0, note.Shape.Count);

        CollectionAssert.AreEqual(new[] { (0L, 0.5), (1L, 0.25) }, reader.ReadScalars().Select(p => (p.Step, p.Value)).ToArray());

        var curves = reader.ReadPrCurves().ToList();
        Assert.AreEqual(2, curves.Count);
        Assert.IsTrue(curves.All(c => c.NumThresholds == 2), "num_thresholds remembered from the first value");
        CollectionAssert.AreEqual(new float[] { 0.75f, 0 }, curves[1].Precision.ToArray());
        Assert.AreEqual(1, curves[0].ServedLength);
    }
}
