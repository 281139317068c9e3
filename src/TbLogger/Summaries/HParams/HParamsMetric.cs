namespace TbLogger;

/// <summary>
/// A metric column of the HPARAMS dashboard that refers to a scalar series logged elsewhere: TensorBoard shows the
/// last point of the series <see cref="Tag"/> in the session's run, or in its child run <see cref="Group"/> (Keras's
/// <c>hp.Metric("epoch_accuracy", group="validation")</c>). Nothing is written for it, so nothing is duplicated.
/// </summary>
/// <param name="Tag">The scalar tag, e.g. <c>epoch_accuracy</c>.</param>
/// <param name="Group">
/// The child run that holds the series, relative to the session's run (e.g. <c>validation</c>); null or empty: the
/// session's run itself.
/// </param>
public readonly record struct HParamsMetric(string Tag, string? Group = null);
