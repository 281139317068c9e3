using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.HParams;

namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Logs one trial for the HPARAMS dashboard, like PyTorch's <c>add_hparams</c>: the experiment (hyperparameter
    /// and metric infos), the session start (the values) and the session end (its status), then each metric as a scalar
    /// at <paramref name="step"/>. The run becomes one session row with these metrics.
    /// </summary>
    /// <param name="hparams">Name → value (number, string or bool); at least one.</param>
    /// <param name="metrics">Metric tag → value, also logged as scalars; may be empty.</param>
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
        if (status == Status.Unknown || !Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A session ends as Success, Failure or Running.");
        }
        ArgumentNullException.ThrowIfNull(metrics);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Everything is built and checked before the first event is queued, so bad input writes nothing.
        var experiment = Summaries.HParamsExperiment(hparams, metrics.Keys, domains);
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
        foreach (var (tag, value) in metrics)
        {
            accepted &= target.EnqueueScalar(tag, value, step, wall);
        }
        return accepted;
    }

    private static void ValidateChildRunName(string runName)
    {
        if (string.IsNullOrWhiteSpace(runName) || runName.Trim() is "." or ".." || runName.AsSpan().IndexOfAny(['/', '\\', ':']) >= 0
            || runName.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{runName}' is not a single directory name.", nameof(runName));
        }
    }
}
