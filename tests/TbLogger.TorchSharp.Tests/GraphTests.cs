using TbLogger.Protos;
using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.TorchSharp.Tests;

[TestClass]
public sealed class GraphTests
{
    internal static nn.Module<Tensor, Tensor> Small() => nn.Sequential(
        ("features", nn.Sequential(("conv", nn.Conv2d(1, 4, 3)), ("relu", nn.ReLU()))),
        ("flatten", nn.Flatten()),
        ("fc", nn.Linear(4 * 6 * 6, 10)));

    private static List<long> Shape(NodeDef node) => node.Attr["_output_shapes"].List.Shape[0].Dim.Select(d => d.Size).ToList();

    [TestMethod]
    public void AddGraphWritesEveryLeafCallWithScopesEdgesShapesAndDtypes()
    {
        using var model = Small();
        model.train();
        using var x = torch.zeros(2, 1, 8, 8);
        var events = Logged.Events(w => w.AddGraph(model, x));
        Assert.AreEqual(1, events.Count);
        var graph = GraphDef.Parser.ParseFrom(events[0].GraphDef);
        CollectionAssert.AreEqual(
            new[] { "input/input", "Sequential/features/conv", "Sequential/features/relu", "Sequential/flatten", "Sequential/fc", "output/output" },
            graph.Node.Select(n => n.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "IO Node", "Conv2d", "ReLU", "Flatten", "Linear", "IO Node" }, graph.Node.Select(n => n.Op).ToArray());
        CollectionAssert.AreEqual(new[] { "", "input/input", "Sequential/features/conv", "Sequential/features/relu", "Sequential/flatten", "Sequential/fc" },
            graph.Node.Select(n => string.Join(",", n.Input)).ToArray());
        CollectionAssert.AreEqual(new long[] { 2, 1, 8, 8 }, Shape(graph.Node[0]));
        CollectionAssert.AreEqual(new long[] { 2, 4, 6, 6 }, Shape(graph.Node[1]));
        CollectionAssert.AreEqual(new long[] { 2, 144 }, Shape(graph.Node[3]));
        CollectionAssert.AreEqual(new long[] { 2, 10 }, Shape(graph.Node[5]));
        Assert.AreEqual("[2, 144]", graph.Node[4].Attr["input_shapes"].S.ToStringUtf8());
        Assert.IsTrue(graph.Node.All(n => n.Attr["dtype"].Type == DataType.DtFloat));
        Assert.IsTrue(model.training, "the module's training mode is restored");
        Assert.IsFalse(graph.Node.Any(n => n.Attr.ContainsKey("via_functional")));
    }

    // Fixtures/graphs/small.pbtxt: what TensorBoard 2.20's graph plugin served (/data/plugin/graphs/graph?run=small)
    // for the event file AddGraph(Small(), zeros(2, 1, 8, 8)) wrote; info.json is /data/plugin/graphs/info for that log.
    [TestMethod]
    public void TheGraphIsWhatTensorBoardsGraphPluginServes()
    {
        using var model = Small();
        using var x = torch.zeros(2, 1, 8, 8);
        var graph = GraphDef.Parser.ParseFrom(Logged.Events(w => w.AddGraph(model, x)).Single().GraphDef);
        string served = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "graphs", "small.pbtxt"));
        Assert.AreEqual(served.TrimEnd('\n'), TbLogger.Tests.Graphs.GraphText.Format(graph).TrimEnd('\n'));
        StringAssert.Contains(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "graphs", "info.json")), "\"run_graph\": true");
    }

    private sealed class Functional : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _a = nn.Linear(3, 5), _b = nn.Linear(5, 2);

        public Functional() : base(nameof(Functional)) => RegisterComponents();

        // relu between the layers is not a module: its output is a new tensor the hooks never saw.
        public override Tensor forward(Tensor x) => _b.call(nn.functional.relu(_a.call(x)));
    }

    [TestMethod]
    public void InputsMadeByFunctionalCodeJoinThePreviousCall()
    {
        using var model = new Functional();
        using var x = torch.ones(4, 3, ScalarType.Float64);
        model.to(ScalarType.Float64);
        var graph = Logged.Events(w => w.AddGraph(model, x)).Single().GraphDef;
        var g = GraphDef.Parser.ParseFrom(graph);
        CollectionAssert.AreEqual(new[] { "input/input", "Functional/_a", "Functional/_b", "output/output" }, g.Node.Select(n => n.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "Functional/_a" }, g.Node[2].Input.ToArray());
        Assert.AreEqual("true", g.Node[2].Attr["via_functional"].S.ToStringUtf8());
        Assert.AreEqual(DataType.DtDouble, g.Node[1].Attr["dtype"].Type);
    }

    [TestMethod]
    public void AnInputOfTheWrongShapeNamesTheArgumentAndLeavesTheModuleAsItWas()
    {
        using var model = Small();
        model.train();
        using var x = torch.zeros(2, 3, 8, 8); // conv expects 1 channel
        var e = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddGraph(model, x)));
        Assert.AreEqual("exampleInput", e.ParamName);
        StringAssert.Contains(e.Message, "[2, 3, 8, 8]");
        Assert.IsTrue(model.training);
        // The hooks are gone: a later trace records each call once.
        using var good = torch.zeros(1, 1, 8, 8);
        var graph = GraphDef.Parser.ParseFrom(Logged.Events(w => w.AddGraph(model, good)).Single().GraphDef);
        Assert.AreEqual(6, graph.Node.Count);
    }

    [TestMethod]
    public void ADisposedExampleInputIsRejected()
    {
        using var model = Small();
        var x = torch.zeros(1, 1, 8, 8);
        x.Dispose();
        var e = Assert.ThrowsExactly<ArgumentException>(() => Logged.Events(w => w.AddGraph(model, x)));
        Assert.AreEqual("exampleInput", e.ParamName);
    }
}
