using System.Text;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Events;

/// <summary>Reads the event files PyTorch's SummaryWriter wrote (Fixtures/torch-writer, values listed in its README.txt).</summary>
[TestClass]
public sealed class GoldenTorchFilesTests
{
    private static List<Event> Events(params string[] relative) =>
        EventFileReader.Read(Fixtures.EventFileIn(Path.Combine([Fixtures.TorchRun1, .. relative]))).ToList();

    private static Dictionary<string, List<(long Step, double Wall, Summary.Types.Value Value)>> ByTag(List<Event> events)
    {
        var tags = new Dictionary<string, List<(long, double, Summary.Types.Value)>>();
        foreach (var e in events.Where(e => e.WhatCase == Event.WhatOneofCase.Summary))
        {
            foreach (var v in e.Summary.Value)
            {
                if (!tags.TryGetValue(v.Tag, out var list))
                {
                    tags[v.Tag] = list = [];
                }
                list.Add((e.Step, e.WallTime, v));
            }
        }
        return tags;
    }

    [TestMethod]
    public void MainFileHas452RecordsStartingWithFileVersion()
    {
        using var reader = new EventFileReader(Fixtures.EventFileIn(Fixtures.TorchRun1));
        var events = reader.ReadEvents().ToList();
        Assert.AreEqual(452, events.Count);
        Assert.IsFalse(reader.IsTruncated);
        Assert.AreEqual(46028L, reader.Position);
        Assert.AreEqual("brain.Event:2", events[0].FileVersion);
        Assert.AreEqual(Event.WhatOneofCase.FileVersion, events[0].WhatCase);
        Assert.IsTrue(events.Skip(1).All(e => e.WhatCase == Event.WhatOneofCase.Summary));
    }

    [TestMethod]
    public void ScalarValuesMatchTheReadme()
    {
        var tags = ByTag(Events());
        const double w0 = 1700000000.0;

        var loss = tags["train/loss"];
        Assert.AreEqual(100, loss.Count);
        for (int s = 0; s < 100; s++)
        {
            Assert.AreEqual((long)s, loss[s].Step);
            Assert.AreEqual(w0 + s, loss[s].Wall);
            Assert.AreEqual(Summary.Types.Value.ValueOneofCase.SimpleValue, loss[s].Value.ValueCase);
            Assert.AreEqual((100 - s) / 4.0f, loss[s].Value.SimpleValue);
        }

        var accuracy = tags["train/accuracy"];
        Assert.AreEqual(100, accuracy.Count);
        for (int s = 0; s < 100; s++)
        {
            Assert.AreEqual((float)(s / 100.0), accuracy[s].Value.SimpleValue);
        }

        var lr = tags["train/lr_newstyle"];
        Assert.AreEqual(100, lr.Count);
        for (int s = 0; s < 100; s++)
        {
            var tensor = lr[s].Value.Tensor;
            Assert.AreEqual(DataType.DtFloat, tensor.Dtype);
            Assert.IsNull(tensor.TensorShape, "PyTorch leaves tensor_shape unset: rank 0 by absence");
            Assert.AreEqual(Math.Pow(2, -(s / 25)), tensor.FloatVal.Single());
            Assert.AreEqual("scalars", lr[s].Value.Metadata.PluginData.PluginName);
        }

        var xDouble = tags["train/x_double"];
        for (int s = 0; s < 100; s++)
        {
            Assert.AreEqual(DataType.DtDouble, xDouble[s].Value.Tensor.Dtype);
            Assert.AreEqual(s + 0.1, xDouble[s].Value.Tensor.DoubleVal.Single());
        }

        for (int s = 0; s < 10; s++)
        {
            Assert.AreEqual(s, tags["margin/mid"][s].Value.SimpleValue);
            Assert.AreEqual(s - 0.5f, tags["margin/lo"][s].Value.SimpleValue);
            Assert.AreEqual(s + 0.5f, tags["margin/hi"][s].Value.SimpleValue);
        }
    }

