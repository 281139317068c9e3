using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.HParams;

namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Logs one trial for the HPARAMS dashboard, like PyTorch's <c>add_hparams</c>: the experiment (hyperparameter
    /// and metric infos), the session start (the values) and the session end (its status), then each metric as a scalar
    /// at <paramref name="step"/>, except a metric tag the target run already logged at a step &gt;= <paramref name="step"/>:
    /// that series stays as logged (no repeated point, no step warning) and the dashboard shows its last point. The run
    /// becomes one session row with these metrics.
    /// </summary>
    /// <param name="hparams">Name → value (number, string or bool); at least one.</param>
    /// <param name="metrics">Metric tag → value, logged as scalars unless the run already holds the tag at this step or later; may be empty.</param>
    /// <param name="runName">
    /// Null: write into this writer's own run. A name: write into the child run <c>{LogDirectory}/{runName}</c>, as PyTorch
    /// does (one child per trial keeps trials of one writer apart); a single directory name without separators.
    /// </param>
    /// <param name="domains">Optional name → allowed values, shown as the dashboard's filters.</param>
    /// <param name="step">The step of the events and metric scalars.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="status">How the trial ended (the dashboard shows and filters by it): success by default; failure
    /// for a trial that crashed or diverged, running for one still going.</param>
    /// <returns>False when the queue was full in <see cref="QueueFullMode.Drop"/> mode and an event was dropped.</returns>
    /// <exception cref="ArgumentException">An argument is empty or invalid; nothing is written then.</exception>
    public bool AddHParams(IReadOnlyDictionary<string, HParamValue> hparams, IReadOnlyDictionary<string, double> metrics,
        string? runName = null, IReadOnlyDictionary<string, HParamDomain>? domains = null, long step = 0, DateTimeOffset? wallTime = null,
        Status status = Status.Success)
    {
        ValidateSessionStatus(status);
        ArgumentNullException.ThrowIfNull(metrics);
        var experiment = Summaries.HParamsExperiment(hparams, metrics.Keys, domains);
        return WriteHParams(experiment, hparams, runName, step, wallTime, status, metrics);
    }

    /// <summary>
    /// Logs one trial for the HPARAMS dashboard whose metrics are scalar series already logged (or still to be logged)
    /// elsewhere, the way Keras's hparams callback does: TensorBoard shows the last point of each series, so nothing
    /// is written twice and the step check sees no repeated points. Writes the experiment, the session start and the
    /// session end, and no scalars.
    /// </summary>
    /// <param name="hparams">Name → value (number, string or bool); at least one.</param>
    /// <param name="metrics">The metric series, each a tag in this session's run or in one of its child runs
    /// (<see cref="HParamsMetric.Group"/>, e.g. <c>validation</c>).</param>
    /// <param name="runName">Null: this writer's own run is the session. A name: the child run <c>{LogDirectory}/{runName}</c>.</param>
    /// <param name="domains">Optional name → allowed values, shown as the dashboard's filters.</param>
    /// <param name="step">The step of the events.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="status">How the trial ended.</param>
    /// <returns>False when the queue was full in <see cref="QueueFullMode.Drop"/> mode and an event was dropped.</returns>
    /// <exception cref="ArgumentException">An argument is empty or invalid; nothing is written then.</exception>
    public bool AddHParams(IReadOnlyDictionary<string, HParamValue> hparams, IEnumerable<HParamsMetric> metrics,
        string? runName = null, IReadOnlyDictionary<string, HParamDomain>? domains = null, long step = 0, DateTimeOffset? wallTime = null,
        Status status = Status.Success)
    {
        ValidateSessionStatus(status);
        var experiment = Summaries.HParamsExperiment(hparams, metrics, domains);
        return WriteHParams(experiment, hparams, runName, step, wallTime, status, metricValues: null);
    }

    private bool WriteHParams(Summary experiment, IReadOnlyDictionary<string, HParamValue> hparams, string? runName, long step,
        DateTimeOffset? wallTime, Status status, IReadOnlyDictionary<string, double>? metricValues)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Everything is built and checked before the first event is queued, so bad input writes nothing.
        var start = Summaries.HParamsSessionStart(hparams);
        var end = Summaries.HParamsSessionEnd(status);
        if (runName is not null)
        {
            ValidateChildRunName(runName);
        }
        RunFile target = runName is null ? _main : SubRun(runName);
        double wall = WallTimeOf(wallTime);
        bool accepted = target.WriteEvent(new Event { WallTime = wall, Step = step, Summary = experiment });
        accepted &= target.WriteEvent(new Event { WallTime = wall, Step = step, Summary = start });
        accepted &= target.WriteEvent(new Event { WallTime = wall, Step = step, Summary = end });
        if (metricValues is not null)
        {
            foreach (var (tag, value) in metricValues)
            {
                // A metric this run already logged at this step or later keeps its series: TensorBoard shows its last point.
                accepted &= target.EnqueueScalarUnlessLogged(tag, value, step, wall);
            }
        }
        return accepted;
    }

    private static void ValidateSessionStatus(Status status)
    {
        if (status == Status.Unknown || !Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A session ends as Success, Failure or Running.");
        }
    }

    private static void ValidateChildRunName(string runName)
    {
        if (string.IsNullOrWhiteSpace(runName) || runName.Trim() is "." or ".." || PathPolicy.Problem(runName) is not null || runName.AsSpan().IndexOfAny(['/', '\\', ':']) >= 0
            || runName.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{runName}' is not a single directory name.", nameof(runName));
        }
    }
}
