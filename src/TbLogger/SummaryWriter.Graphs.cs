using Google.Protobuf;
using TbLogger.Protos;

namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Logs a model graph for the GRAPHS dashboard, like PyTorch's <c>add_graph</c>: an event whose
    /// <c>graph_def</c> holds the serialized GraphDef (step 0). TensorBoard shows a run's last graph.
    /// </summary>
    /// <param name="graph">The graph, built by <see cref="GraphBuilder"/> or elsewhere; serialized before this returns, so later changes are not logged.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">A node has no name or a repeated one, or an input names no node (see <see cref="GraphBuilder.Validate"/>).</exception>
    public bool AddGraph(GraphDef graph, DateTimeOffset? wallTime = null)
    {
        GraphBuilder.Validate(graph);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _main.WriteEvent(new Event { WallTime = WallTimeOf(wallTime), GraphDef = graph.ToByteString() });
    }

    /// <summary>Logs the graph a <see cref="GraphBuilder"/> holds now. See <see cref="AddGraph(GraphDef, DateTimeOffset?)"/>.</summary>
    /// <param name="graph">The builder.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="InvalidOperationException">An input names a node that was never added.</exception>
    public bool AddGraph(GraphBuilder graph, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return AddGraph(graph.Build(), wallTime);
    }
}