    [TestMethod]
    public void EveryTagHasTheCountTheReadmeLists()
    {
        var counts = ByTag(Events()).ToDictionary(p => p.Key, p => p.Value.Count);
        var expected = new Dictionary<string, int>
        {
            ["train/loss"] = 100, ["train/accuracy"] = 100, ["train/lr_newstyle"] = 100, ["train/x_double"] = 100,
            ["margin/mid"] = 10, ["margin/lo"] = 10, ["margin/hi"] = 10,
            ["image/rgb"] = 2, ["image/gray"] = 1, ["images/batch"] = 1,
            ["hist/linspace"] = 5, ["hist/fixed10"] = 3, ["pr/curve"] = 3,
            ["text/note/text_summary"] = 3, ["text/unicode/text_summary"] = 1,
            ["audio/sine"] = 1, ["custom_scalars__config__"] = 1,
        };
        CollectionAssert.AreEquivalent(expected.Keys.ToList(), counts.Keys.ToList());
        foreach (var (tag, count) in expected)
        {
            Assert.AreEqual(count, counts[tag], tag);
        }
    }

    [TestMethod]
    public void TextAndHistogramAndImageValuesMatchTheReadme()
    {
        var tags = ByTag(Events());
        var note = tags["text/note/text_summary"];
        for (int s = 0; s < 3; s++)
        {
            var tensor = note[s].Value.Tensor;
            Assert.AreEqual(DataType.DtString, tensor.Dtype);
            Assert.AreEqual(1L, tensor.TensorShape.Dim.Single().Size);
            Assert.AreEqual($"Step {s}: hello **markdown**", tensor.StringVal.Single().ToStringUtf8());
            Assert.AreEqual("text", note[s].Value.Metadata.PluginData.PluginName);
        }
        Assert.AreEqual("Grüße – 日本語", Encoding.UTF8.GetString(tags["text/unicode/text_summary"][0].Value.Tensor.StringVal[0].Span));

        var fixed0 = tags["hist/fixed10"][0].Value.Histo;
        CollectionAssert.AreEqual(Enumerable.Range(0, 11).Select(i => (double)i).ToArray(), fixed0.BucketLimit.ToArray());
        CollectionAssert.AreEqual(new double[] { 0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10 }, fixed0.Bucket.ToArray());
        Assert.AreEqual((0.5, 9.5, 100.0, 500.0, 3325.0), (fixed0.Min, fixed0.Max, fixed0.Num, fixed0.Sum, fixed0.SumSquares));

        var rgb = tags["image/rgb"][0].Value.Image;
        Assert.AreEqual((8, 12, 3), (rgb.Height, rgb.Width, rgb.Colorspace));
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, rgb.EncodedImageString.Span[..4].ToArray());
    }

    [TestMethod]
    public void AddScalarsSubRunsAndHparamsRunMatchTheReadme()
    {
        foreach (var (run, factor) in new[] { ("group_a", 1), ("group_b", 2) })
        {
            var events = Events(run);
            Assert.AreEqual(11, events.Count, run);
            var values = ByTag(events)["group"];
            CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(s => (float)(factor * s)).ToArray(), values.Select(v => v.Value.SimpleValue).ToArray(), run);
            CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(s => (long)s).ToArray(), values.Select(v => v.Step).ToArray(), run);
        }

        var hparams = Events("hparams_trial");
        Assert.AreEqual(6, hparams.Count);
        var tags = ByTag(hparams);
        foreach (var tag in new[] { "_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info" })
        {
            var value = tags[tag].Single().Value;
            Assert.AreEqual(Summary.Types.Value.ValueOneofCase.None, value.ValueCase, tag);
            Assert.AreEqual("hparams", value.Metadata.PluginData.PluginName, tag);
            Assert.IsFalse(value.Metadata.PluginData.Content.IsEmpty, tag);
        }
        Assert.AreEqual(0.875f, tags["hparam/accuracy"].Single().Value.SimpleValue);
        Assert.AreEqual(0.25f, tags["hparam/loss"].Single().Value.SimpleValue);
    }
}
