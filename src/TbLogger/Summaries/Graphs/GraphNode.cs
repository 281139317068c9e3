using Google.Protobuf;
using TbLogger.Protos;

namespace TbLogger;

/// <summary>
/// One operation of a graph being built by <see cref="GraphBuilder"/>: its full name, op type, inputs, device and
/// attributes. Methods return the node, so a node is described in one expression:
/// <c>graph.AddNode("fc1/MatMul", "MatMul", "input", "fc1/weight").OutputShape(-1, 64).DType(DataType.DtFloat)</c>.
/// </summary>
/// <remarks>
/// Attributes follow TensorFlow's and PyTorch's conventions, which TensorBoard's graph dashboard reads:
/// <c>_output_shapes</c> (a list of shapes, drawn as edge labels and used for edge thickness), <c>dtype</c> (a type)
/// and <c>attr</c> (free text, as PyTorch stores a node's scalar arguments).
/// </remarks>
public sealed class GraphNode
{
    /// <summary>The attribute holding a node's output shapes, one per output.</summary>
    public const string OutputShapesAttribute = "_output_shapes";

    /// <summary>The attribute holding a node's element type.</summary>
    public const string DTypeAttribute = "dtype";

    private readonly NodeDef _node;

    internal GraphNode(string name, string op)
    {
        _node = new NodeDef { Name = name, Op = op };
    }

    /// <summary>The full name, with its name scopes: e.g. "Mlp/fc1/MatMul". The graph dashboard groups nodes by the parts before each '/'.</summary>
    public string Name => _node.Name;

    /// <summary>The operation type, e.g. "MatMul" or PyTorch's "aten::linear".</summary>
    public string Op => _node.Op;

    /// <summary>The device, e.g. "/device:CPU:0"; empty when not set.</summary>
    public string Device => _node.Device;

    /// <summary>The inputs, in order: full node names, "name:k" for a node's k-th output, "^name" for a control dependency.</summary>
    public IReadOnlyList<string> Inputs => _node.Input;

    /// <summary>The attributes set so far (read-only view).</summary>
    public IReadOnlyDictionary<string, AttrValue> Attributes => _node.Attr;

    /// <summary>Adds an input (an edge from <paramref name="input"/> to this node). Inputs are checked when the graph is built.</summary>
    /// <param name="input">A full node name, "name:k" for its k-th output, or "^name" for a control dependency.</param>
    /// <returns>This node.</returns>
    /// <exception cref="ArgumentException">The reference is malformed.</exception>
    public GraphNode Input(string input)
    {
        GraphBuilder.ParseInput(input, nameof(input));
        _node.Input.Add(input);
        return this;
    }

    /// <summary>Sets the device the node runs on.</summary>
    /// <param name="device">E.g. "/device:CPU:0" or "cuda:0"; shown and used for "color by device".</param>
    /// <returns>This node.</returns>
    public GraphNode OnDevice(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        _node.Device = device;
        return this;
    }

    /// <summary>
    /// Appends the shape of the node's next output to <c>_output_shapes</c> (call once per output, in order). Use -1
    /// for a dimension of unknown size, such as the batch; no dimensions for a scalar.
    /// </summary>
    /// <param name="dims">The sizes, each -1 or more.</param>
    /// <returns>This node.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is below -1.</exception>
    public GraphNode OutputShape(params ReadOnlySpan<long> dims)
    {
        var shape = new TensorShapeProto();
        foreach (long dim in dims)
        {
            if (dim < -1)
            {
                throw new ArgumentOutOfRangeException(nameof(dims), dim, $"Node '{Name}': an output dimension must be -1 (unknown) or at least 0.");
            }
            shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = dim });
        }
        if (!_node.Attr.TryGetValue(OutputShapesAttribute, out var shapes) || shapes.ValueCase != AttrValue.ValueOneofCase.List)
        {
            shapes = new AttrValue { List = new AttrValue.Types.ListValue() };
            _node.Attr[OutputShapesAttribute] = shapes;
        }
        shapes.List.Shape.Add(shape);
        return this;
    }

    /// <summary>Sets the element type (attribute <c>dtype</c>).</summary>
    /// <param name="type">E.g. <see cref="DataType.DtFloat"/>.</param>
    /// <returns>This node.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The type is not a defined <see cref="DataType"/> or is DT_INVALID.</exception>
    public GraphNode DType(DataType type)
    {
        if (type == DataType.DtInvalid || !Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, $"Node '{Name}': not a valid DataType.");
        }
        return Attr(DTypeAttribute, new AttrValue { Type = type });
    }

    /// <summary>Sets a string attribute (stored as UTF-8 bytes).</summary>
    /// <param name="key">The attribute's name.</param>
    /// <param name="value">The text.</param>
    /// <returns>This node.</returns>
    public GraphNode Attr(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Attr(key, new AttrValue { S = ByteString.CopyFromUtf8(value) });
    }

    /// <summary>Sets an integer attribute.</summary>
    /// <param name="key">The attribute's name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This node.</returns>
    public GraphNode Attr(string key, long value) => Attr(key, new AttrValue { I = value });

    /// <summary>Sets a floating-point attribute (stored as float, as TensorFlow does).</summary>
    /// <param name="key">The attribute's name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This node.</returns>
    public GraphNode Attr(string key, float value) => Attr(key, new AttrValue { F = value });

    /// <summary>Sets a boolean attribute.</summary>
    /// <param name="key">The attribute's name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This node.</returns>
    public GraphNode Attr(string key, bool value) => Attr(key, new AttrValue { B = value });

    /// <summary>Sets any attribute; the value is copied.</summary>
    /// <param name="key">The attribute's name, not empty.</param>
    /// <param name="value">The value.</param>
    /// <returns>This node.</returns>
    /// <exception cref="ArgumentException">The key is empty.</exception>
    public GraphNode Attr(string key, AttrValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _node.Attr[key] = value.Clone();
        return this;
    }

    internal NodeDef ToProto() => _node.Clone();
}
