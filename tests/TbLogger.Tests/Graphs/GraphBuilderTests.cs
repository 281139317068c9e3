using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Graphs;

[TestClass]
public sealed class GraphBuilderTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "graphs", name));

    [TestMethod]
    public void BuiltGraphIsExactlyWhatTensorBoardsGraphPluginServed()
    {
        // Fixtures/graphs/conv.pbtxt: /data/plugin/graphs/graph?run=conv from TensorBoard 2.20 for this graph.
        Assert.AreEqual(Fixture("conv.pbtxt").TrimEnd('\n'), GraphText.Format(GraphSamples.Conv().Build()).TrimEnd('\n'));
    }

    [TestMethod]
    public void NodesCarryScopesInputsDevicesAndAttributes()
    {
        var graph = GraphSamples.Conv().Build();
        Assert.AreEqual(GraphBuilder.DefaultProducer, graph.Versions.Producer);
        CollectionAssert.AreEqual(
            new[] { "input/x.1", "Net/Conv2d[conv]/weight", "Net/Conv2d[conv]/conv", "Net/split", "Net/max", "Net/flatten", "Net/step", "output/output.1" },
            graph.Node.Select(n => n.Name).ToArray());
        var conv = graph.Node[2];
        Assert.AreEqual(("aten::_convolution", "cuda:0"), (conv.Op, conv.Device));
        CollectionAssert.AreEqual(new[] { "input/x.1", "Net/Conv2d[conv]/weight" }, conv.Input.ToArray());
        Assert.AreEqual(1L, conv.Attr["groups"].I);
        CollectionAssert.AreEqual(new long[] { -1, 4, 6, 6 }, conv.Attr["_output_shapes"].List.Shape.Single().Dim.Select(d => d.Size).ToArray());
        var split = graph.Node[3];
        Assert.AreEqual(2, split.Attr["_output_shapes"].List.Shape.Count);
        Assert.AreEqual((false, 0.1f), (split.Attr["training"].B, split.Attr["momentum"].F));
        CollectionAssert.AreEqual(new[] { "Net/split:0", "Net/split:1" }, graph.Node[4].Input.ToArray());
        var step = graph.Node[6];
        Assert.AreEqual(0, step.Attr["_output_shapes"].List.Shape.Single().Dim.Count);
        Assert.AreEqual(DataType.DtInt64, step.Attr["dtype"].Type);
        Assert.AreEqual("ünïcode \"quoted\"", graph.Node[5].Attr["note"].S.ToStringUtf8());
    }

    [TestMethod]
    public void BuildIsASnapshotAndEdgesAppendInputs()
    {
        var g = new GraphBuilder { Producer = 7 };
        g.AddNode("a", "Const");
        g.AddNode("b", "Identity");
        var before = g.Build();
        g.AddEdge("a", "b").AddEdge("^a", "b");
        g["b"].Attr("k", "v");
        Assert.AreEqual(0, before.Node[1].Input.Count);
        Assert.AreEqual(0, before.Node[1].Attr.Count);
        var after = g.Build();
        CollectionAssert.AreEqual(new[] { "a", "^a" }, after.Node[1].Input.ToArray());
        Assert.AreEqual(7, after.Versions.Producer);
        Assert.IsTrue(g.TryGetNode("b", out var b) && b.Name == "b");
        Assert.IsFalse(g.TryGetNode("c", out _));
    }

    [TestMethod]
    public void ScopesNestAndPrefixNames()
    {
        var g = new GraphBuilder();
        using (g.Scope("Mlp"))
        {
            using (g.Scope("fc1/inner"))
            {
                Assert.AreEqual("Mlp/fc1/inner", g.CurrentScope);
                Assert.AreEqual("Mlp/fc1/inner/w", g.AddNode("w", "Param").Name);
            }
            Assert.AreEqual("Mlp/relu", g.AddNode("relu", "Relu", "Mlp/fc1/inner/w").Name);
        }
        Assert.AreEqual("", g.CurrentScope);
        Assert.AreEqual("top", g.AddNode("top", "Op").Name);
        Assert.AreEqual("Mlp/fc1/inner/w", g["Mlp/fc1/inner/w"].Name);
    }

    [TestMethod]
    public void BadNamesAndInputsAreRejectedWithTheNameInTheMessage()
    {
        var g = new GraphBuilder();
        g.AddNode("a", "Const");
        Assert.AreEqual("A node named 'a' already exists. (Parameter 'name')", Assert.ThrowsExactly<ArgumentException>(() => g.AddNode("a", "Other")).Message);
        foreach (string bad in new[] { "", "/a", "a/", "a//b", "a:0", "^a", "a\nb" })
        {
            var ex = Assert.ThrowsExactly<ArgumentException>(() => g.AddNode(bad, "Op"), bad);
            Assert.AreEqual("name", ex.ParamName);
        }
        Assert.ThrowsExactly<ArgumentException>(() => g.AddNode("b", " "));
        Assert.AreEqual("Input 'a:x' is malformed: after ':' comes an output index (\"name:0\"). (Parameter 'input')",
            Assert.ThrowsExactly<ArgumentException>(() => g.AddNode("c", "Op", "a:x")).Message);
        Assert.ThrowsExactly<ArgumentException>(() => g.AddNode("c", "Op", "a:"));
        Assert.ThrowsExactly<ArgumentException>(() => g.AddNode("c", "Op", "^"));
        Assert.AreEqual("No node named 'zz'. (Parameter 'to')", Assert.ThrowsExactly<ArgumentException>(() => g.AddEdge("a", "zz")).Message);
        Assert.ThrowsExactly<KeyNotFoundException>(() => g["zz"]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => g["a"].OutputShape(2, -2));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => g["a"].DType(DataType.DtInvalid));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => g["a"].DType((DataType)9999));
        Assert.ThrowsExactly<ArgumentException>(() => g["a"].Attr("", 1L));
        Assert.AreEqual(1, g.Nodes.Count, "failed calls add nothing");

        g.AddNode("d", "Op", "later:1");
        Assert.AreEqual("Node 'd' has input 'later:1', but no node named 'later' was added.",
            Assert.ThrowsExactly<InvalidOperationException>(() => g.Build()).Message);
        g.AddNode("later", "Op");
        Assert.AreEqual(3, g.Build().Node.Count);
    }

    [TestMethod]
    public void ScopesMustCloseInnermostFirst()
    {
        var g = new GraphBuilder();
        var outer = g.Scope("outer");
        var inner = g.Scope("inner");
        Assert.AreEqual("Name scopes must close innermost first: closing 'outer' while 'outer/inner' is open.",
            Assert.ThrowsExactly<InvalidOperationException>(() => outer.Dispose()).Message);
        inner.Dispose();
        outer.Dispose();
        Assert.AreEqual("", g.CurrentScope);
        Assert.ThrowsExactly<ArgumentException>(() => g.Scope("a//b"));
    }

    [TestMethod]
    public void ValidateRejectsGraphsTensorBoardCannotLink()
    {
        GraphDef Graph(params NodeDef[] nodes) => new() { Node = { nodes } };
        Assert.AreEqual("Node 1 of the graph has no name. (Parameter 'graph')",
            Assert.ThrowsExactly<ArgumentException>(() => GraphBuilder.Validate(Graph(new NodeDef { Name = "a" }, new NodeDef()))).Message);
        Assert.AreEqual("The graph has two nodes named 'a' (the second is node 2). (Parameter 'graph')",
            Assert.ThrowsExactly<ArgumentException>(() => GraphBuilder.Validate(Graph(new NodeDef { Name = "a" }, new NodeDef { Name = "b" }, new NodeDef { Name = "a" }))).Message);
        Assert.AreEqual("Node 'b' has input '^c', but the graph has no node named 'c'. (Parameter 'graph')",
            Assert.ThrowsExactly<ArgumentException>(() => GraphBuilder.Validate(Graph(new NodeDef { Name = "a" }, new NodeDef { Name = "b", Input = { "a:0", "^c" } }))).Message);
        Assert.ThrowsExactly<ArgumentNullException>(() => GraphBuilder.Validate(null!));
        GraphBuilder.Validate(Graph(new NodeDef { Name = "a" }, new NodeDef { Name = "b", Input = { "a:3", "^a" } }));
    }

    [TestMethod]
    public void AddGraphWritesTheSerializedGraphAsEventField4AndKeepsEarlierEventsOnBadInput()
    {
        using var dir = new TempDirectory();
        var built = GraphSamples.Conv().Build();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalar("loss", 1.5, step: 3);
            var bad = new GraphDef { Node = { new NodeDef { Name = "x", Input = { "missing" } } } };
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddGraph(bad));
            var unfinished = new GraphBuilder();
            unfinished.AddNode("y", "Op", "nowhere");
            Assert.ThrowsExactly<InvalidOperationException>(() => writer.AddGraph(unfinished));
            Assert.IsTrue(writer.AddGraph(GraphSamples.Conv(), new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        }
        var events = EventFileReader.Read(Fixtures.EventFileIn(dir.Path)).ToList();
        Assert.AreEqual(3, events.Count);
        Assert.AreEqual(1.5f, events[1].Summary.Value[0].Tensor.FloatVal[0]);
        var graphEvent = events[2];
        Assert.AreEqual(Event.WhatOneofCase.GraphDef, graphEvent.WhatCase);
        Assert.AreEqual(0, graphEvent.Step);
        Assert.AreEqual(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeSeconds(), graphEvent.WallTime);
        CollectionAssert.AreEqual(built.ToByteArray(), graphEvent.GraphDef.ToByteArray());
        // Field 4, length-delimited: tag byte 0x22 right after the wall time (field 1) in the serialized event.
        byte[] raw = graphEvent.ToByteArray();
        Assert.AreEqual(0x22, raw[9]);
    }
}
