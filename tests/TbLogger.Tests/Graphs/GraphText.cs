using System.Globalization;
using System.Text;
using TbLogger.Protos;

namespace TbLogger.Tests.Graphs;

/// <summary>
/// Prints a GraphDef in protobuf text format the way Python's <c>text_format.MessageToString</c> does (two-space
/// indents, map entries sorted by key, enum names), for the fields our graphs use, so a graph can be compared with
/// what TensorBoard's <c>/data/plugin/graphs/graph</c> serves.
/// </summary>
internal static class GraphText
{
    public static string Format(GraphDef graph)
    {
        var text = new StringBuilder();
        foreach (var node in graph.Node)
        {
            text.Append("node {\n");
            Field(text, 1, "name", Quote(node.Name));
            Field(text, 1, "op", Quote(node.Op));
            foreach (string input in node.Input)
            {
                Field(text, 1, "input", Quote(input));
            }
            if (node.Device.Length > 0)
            {
                Field(text, 1, "device", Quote(node.Device));
            }
            foreach (var (key, value) in node.Attr.OrderBy(a => a.Key, StringComparer.Ordinal))
            {
                Open(text, 1, "attr");
                Field(text, 2, "key", Quote(key));
                Open(text, 2, "value");
                Value(text, 3, value);
                Close(text, 2);
                Close(text, 1);
            }
            text.Append("}\n");
        }
        if (graph.Versions is { } versions)
        {
            Open(text, 0, "versions");
            Field(text, 1, "producer", versions.Producer.ToString(CultureInfo.InvariantCulture));
            Close(text, 0);
        }
        return text.ToString();
    }

    private static void Value(StringBuilder text, int depth, AttrValue value)
    {
        switch (value.ValueCase)
        {
            case AttrValue.ValueOneofCase.S: Field(text, depth, "s", Quote(value.S.ToStringUtf8())); break;
            case AttrValue.ValueOneofCase.I: Field(text, depth, "i", value.I.ToString(CultureInfo.InvariantCulture)); break;
            case AttrValue.ValueOneofCase.F: Field(text, depth, "f", Python(value.F)); break;
            case AttrValue.ValueOneofCase.B: Field(text, depth, "b", value.B ? "true" : "false"); break;
            case AttrValue.ValueOneofCase.Type: Field(text, depth, "type", TypeName(value.Type)); break;
            case AttrValue.ValueOneofCase.List:
                Open(text, depth, "list");
                foreach (var shape in value.List.Shape)
                {
                    Open(text, depth + 1, "shape");
                    foreach (var dim in shape.Dim)
                    {
                        Open(text, depth + 2, "dim");
                        Field(text, depth + 3, "size", dim.Size.ToString(CultureInfo.InvariantCulture));
                        Close(text, depth + 2);
                    }
                    Close(text, depth + 1);
                }
                Close(text, depth);
                break;
            default: throw new NotSupportedException(value.ValueCase.ToString());
        }
    }

    private static string TypeName(DataType type) =>
        // DtFloat → DT_FLOAT: the proto's own enum names.
        TypesReflection.Descriptor.EnumTypes.Single(e => e.Name == "DataType").FindValueByNumber((int)type).Name;

    // Python widens a float field to a double and prints its shortest repr: 0.1f → 0.10000000149011612.
    private static string Python(float value) => ((double)value).ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            text.Append(b switch
            {
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                (byte)'\n' => "\\n",
                (byte)'\'' => "\\'",
                < 0x20 or >= 0x7f => $"\\{Convert.ToString(b, 8).PadLeft(3, '0')}",
                _ => ((char)b).ToString(),
            });
        }
        return text.Append('"').ToString();
    }

    private static void Field(StringBuilder text, int depth, string name, string value) =>
        text.Append(' ', depth * 2).Append(name).Append(": ").Append(value).Append('\n');

    private static void Open(StringBuilder text, int depth, string name) => text.Append(' ', depth * 2).Append(name).Append(" {\n");

    private static void Close(StringBuilder text, int depth) => text.Append(' ', depth * 2).Append("}\n");
}
