namespace TbLogger.Reading;

/// <summary>A hyperparameter of an hparams experiment (declared in its summary, or inferred from the sessions).</summary>
/// <param name="Name">The hyperparameter's name.</param>
/// <param name="Type">"DATA_TYPE_FLOAT64", "DATA_TYPE_STRING", "DATA_TYPE_BOOL" or "DATA_TYPE_UNSET".</param>
/// <param name="DisplayName">Display name, or empty.</param>
public sealed record HParamInfo(string Name, string Type, string DisplayName)
{
    /// <summary>
    /// The domain TensorBoard shows as the filter: as declared, or when inferred every string or bool value seen (in
    /// the order first seen) or the interval [min, max] of the numbers seen; null when none is declared or it cannot
    /// be represented (mixed kinds, non-finite bounds).
    /// </summary>
    public HParamDomain? Domain { get; init; }

    /// <summary>Whether the sessions hold more than one value (set for an inferred experiment only).</summary>
    public bool Differs { get; init; }
}

/// <summary>A metric declared by an hparams experiment.</summary>
/// <param name="Tag">The scalar tag.</param>
/// <param name="Group">The run sub-path the metric is logged in, or empty for the session's own run.</param>
/// <param name="DisplayName">Display name, or empty.</param>
public sealed record HParamsMetricInfo(string Tag, string Group, string DisplayName);

/// <summary>
/// The hparams experiment: what the hyperparameters and metrics are. TensorBoard uses the first experiment summary it
/// finds; without one, it infers the experiment from every session (<see cref="IsInferred"/>).
/// </summary>
/// <param name="Run">The run that holds the experiment summary; empty for an inferred experiment.</param>
/// <param name="HParams">The hyperparameters, sorted by name.</param>
/// <param name="Metrics">The metrics (inferred: every scalar series of a session's run or a run below it, by tag then group).</param>
public sealed record HParamsExperiment(string Run, IReadOnlyList<HParamInfo> HParams, IReadOnlyList<HParamsMetricInfo> Metrics)
{
    /// <summary>True when no run holds an experiment summary and this is what TensorBoard infers from the sessions.</summary>
    public bool IsInferred { get; init; }
}

/// <summary>
/// One hparams session (a run with <c>_hparams_/session_start_info</c>): its hyperparameter values, status and the
/// last value of each metric scalar found in the run (or its group sub-run).
/// </summary>
/// <param name="Run">The session's run.</param>
/// <param name="GroupName">The session group, or empty (TensorBoard then groups by run).</param>
/// <param name="HParams">Values: double, string or bool (null for a null value).</param>
/// <param name="Status">"STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING", "STATUS_UNKNOWN", or null before the session ended.</param>
/// <param name="StartTimeSecs">start_time_secs (0 when not set, as PyTorch leaves it).</param>
/// <param name="EndTimeSecs">end_time_secs, or 0.</param>
/// <param name="Metrics">
/// Metric tag → last (step, value). A tag logged both in the session's run and in a group run (Keras's
/// <c>epoch_accuracy</c> in <c>train</c> and <c>validation</c>) is keyed once: the session's run first, then groups by
/// name; <see cref="MetricValues"/> holds each.
/// </param>
public sealed record HParamsSession(string Run, string GroupName, IReadOnlyDictionary<string, object?> HParams, string? Status,
    double StartTimeSecs, double EndTimeSecs, IReadOnlyDictionary<string, (long Step, double Value)> Metrics)
{
    /// <summary>Each metric's last point, by (tag, group) in the experiment's metric order, as TensorBoard lists them.</summary>
    public IReadOnlyList<HParamsMetricValue> MetricValues { get; init; } = [];
}

/// <summary>The last point of one hparams metric series in a session.</summary>
/// <param name="Tag">The scalar tag.</param>
/// <param name="Group">The run below the session's run that holds it, or empty for the session's run.</param>
/// <param name="Step">The step of the last point.</param>
/// <param name="Value">Its value.</param>
public sealed record HParamsMetricValue(string Tag, string Group, long Step, double Value);
