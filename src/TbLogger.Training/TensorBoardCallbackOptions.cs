namespace TbLogger.Training;

/// <summary>Settings of <see cref="TensorBoardCallback"/>; the defaults are Keras's.</summary>
public sealed record TensorBoardCallbackOptions
{
    /// <summary>When training values are written: per epoch (default), per batch, or every N batches (<c>batch_</c> tags).</summary>
    public UpdateFrequency UpdateFrequency { get; init; } = UpdateFrequency.Epoch;

    /// <summary>Epochs between weight histograms (<c>{parameter}/histogram</c> in the train run); 0 (default) for none. Needs <see cref="TrainingContext.Parameters"/>.</summary>
    public int HistogramFrequency { get; init; }

    /// <summary>Also write each weight as an image (<c>{parameter}/image</c>) when histograms are written, as Keras's <c>write_images</c>; values are min–max scaled to grey levels.</summary>
    public bool WriteImages { get; init; }

    /// <summary>Write <c>epoch_steps_per_second</c> (and <c>batch_steps_per_second</c> with batch updates), as Keras's <c>write_steps_per_second</c>.</summary>
    public bool WriteStepsPerSecond { get; init; }

    /// <summary>
    /// The optimizer's current learning rate, read at each epoch's end and written as <c>epoch_learning_rate</c> in the
    /// train run (Keras writes it from <c>model.optimizer</c>); null (default) for none.
    /// </summary>
    public Func<double>? LearningRate { get; init; }

    /// <summary>
    /// The run's hyperparameters (numbers, strings or bools) for TensorBoard's HPARAMS dashboard. When training ends they
    /// are written into the log directory's own run with the final epoch's values as the session's metrics
    /// (<c>hparams/&lt;log name&gt;</c>, e.g. <c>hparams/val_accuracy</c>). Null (default) for none.
    /// </summary>
    public IReadOnlyDictionary<string, HParamValue>? HParams { get; init; }

    /// <summary>
    /// Declares the HPARAMS dashboard's columns for this log directory: when training ends the callback writes the
    /// experiment into the log directory's run with <see cref="SummaryWriter.AddHParamsConfig"/> (before the session),
    /// so TensorBoard shows <see cref="HParams"/> and the declared metrics (by default the <c>hparams/*</c> final values)
    /// instead of every scalar series of the run. Needs <see cref="HParams"/>. TensorBoard uses the first experiment it
    /// finds under <c>--logdir</c>: for a sweep of several callbacks, declare once in the sweep's own directory with
    /// <see cref="SummaryWriter.AddHParamsConfig"/> and leave this null. Null (default): nothing declared, TensorBoard
    /// infers the experiment from every session.
    /// </summary>
    public HParamsDeclaration? HParamsDeclaration { get; init; }

    /// <summary>Source of per-epoch validation predictions for the performance figures (PR curves, confusion matrix, ROC); null for none.</summary>
    public IValidationPredictions? ValidationPredictions { get; init; }

    /// <summary>Class names for the figures (default "0", "1", …).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Epochs between performance figures (default 1: every epoch). The last epoch's figures are always written.</summary>
    public int FigureFrequency { get; init; } = 1;

    /// <summary>Thresholds of the PR curves (default 101, i.e. steps of 0.01).</summary>
    public int PrCurveThresholds { get; init; } = 101;

    /// <summary>Width and height in pixels of the confusion-matrix and ROC images.</summary>
    public int FigureSize { get; init; } = 640;

    /// <summary>Settings of the event-file writers (default: a flush every 5 s, a deep queue so the loop never waits for the disk).</summary>
    public SummaryWriterOptions? WriterOptions { get; init; }
}
