namespace TbLogger.Reading;

/// <summary>A hyperparameter declared by an hparams experiment.</summary>
/// <param name="Name">The hyperparameter's name.</param>
/// <param name="Type">"DATA_TYPE_FLOAT64", "DATA_TYPE_STRING", "DATA_TYPE_BOOL" or "DATA_TYPE_UNSET".</param>
/// <param name="DisplayName">Display name, or empty.</param>
public sealed record HParamInfo(string Name, string Type, string DisplayName);

/// <summary>A metric declared by an hparams experiment.</summary>
/// <param name="Tag">The scalar tag.</param>
/// <param name="Group">The run sub-path the metric is logged in, or empty for the session's own run.</param>
/// <param name="DisplayName">Display name, or empty.</param>
public sealed record HParamsMetricInfo(string Tag, string Group, string DisplayName);

/// <summary>The hparams experiment: what the hyperparameters and metrics are.</summary>
/// <param name="Run">The run that holds the experiment summary.</param>
/// <param name="HParams">The hyperparameters, sorted by name as TensorBoard serves them.</param>
/// <param name="Metrics">The metrics.</param>
public sealed record HParamsExperiment(string Run, IReadOnlyList<HParamInfo> HParams, IReadOnlyList<HParamsMetricInfo> Metrics);

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
/// <param name="Metrics">Metric tag → last (step, value).</param>
public sealed record HParamsSession(string Run, string GroupName, IReadOnlyDictionary<string, object?> HParams, string? Status,
    double StartTimeSecs, double EndTimeSecs, IReadOnlyDictionary<string, (long Step, double Value)> Metrics);
