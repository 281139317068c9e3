using TbLogger.Protos;

namespace TbLogger.Tests.Graphs;

/// <summary>The graph recorded in Fixtures/graphs: every feature of the builder once.</summary>
internal static class GraphSamples
{
    public static GraphBuilder Conv()
    {
        var g = new GraphBuilder();
        g.AddNode("input/x.1", "IO Node").OutputShape(-1, 3, 8, 8).DType(DataType.DtFloat).OnDevice("cpu");
        using (g.Scope("Net"))
        {
            using (g.Scope("Conv2d[conv]"))
            {
                g.AddNode("weight", "prim::GetAttr").OutputShape(4, 3, 3, 3);
                g.AddNode("conv", "aten::_convolution", "input/x.1", "Net/Conv2d[conv]/weight")
                    .OutputShape(-1, 4, 6, 6).Attr("attr", "{ stride : [1, 1], padding : [0, 0] }").Attr("groups", 1L).OnDevice("cuda:0");
            }
            g.AddNode("split", "aten::split", "Net/Conv2d[conv]/conv").OutputShape(-1, 2, 6, 6).OutputShape(-1, 2, 6, 6)
                .Attr("training", false).Attr("momentum", 0.1f);
            g.AddNode("max", "aten::maximum", "Net/split:0", "Net/split:1").OutputShape(-1, 2, 6, 6);
            g.AddNode("flatten", "aten::flatten", "Net/max").OutputShape(-1, 72).Attr("note", "ünïcode \"quoted\"");
            g.AddNode("step", "aten::scalar").OutputShape().DType(DataType.DtInt64);
        }
        g.AddNode("output/output.1", "IO Node", "Net/flatten", "^Net/step").OutputShape(-1, 72);
        return g;
    }
}
