using TbLogger.Protos;

namespace TbLogger;

/// <summary>
/// Builds a TensorFlow <see cref="GraphDef"/> for TensorBoard's GRAPHS dashboard (write it with
/// <see cref="SummaryWriter.AddGraph(GraphBuilder, DateTimeOffset?)"/>), laid out like PyTorch's <c>add_graph</c>:
/// one node per operation, inputs as edges, <c>_output_shapes</c> on each node, and name scopes by '/' that the
/// dashboard draws as collapsible groups. Pure: no disk, no writer; not thread-safe.
/// </summary>
/// <example>
/// <code>
/// var graph = new GraphBuilder();
/// graph.AddNode("input", "IO Node").OutputShape(-1, 64);
/// using (graph.Scope("Mlp"))
/// {
///     graph.AddNode("fc1/weight", "Parameter").OutputShape(64, 32);
///     graph.AddNode("fc1/linear", "aten::linear", "input", "Mlp/fc1/weight").OutputShape(-1, 32);
///     graph.AddNode("relu", "aten::relu", "Mlp/fc1/linear").OutputShape(-1, 32);
/// }
/// graph.AddNode("output", "IO Node", "Mlp/relu").OutputShape(-1, 32);
/// writer.AddGraph(graph);
/// </code>
/// </example>
/// <remarks>
/// Names given to <see cref="AddNode"/> are relative to the open <see cref="Scope"/>s; inputs and every other
/// lookup use full names. Inputs may name nodes added later; <see cref="Build"/> checks that each one exists.
/// </remarks>
public sealed class GraphBuilder
{
    /// <summary>The GraphDef producer version PyTorch writes (TensorBoard only displays it).</summary>
    public const int DefaultProducer = 22;

    private readonly List<GraphNode> _nodes = [];
    private readonly Dictionary<string, GraphNode> _byName = new(StringComparer.Ordinal);
    private readonly List<string> _scopes = [];

    /// <summary>The <c>versions.producer</c> written into the graph; <see cref="DefaultProducer"/> unless set.</summary>
    public int Producer { get; init; } = DefaultProducer;

    /// <summary>The nodes added so far, in order.</summary>
    public IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>The open name scope, e.g. "Mlp/fc1"; empty at top level.</summary>
    public string CurrentScope => string.Join('/', _scopes);

    /// <summary>
    /// Opens a name scope until the returned value is disposed: nodes added meanwhile are named
    /// "{scope}/{name}". Scopes nest, and a scope may itself contain '/' ("Mlp/fc1").
    /// </summary>
    /// <param name="name">The scope's name, a valid node name.</param>
    /// <returns>Dispose it (a <c>using</c>) to close the scope.</returns>
    /// <exception cref="ArgumentException">The name is empty or malformed.</exception>
    public NameScope Scope(string name)
    {
        ValidateName(name, nameof(name));
        _scopes.Add(name);
        return new NameScope(this, _scopes.Count);
    }

    /// <summary>The full name a node called <paramref name="name"/> would get in the open scope.</summary>
    /// <param name="name">A name relative to the open scope.</param>
    /// <returns>"{scope}/{name}", or the name itself at top level.</returns>
    public string FullName(string name) => _scopes.Count == 0 ? name : CurrentScope + "/" + name;

    /// <summary>Adds a node named <paramref name="name"/> inside the open scope.</summary>
    /// <param name="name">The name relative to the open scope, e.g. "fc1/MatMul"; '/' separates name scopes.</param>
    /// <param name="op">The operation type, e.g. "MatMul", "aten::relu" or PyTorch's "IO Node" for inputs and outputs.</param>
    /// <param name="inputs">Full names of the nodes feeding it ("name:k" for an output index, "^name" for a control dependency).</param>
    /// <returns>The node, to add shapes, a device or attributes.</returns>
    /// <exception cref="ArgumentException">A malformed name or input, an empty op, or a full name already used.</exception>
    public GraphNode AddNode(string name, string op, params ReadOnlySpan<string> inputs)
    {
        ValidateName(name, nameof(name));
        ArgumentException.ThrowIfNullOrWhiteSpace(op);
        string fullName = FullName(name);
        if (_byName.ContainsKey(fullName))
        {
            throw new ArgumentException($"A node named '{fullName}' already exists.", nameof(name));
        }
        var node = new GraphNode(fullName, op);
        foreach (string input in inputs)
        {
            node.Input(input);
        }
        _nodes.Add(node);
        _byName.Add(fullName, node);
        return node;
    }

