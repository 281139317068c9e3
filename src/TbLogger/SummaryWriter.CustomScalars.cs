using TbLogger.Protos.Plugins.CustomScalar;

namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Logs the custom scalars dashboard layout (PyTorch's <c>add_custom_scalars</c>): categories of charts, each
    /// combining existing scalar tags. Write it once per run (a later layout replaces an earlier one); build it with
    /// <see cref="CustomScalarCharts"/>.
    /// </summary>
    /// <param name="layout">The layout; copied, see <see cref="Summaries.CustomScalarsLayout(Layout)"/> for its rules.</param>
    /// <param name="step">The step; 0 like PyTorch.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">The layout is empty or malformed.</exception>
    public bool AddCustomScalarsLayout(Layout layout, long step = 0, DateTimeOffset? wallTime = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var summary = Summaries.CustomScalarsLayout(layout);
        return _main.WriteEvent(new Protos.Event { WallTime = WallTimeOf(wallTime), Step = step, Summary = summary });
    }
}
