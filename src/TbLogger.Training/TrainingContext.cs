namespace TbLogger.Training;

/// <summary>
/// What the callbacks of one training run share: Keras's <c>callback.params</c> (epochs, steps) and
/// <c>model.stop_training</c>, plus the model's parameters when the user exposes them. The user's loop owns it and
/// checks <see cref="StopTraining"/> after each epoch.
/// </summary>
public sealed class TrainingContext
{
    /// <summary>The number of epochs the loop intends to run, if known (progress bar, figures).</summary>
    public int? Epochs { get; set; }

    /// <summary>Training batches per epoch, if known (progress bar target and ETA).</summary>
    public int? StepsPerEpoch { get; set; }

    /// <summary>Batches of a standalone evaluation or prediction, if known (the progress bar's target there).</summary>
    public int? EvaluationSteps { get; set; }

    /// <summary>
    /// The names of the values the loop reports at each epoch's end, including the <c>val_</c> ones when it validates, as
    /// Keras's <c>model.metrics_names</c>; null (default) when not declared. Declaring them lets <see cref="CsvLogger"/>
    /// give the validation values their columns even when validation runs only every few epochs and the first epoch has none.
    /// </summary>
    public IReadOnlyList<string>? MetricNames { get; set; }

    /// <summary>The model's parameters, for weight histograms/images and <see cref="EarlyStopping"/>'s restore-best; null when not exposed.</summary>
    public IParameterSource? Parameters { get; set; }

    /// <summary>
    /// Set by a callback (e.g. <see cref="EarlyStopping"/>) to ask the loop to stop after the current epoch, as Keras's
    /// <c>model.stop_training</c>. The loop reads it; nothing here ends the loop by itself.
    /// </summary>
    public bool StopTraining { get; set; }

    /// <summary>True between <see cref="Callback.OnTrainBegin"/> and <see cref="Callback.OnTrainEnd"/> as fanned out by a <see cref="CallbackList"/>.</summary>
    public bool IsTraining { get; internal set; }
}
