using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Reading;

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
