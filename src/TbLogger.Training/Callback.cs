namespace TbLogger.Training;

/// <summary>
/// A training callback with Keras's hooks (<c>keras.callbacks.Callback</c>). The user's training loop calls the hooks,
/// usually through a <see cref="CallbackList"/>; nothing in this library owns the loop. Every hook does nothing by
/// default; override the ones you need.
/// </summary>
/// <remarks>
/// <para><c>logs</c> is a read-only name → value dictionary, null meaning none. As in Keras:
/// <see cref="OnEpochEnd"/> receives the epoch's training values (<c>loss</c>, <c>accuracy</c>, …) and the validation
/// values prefixed <c>val_</c>; <see cref="OnTrainBatchEnd"/> the running values of the epoch so far;
/// <see cref="OnTestEnd"/> the evaluation's values without a prefix. Epochs and batches count from 0.</para>
/// <para>A callback must not keep <c>logs</c> after the hook returns (the loop may reuse the dictionary); copy what it needs.</para>
/// </remarks>
public abstract class Callback
{
    private TrainingContext _context = new();

    /// <summary>The run's shared state (epochs, steps, parameters, stop flag). A <see cref="CallbackList"/> sets it.</summary>
    public TrainingContext Context => _context;

    /// <summary>Attaches the callback to a run's context (Keras's <c>set_params</c>/<c>set_model</c>).</summary>
    /// <param name="context">The context.</param>
    public virtual void SetContext(TrainingContext context) => _context = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>Called once at the start of training.</summary>
    /// <param name="logs">Usually none.</param>
    public virtual void OnTrainBegin(IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called once at the end of training.</summary>
    /// <param name="logs">Usually the last epoch's logs.</param>
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called at the start of an epoch.</summary>
    /// <param name="epoch">The epoch index, from 0.</param>
    /// <param name="logs">Usually none.</param>
    public virtual void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called at the end of an epoch, after validation.</summary>
    /// <param name="epoch">The epoch index, from 0.</param>
    /// <param name="logs">The epoch's training values and <c>val_</c>-prefixed validation values.</param>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called before a training batch.</summary>
    /// <param name="batch">The batch index within the epoch, from 0.</param>
    /// <param name="logs">Usually none.</param>
    public virtual void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called after a training batch.</summary>
    /// <param name="batch">The batch index within the epoch, from 0.</param>
    /// <param name="logs">The running (epoch-to-date) values, e.g. <c>loss</c> and metrics.</param>
    public virtual void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called at the start of an evaluation (validation inside training, or a standalone evaluation).</summary>
    /// <param name="logs">Usually none.</param>
    public virtual void OnTestBegin(IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called at the end of an evaluation.</summary>
    /// <param name="logs">The evaluation's values, without a <c>val_</c> prefix.</param>
    public virtual void OnTestEnd(IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called before an evaluation batch.</summary>
    /// <param name="batch">The batch index, from 0.</param>
    /// <param name="logs">Usually none.</param>
    public virtual void OnTestBatchBegin(int batch, IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called after an evaluation batch.</summary>
    /// <param name="batch">The batch index, from 0.</param>
    /// <param name="logs">The running values of the evaluation.</param>
    public virtual void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called at the start of prediction.</summary>
    /// <param name="logs">Usually none.</param>
    public virtual void OnPredictBegin(IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called at the end of prediction.</summary>
    /// <param name="logs">Usually none.</param>
    public virtual void OnPredictEnd(IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called before a prediction batch.</summary>
    /// <param name="batch">The batch index, from 0.</param>
    /// <param name="logs">Usually none.</param>
    public virtual void OnPredictBatchBegin(int batch, IReadOnlyDictionary<string, double>? logs = null) { }

    /// <summary>Called after a prediction batch.</summary>
    /// <param name="batch">The batch index, from 0.</param>
    /// <param name="logs">Usually none.</param>
    public virtual void OnPredictBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null) { }
}
