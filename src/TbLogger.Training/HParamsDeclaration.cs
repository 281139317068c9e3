namespace TbLogger.Training;

/// <summary>
/// The HPARAMS dashboard's columns for one run's log directory, declared by <see cref="TensorBoardCallback"/> like
/// TensorFlow's <c>hp.hparams_config</c> (see <see cref="TensorBoardCallbackOptions.HParamsDeclaration"/>).
/// </summary>
/// <remarks>
/// Without a declaration TensorBoard infers the experiment, and then every scalar series of the session's run and of its
/// <c>train</c> and <c>validation</c> runs (<c>batch_*</c>, <c>epoch_*</c>, <c>evaluation_*</c>) becomes a metric column.
/// </remarks>
public sealed record HParamsDeclaration
{
    /// <summary>
    /// Name → domain (the values or range a sweep tries), shown as the dashboard's filters. Each name is one of
    /// <see cref="TensorBoardCallbackOptions.HParams"/>; a hyperparameter without one is declared with the domain
    /// TensorBoard would infer from this run alone: its value (an interval [v, v] for a number). Null: all inferred so.
    /// </summary>
    public IReadOnlyDictionary<string, HParamDomain>? Domains { get; init; }

    /// <summary>
    /// The metric columns (a tag, and the child run holding it, e.g. <c>epoch_accuracy</c> in <c>validation</c>).
    /// Null (default): the final values the callback writes, <c>hparams/&lt;log name&gt;</c> in the log directory's run.
    /// </summary>
    public IReadOnlyList<HParamsMetric>? Metrics { get; init; }
}
