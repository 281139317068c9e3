using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Reading;
using TbLogger.Tests.Support;
using static TbLogger.Tests.Reading.EventFiles;

namespace TbLogger.Tests.Reading;

/// <summary>
/// A run's plugin per tag, as TensorBoard decides it: the first value naming a plugin fixes it, legacy fields always
/// mean their own plugin, and tags asked for in a cycle (found by reference) or as equal text in another string
/// (found by the dictionary) get the same decision.
/// </summary>
[TestClass]
public sealed class TagPluginsTests
{
    [TestMethod]
    public void DecisionsHoldInACycleAndForEqualTextInAnotherString()
    {
        var plugins = new TagPlugins();
        string a = "loss";
        string b = "acc";
        string c = "notes";
        // c's first value names no plugin: not remembered, "other" for now.
        Assert.AreEqual(("", PluginKind.Other), Resolve(plugins, c, Tensor(c, plugin: null)));
        Assert.AreEqual(("scalars", PluginKind.Scalars), Resolve(plugins, a, Tensor(a, plugin: "scalars")));
        Assert.AreEqual(("scalars", PluginKind.Scalars), Resolve(plugins, b, Simple(b)));
        Assert.AreEqual(("text", PluginKind.Text), Resolve(plugins, c, Tensor(c, plugin: "text")));
        for (int round = 0; round < 3; round++)
        {
            Assert.AreEqual(("scalars", PluginKind.Scalars), Resolve(plugins, a, Tensor(a, plugin: null)), $"round {round}");
            // A tensor value of a tag first decided by simple_value keeps that decision, even naming another plugin.
            Assert.AreEqual(("scalars", PluginKind.Scalars), Resolve(plugins, b, Tensor(b, plugin: "histograms")), $"round {round}");
            Assert.AreEqual(("text", PluginKind.Text), Resolve(plugins, c, Tensor(c, plugin: null)), $"round {round}");
        }
        // A legacy field means its own plugin, whatever the tag was decided as; the decision itself stays.
        Assert.AreEqual(("histograms", PluginKind.Histograms), Resolve(plugins, c, new Summary.Types.Value { Tag = c, Histo = new HistogramProto() }));
        Assert.AreEqual(("text", PluginKind.Text), Resolve(plugins, c, Tensor(c, plugin: null)));
        // Equal text in another string, out of the cycle's order.
        string otherA = new([.. a]);
        Assert.AreNotSame(a, otherA);
        Assert.AreEqual(("text", PluginKind.Text), Resolve(plugins, new string([.. c]), Tensor(c, plugin: null)));
        Assert.AreEqual(("scalars", PluginKind.Scalars), Resolve(plugins, otherA, Tensor(a, plugin: "images")));
        Assert.AreEqual(("scalars", PluginKind.Scalars), Resolve(plugins, a, Tensor(a, plugin: null)));
    }

    [TestMethod]
    public void SummarizeCountsEveryTagWhenTagsComeAsNewStringsPastTheNameCache()
    {
        // Past the reader's 65,536 cached names, each value of a later tag comes as a new string: the plugin decisions
        // and the per-tag counts must still find the tag by its text. Cycles of early and late tags follow, then a
        // second run with the same tag texts.
        using var temp = new TempDirectory();
        const int distinct = 70_000;
        int[] cycled = [0, 1, 2, 3, 4, distinct - 5, distinct - 4, distinct - 3, distinct - 2, distinct - 1];
        var events = new List<Event> { Version() };
        for (int i = 0; i < distinct; i++)
        {
            events.Add(Scalar($"t{i}", 0, i));
        }
        for (int step = 1; step <= 3; step++)
        {
            foreach (int i in cycled)
            {
                events.Add(Scalar($"t{i}", step, (step * 10) + (i % 7)));
            }
        }
        Write(temp.Combine("a"), "events.out.tfevents.1.x", [.. events]);
        Write(temp.Combine("b"), "events.out.tfevents.1.x", [Version(), .. Enumerable.Range(0, 3).SelectMany(step => cycled[..5].Select(i => Scalar($"t{i}", step, -step)))]);

        var summary = new LogDirReader(temp.Path).Summarize();
        CollectionAssert.AreEqual(new[] { "a", "b" }, summary.Select(r => r.Run).ToArray());
        var a = summary[0].Tags.ToDictionary(t => t.Tag);
        Assert.AreEqual(distinct, a.Count);
        Assert.IsTrue(a.Values.All(t => t.Plugin == "scalars"));
        foreach (int i in cycled)
        {
            TagSummary tag = a[$"t{i}"];
            Assert.AreEqual((4L, 0L, 3L, 30.0 + (i % 7)), (tag.Count, tag.FirstStep, tag.LastStep, tag.LastValue), $"t{i}");
        }
        Assert.AreEqual(distinct - cycled.Length, a.Values.Count(t => t.Count == 1 && t.FirstStep == 0 && t.LastStep == 0));
        Assert.AreEqual(66_000.0, a["t66000"].LastValue);
        var b = summary[1].Tags;
        Assert.AreEqual(5, b.Count);
        Assert.IsTrue(b.All(t => t.Count == 3 && t.FirstStep == 0 && t.LastStep == 2 && t.LastValue == -2.0 && t.Plugin == "scalars"));
    }

    private static (string, PluginKind) Resolve(TagPlugins plugins, string tag, Summary.Types.Value value)
    {
        byte[] bytes = value.ToByteArray();
        Assert.IsTrue(EventWire.TryReadValue(bytes, out ValueInfo info));
        return plugins.Resolve(tag, bytes, info);
    }

    private static Summary.Types.Value Simple(string tag) => new() { Tag = tag, SimpleValue = 1.5f };

    private static Summary.Types.Value Tensor(string tag, string? plugin)
    {
        var value = new Summary.Types.Value { Tag = tag, Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { 2.5f } } };
        if (plugin is not null)
        {
            value.Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = plugin } };
        }
        return value;
    }
}
