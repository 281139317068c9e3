using System.Collections;

namespace TbLogger.Training;

/// <summary>
/// Fans every hook out to several callbacks in order, sharing one <see cref="TrainingContext"/> (Keras's
/// <c>CallbackList</c>). Disposing it disposes the callbacks that are disposable (e.g. <see cref="TensorBoardCallback"/>),
/// so <c>using var callbacks = ...</c> closes event files even when the loop throws.
/// </summary>
/// <example>
/// <code>
/// using var callbacks = new CallbackList([new TensorBoardCallback("runs/mlp"), history, new ProgressBar()],
///                                        new TrainingContext { Epochs = 20, StepsPerEpoch = batches });
/// callbacks.OnTrainBegin();
/// for (int epoch = 0; epoch &lt; 20 &amp;&amp; !callbacks.StopTraining; epoch++) { ... callbacks.OnEpochEnd(epoch, logs); }
/// callbacks.OnTrainEnd(lastLogs);
/// </code>
/// </example>
public sealed class CallbackList : Callback, IReadOnlyList<Callback>, IDisposable
{
    private readonly List<Callback> _callbacks = [];

    /// <summary>Creates the list and attaches every callback to <paramref name="context"/> (a new one when null).</summary>
    /// <param name="callbacks">The callbacks, called in this order.</param>
    /// <param name="context">The run's shared state.</param>
    public CallbackList(IEnumerable<Callback>? callbacks = null, TrainingContext? context = null)
    {
        SetContext(context ?? new TrainingContext());
        if (callbacks is not null)
            foreach (var c in callbacks) Add(c);
    }

    /// <summary>True when a callback asked the loop to stop (<see cref="TrainingContext.StopTraining"/>).</summary>
    public bool StopTraining => Context.StopTraining;

    /// <inheritdoc/>
    public int Count => _callbacks.Count;

    /// <inheritdoc/>
    public Callback this[int index] => _callbacks[index];

    /// <summary>Adds a callback and attaches it to this list's context.</summary>
    /// <param name="callback">The callback.</param>
    public void Add(Callback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (ReferenceEquals(callback, this)) throw new ArgumentException("A CallbackList cannot contain itself.", nameof(callback));
        callback.SetContext(Context);
        _callbacks.Add(callback);
    }

    /// <summary>The first callback of type <typeparamref name="T"/>, or null.</summary>
    /// <typeparam name="T">The callback type.</typeparam>
    /// <returns>The callback or null.</returns>
    public T? Find<T>() where T : Callback => _callbacks.OfType<T>().FirstOrDefault();

    /// <inheritdoc/>
    public override void SetContext(TrainingContext context)
    {
        base.SetContext(context);
        foreach (var c in _callbacks) c.SetContext(context);
    }

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double>? logs = null)
    {
        Context.StopTraining = false;
        Context.IsTraining = true;
        foreach (var c in _callbacks) c.OnTrainBegin(logs);
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double>? logs = null)
    {
        try
        {
            foreach (var c in _callbacks) c.OnTrainEnd(logs);
        }
        finally
        {
            Context.IsTraining = false;
        }
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnEpochBegin(epoch, logs);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnEpochEnd(epoch, logs);
    }

    /// <inheritdoc/>
    public override void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnTrainBatchBegin(batch, logs);
    }

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnTrainBatchEnd(batch, logs);
    }

    /// <inheritdoc/>
    public override void OnTestBegin(IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnTestBegin(logs);
    }

    /// <inheritdoc/>
    public override void OnTestEnd(IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnTestEnd(logs);
    }

    /// <inheritdoc/>
    public override void OnTestBatchBegin(int batch, IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnTestBatchBegin(batch, logs);
    }

    /// <inheritdoc/>
    public override void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnTestBatchEnd(batch, logs);
    }

    /// <inheritdoc/>
    public override void OnPredictBegin(IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnPredictBegin(logs);
    }

    /// <inheritdoc/>
    public override void OnPredictEnd(IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnPredictEnd(logs);
    }

    /// <inheritdoc/>
    public override void OnPredictBatchBegin(int batch, IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnPredictBatchBegin(batch, logs);
    }

    /// <inheritdoc/>
    public override void OnPredictBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null)
    {
        foreach (var c in _callbacks) c.OnPredictBatchEnd(batch, logs);
    }

    /// <summary>Disposes every disposable callback (each once, in reverse order; an exception is rethrown after all ran).</summary>
    public void Dispose()
    {
        List<Exception>? errors = null;
        for (int i = _callbacks.Count - 1; i >= 0; i--)
        {
            if (_callbacks[i] is not IDisposable d) continue;
            try { d.Dispose(); }
            catch (Exception e) { (errors ??= []).Add(e); }
        }
        if (errors is { Count: 1 }) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(errors[0]).Throw();
        if (errors is not null) throw new AggregateException(errors);
    }

    /// <inheritdoc/>
    public IEnumerator<Callback> GetEnumerator() => _callbacks.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
