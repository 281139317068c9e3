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