    /// <summary>Adds an edge: <paramref name="from"/> becomes the next input of <paramref name="to"/>.</summary>
    /// <param name="from">The source's full name ("name:k" for its k-th output); may be added later.</param>
    /// <param name="to">The full name of an existing node.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> does not exist, or <paramref name="from"/> is malformed.</exception>
    public GraphBuilder AddEdge(string from, string to)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (!_byName.TryGetValue(to, out var node))
        {
            throw new ArgumentException($"No node named '{to}'.", nameof(to));
        }
        node.Input(from);
        return this;
    }

    /// <summary>The node with this full name.</summary>
    /// <param name="fullName">E.g. "Mlp/fc1/MatMul".</param>
    /// <returns>The node.</returns>
    /// <exception cref="KeyNotFoundException">No such node.</exception>
    public GraphNode this[string fullName] =>
        _byName.TryGetValue(fullName, out var node) ? node : throw new KeyNotFoundException($"No node named '{fullName}'.");

    /// <summary>Looks up a node by full name.</summary>
    /// <param name="fullName">E.g. "Mlp/fc1/MatMul".</param>
    /// <param name="node">The node, when found.</param>
    /// <returns>True when found.</returns>
    public bool TryGetNode(string fullName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GraphNode? node) =>
        _byName.TryGetValue(fullName, out node);

    /// <summary>Builds the GraphDef: every node in order, with <c>versions.producer</c> = <see cref="Producer"/>. The builder stays usable.</summary>
    /// <returns>A new GraphDef that later changes to the builder do not affect.</returns>
    /// <exception cref="InvalidOperationException">An input names a node that was never added.</exception>
    public GraphDef Build()
    {
        var graph = new GraphDef { Versions = new VersionDef { Producer = Producer } };
        foreach (var node in _nodes)
        {
            foreach (string input in node.Inputs)
            {
                string source = ParseInput(input, "input");
                if (!_byName.ContainsKey(source))
                {
                    throw new InvalidOperationException($"Node '{node.Name}' has input '{input}', but no node named '{source}' was added.");
                }
            }
            graph.Node.Add(node.ToProto());
        }
        return graph;
    }

    /// <summary>
    /// Checks a GraphDef built elsewhere the way TensorBoard's graph dashboard needs it: every node named (no empty
    /// name, none repeated) and every input naming a node of the graph.
    /// </summary>
    /// <param name="graph">The graph.</param>
    /// <exception cref="ArgumentException">A node has no name or a repeated one, or an input names no node.</exception>
    public static void Validate(GraphDef graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var names = new HashSet<string>(graph.Node.Count, StringComparer.Ordinal);
        for (int i = 0; i < graph.Node.Count; i++)
        {
            string name = graph.Node[i].Name;
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException($"Node {i} of the graph has no name.", nameof(graph));
            }
            if (!names.Add(name))
            {
                throw new ArgumentException($"The graph has two nodes named '{name}' (the second is node {i}).", nameof(graph));
            }
        }
        foreach (var node in graph.Node)
        {
            foreach (string input in node.Input)
            {
                string source = ParseInput(input, nameof(graph));
                if (!names.Contains(source))
                {
                    throw new ArgumentException($"Node '{node.Name}' has input '{input}', but the graph has no node named '{source}'.", nameof(graph));
                }
            }
        }
    }

    /// <summary>Returns the node an input refers to: "^name" and "name:k" both refer to "name".</summary>
    internal static string ParseInput(string input, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(input, parameterName);
        string name = input.StartsWith('^') ? input[1..] : input;
        int colon = name.LastIndexOf(':');
        if (colon >= 0)
        {
            ReadOnlySpan<char> index = name.AsSpan(colon + 1);
            if (index.IsEmpty || !int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                throw new ArgumentException($"Input '{input}' is malformed: after ':' comes an output index (\"name:0\").", parameterName);
            }
            name = name[..colon];
        }
        ValidateName(name, parameterName, input);
        return name;
    }

    private static void ValidateName(string name, string parameterName, string? whole = null)
    {
        ArgumentNullException.ThrowIfNull(name, parameterName);
        string what = whole is null ? $"Node name '{name}'" : $"Input '{whole}'";
        if (name.Length == 0)
        {
            throw new ArgumentException($"{what} is empty.", parameterName);
        }
        if (name[0] == '/' || name[^1] == '/' || name.Contains("//", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{what} has an empty name scope: '/' at its start or end, or '//'.", parameterName);
        }
        foreach (char c in name)
        {
            if (c is ':' or '^' || char.IsControl(c))
            {
                throw new ArgumentException($"{what} contains '{(char.IsControl(c) ? $"\\u{(int)c:x4}" : c)}', which TensorFlow's input syntax reserves.", parameterName);
            }
        }
    }

    private void CloseScope(int depth)
    {
        if (_scopes.Count != depth)
        {
            throw new InvalidOperationException($"Name scopes must close innermost first: closing '{string.Join('/', _scopes.Take(depth))}' while '{CurrentScope}' is open.");
        }
        _scopes.RemoveAt(depth - 1);
    }

    /// <summary>An open name scope of a <see cref="GraphBuilder"/>; disposing it closes the scope.</summary>
    public readonly struct NameScope : IDisposable
    {
        private readonly GraphBuilder? _builder;
        private readonly int _depth;

        internal NameScope(GraphBuilder builder, int depth)
        {
            _builder = builder;
            _depth = depth;
        }

        /// <summary>Closes the scope.</summary>
        /// <exception cref="InvalidOperationException">An inner scope is still open.</exception>
        public void Dispose() => _builder?.CloseScope(_depth);
    }
}
