using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.HParams;

namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Logs one trial for the HPARAMS dashboard, like PyTorch's <c>add_hparams</c>: the session start (the values) and
    /// the session end (its status), then each metric as a scalar at <paramref name="step"/>, except a metric tag the
    /// target run already logged at a step &gt;= <paramref name="step"/>: that series stays as logged (no repeated point,
    /// no step warning) and the dashboard shows its last point. The run becomes one session row with these metrics.
    /// </summary>
    /// <remarks>
    /// Without <paramref name="domains"/> no experiment summary is written, so TensorBoard builds the experiment from
    /// every trial it finds: each hyperparameter of any session, its type, and as its domain every string or bool value
    /// seen or the interval of the numbers seen; as metrics, every scalar tag of the sessions' runs and their child runs.
    /// (TensorBoard uses the first experiment summary it finds for all trials and keeps a tag's first metadata, so one
    /// written per trial would hide every later trial's values and new hyperparameters, as PyTorch's does.) With
    /// <paramref name="domains"/> the experiment is written: it then declares the columns for every trial — this call's
    /// hyperparameters with the given domains and exactly these metrics.
    /// </remarks>
    /// <param name="hparams">Name → value (number, string or bool); at least one.</param>
    /// <param name="metrics">Metric tag → value, logged as scalars unless the run already holds the tag at this step or later; may be empty.</param>
    /// <param name="runName">
    /// Null: write into this writer's own run. A name: write into the child run <c>{LogDirectory}/{runName}</c>, as PyTorch
    /// does (one child per trial keeps trials of one writer apart); a single directory name without separators.
    /// </param>
    /// <param name="domains">Optional name → allowed values, shown as the dashboard's filters; given, the experiment
    /// summary is written and wins over what TensorBoard would infer from the trials.</param>
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
        // Built (and so checked) even when it is not written: bad input writes nothing either way.
        var experiment = Summaries.HParamsExperiment(hparams, metrics.Keys, domains);
        return WriteHParams(domains is null ? null : experiment, hparams, runName, step, wallTime, status, metrics);
    }

    /// <summary>
    /// Logs one trial for the HPARAMS dashboard whose metrics are scalar series already logged (or still to be logged)
    /// elsewhere, the way Keras's hparams callback does: TensorBoard shows the last point of each series, so nothing
    /// is written twice and the step check sees no repeated points. Writes the session start and the session end, and
    /// no scalars; with <paramref name="domains"/> also the experiment, whose metric columns are then exactly
    /// <paramref name="metrics"/> (without, TensorBoard lists every scalar series of the sessions' runs and child runs,
    /// these included: see the other overload).
    /// </summary>
    /// <param name="hparams">Name → value (number, string or bool); at least one.</param>
    /// <param name="metrics">The metric series, each a tag in this session's run or in one of its child runs
    /// (<see cref="HParamsMetric.Group"/>, e.g. <c>validation</c>).</param>
    /// <param name="runName">Null: this writer's own run is the session. A name: the child run <c>{LogDirectory}/{runName}</c>.</param>
    /// <param name="domains">Optional name → allowed values, shown as the dashboard's filters; given, the experiment
    /// summary is written.</param>
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
        return WriteHParams(domains is null ? null : experiment, hparams, runName, step, wallTime, status, metricValues: null);
    }

    /// <summary>
    /// Declares a sweep's hyperparameters and metrics once, like TensorFlow's <c>hp.hparams_config</c>: writes the
    /// experiment summary into this writer's own run (the sweep's root), and TensorBoard shows these columns, filters
    /// and metrics for every session in the log directory — trials then call <see cref="AddHParams(IReadOnlyDictionary{string, HParamValue}, IReadOnlyDictionary{string, double}, string?, IReadOnlyDictionary{string, HParamDomain}?, long, DateTimeOffset?, Status)"/>
    /// without domains. TensorBoard uses the first experiment summary it finds, so write one per log directory.
    /// </summary>
    /// <param name="domains">Name → domain of every hyperparameter of the sweep (an interval declares a number).</param>
    /// <param name="metrics">The metric columns; a group names the child run of each session that holds the series.</param>
    /// <param name="step">The step of the event.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False when the queue was full in <see cref="QueueFullMode.Drop"/> mode and the event was dropped.</returns>
    /// <exception cref="ArgumentException">An argument is empty or invalid; nothing is written then.</exception>
    public bool AddHParamsConfig(IReadOnlyDictionary<string, HParamDomain> domains, IEnumerable<HParamsMetric> metrics, long step = 0, DateTimeOffset? wallTime = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var experiment = Summaries.HParamsConfig(domains, metrics);
        return _main.WriteEvent(new Event { WallTime = WallTimeOf(wallTime), Step = step, Summary = experiment });
    }

    private bool WriteHParams(Summary? experiment, IReadOnlyDictionary<string, HParamValue> hparams, string? runName, long step,
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
        bool accepted = experiment is null || target.WriteEvent(new Event { WallTime = wall, Step = step, Summary = experiment });
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
        PathPolicy.ThrowIfSegmentTooLong(runName, "The run name", nameof(runName));
    }
}
