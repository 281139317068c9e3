namespace TbLogger.Training;

/// <summary>Whether <see cref="EarlyStopping"/> wants the monitored value to go down or up.</summary>
public enum EarlyStoppingMode
{
    /// <summary>Inferred from the name: losses and errors go down, accuracy-like metrics go up (Keras's <c>"auto"</c>).</summary>
    Auto,

    /// <summary>Lower is better.</summary>
    Min,

    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>
/// Asks the loop to stop when a monitored value has stopped improving (Keras's <c>EarlyStopping</c>): after each epoch
/// the value counts as an improvement when it beats the best so far by more than <see cref="MinDelta"/>; after
/// <see cref="Patience"/> epochs without one, <see cref="TrainingContext.StopTraining"/> is set.
/// </summary>
/// <remarks>
/// With <c>restoreBestWeights</c>, the parameters of the best epoch are copied from the context's
/// <see cref="TrainingContext.Parameters"/> (which must be an <see cref="IParameterStore"/>) and written back at the end
/// of training, or handed to <see cref="RestoreBestWeights"/> when the user sets that hook instead.
/// </remarks>
public sealed class EarlyStopping : Callback
{
    private static readonly string[] LowerIsBetter =
        ["loss", "error", "crossentropy", "hinge", "divergence", "poisson", "cosh", "mse", "mae", "mape", "msle", "false_positives", "false_negatives"];
    private static readonly string[] HigherIsBetter =
        ["acc", "auc", "precision", "recall", "f1", "fbeta", "iou", "r2", "true_positives", "true_negatives", "specificity", "sensitivity", "correlation"];

    private readonly TextWriter? _output;
    private bool _minimise;
    private bool _resolved;
    private double _signedDelta;
    private ParameterSnapshot? _bestWeights;
    private bool _warnedMissing;

    /// <summary>Creates the callback with Keras's defaults.</summary>
    /// <param name="monitor">The log name to watch (default <c>"val_loss"</c>).</param>
    /// <param name="minDelta">The smallest change that counts as an improvement (its absolute value is used).</param>
    /// <param name="patience">Epochs without improvement before stopping.</param>
    /// <param name="mode">Min, max, or auto from the name.</param>
    /// <param name="baseline">A value the monitor must beat; the wait is reset only by values that beat it.</param>
    /// <param name="restoreBestWeights">Restore the best epoch's parameters at the end of training.</param>
    /// <param name="startFromEpoch">Epochs to ignore at the start (warm-up).</param>
    /// <param name="verbose">Print "Epoch N: early stopping" and the restore message to <paramref name="output"/>.</param>
    /// <param name="output">Where messages go (default the console).</param>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, EarlyStoppingMode mode = EarlyStoppingMode.Auto,
                         double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0, bool verbose = false,
                         TextWriter? output = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(startFromEpoch);
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode));
        if (double.IsNaN(minDelta)) throw new ArgumentOutOfRangeException(nameof(minDelta), "minDelta must be a number.");
        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
        Patience = patience;
        Mode = mode;
        Baseline = baseline;
        RestoreBest = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
        Verbose = verbose;
        _output = output;
    }

    /// <summary>The log name watched.</summary>
    public string Monitor { get; }

    /// <summary>The minimum change counted as an improvement (non-negative).</summary>
    public double MinDelta { get; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>The direction setting.</summary>
    public EarlyStoppingMode Mode { get; }

    /// <summary>The baseline, or null.</summary>
    public double? Baseline { get; }

    /// <summary>Whether the best parameters are restored at the end.</summary>
    public bool RestoreBest { get; }

    /// <summary>Epochs ignored at the start.</summary>
    public int StartFromEpoch { get; }

    /// <summary>Whether messages are printed.</summary>
    public bool Verbose { get; }

    /// <summary>
    /// Optional restore-best hook: when set, called at the end of training with the best epoch instead of restoring from
    /// <see cref="TrainingContext.Parameters"/> (for models whose weights are not exposed as an <see cref="IParameterStore"/>;
    /// pair it with <see cref="BestEpochReached"/> to save them).
    /// </summary>
    public Action<int>? RestoreBestWeights { get; set; }

    /// <summary>Optional hook called whenever a new best epoch is recorded (e.g. to checkpoint the model).</summary>
    public Action<int, double>? BestEpochReached { get; set; }

    /// <summary>The best value seen (±infinity before any).</summary>
    public double Best { get; private set; }

    /// <summary>The epoch of <see cref="Best"/>.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The epoch at which training was asked to stop, or 0 when it was not.</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>Whether the monitored value is minimised (resolved at the first epoch in auto mode).</summary>
    public bool Minimises => _resolved ? _minimise : ResolveMinimise();

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double>? logs = null)
    {
        Wait = 0;
        StoppedEpoch = 0;
        BestEpoch = 0;
        _bestWeights = null;
        _resolved = false;
        _warnedMissing = false;
        if (RestoreBest && RestoreBestWeights is null && Context.Parameters is not IParameterStore)
            throw new InvalidOperationException(
                "EarlyStopping(restoreBestWeights: true) needs TrainingContext.Parameters to be an IParameterStore, or a RestoreBestWeights hook.");
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double>? logs = null)
    {
        if (!_resolved)
        {
            _minimise = ResolveMinimise();
            _signedDelta = _minimise ? -MinDelta : MinDelta;
            Best = _minimise ? double.PositiveInfinity : double.NegativeInfinity;
            _resolved = true;
        }
        logs ??= Logs.Empty;
        if (!logs.TryGetValue(Monitor, out double current))
        {
            if (!_warnedMissing)
            {
                (_output ?? Console.Error).WriteLine(
                    $"Early stopping conditioned on metric `{Monitor}` which is not available. Available metrics are: {string.Join(",", logs.Keys)}");
                _warnedMissing = true;
            }
            return;
        }
        if (epoch < StartFromEpoch) return;
        if (RestoreBest && _bestWeights is null && RestoreBestWeights is null && Context.Parameters is IParameterStore s0)
        {
            _bestWeights = ParameterSnapshot.Capture(s0);
            BestEpoch = epoch;
        }
        Wait++;
        if (IsImprovement(current, Best))
        {
            Best = current;
            BestEpoch = epoch;
            if (RestoreBest && RestoreBestWeights is null && Context.Parameters is IParameterStore s)
                _bestWeights = ParameterSnapshot.Capture(s);
            BestEpochReached?.Invoke(epoch, current);
            if (Baseline is null || IsImprovement(current, Baseline.Value)) Wait = 0;
            return;
        }
        if (Wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Context.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double>? logs = null)
    {
        var output = _output ?? (Verbose ? Console.Out : null);
        if (StoppedEpoch > 0 && Verbose) output!.WriteLine($"Epoch {StoppedEpoch + 1}: early stopping");
        if (!RestoreBest) return;
        if (RestoreBestWeights is not null)
        {
            if (Verbose) output!.WriteLine($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            RestoreBestWeights(BestEpoch);
        }
        else if (_bestWeights is not null && Context.Parameters is IParameterStore store)
        {
            if (Verbose) output!.WriteLine($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            _bestWeights.Restore(store);
        }
    }

    private bool IsImprovement(double value, double reference) =>
        _minimise ? value - _signedDelta < reference : value - _signedDelta > reference;

    private bool ResolveMinimise()
    {
        if (Mode == EarlyStoppingMode.Min) return true;
        if (Mode == EarlyStoppingMode.Max) return false;
        string name = Monitor.StartsWith(Logs.ValidationPrefix, StringComparison.Ordinal) ? Monitor[Logs.ValidationPrefix.Length..] : Monitor;
        name = name.ToLowerInvariant();
        // A loss or error is minimised whatever metric its name mentions ("iou_loss", "f1_loss", "layer2_loss");
        // the substring lists below would otherwise match "iou", "f1" or "r2" first and maximise it.
        if (name.EndsWith("loss", StringComparison.Ordinal) || name.EndsWith("error", StringComparison.Ordinal)) return true;
        foreach (var s in HigherIsBetter)
            if (name.Contains(s, StringComparison.Ordinal)) return false;
        foreach (var s in LowerIsBetter)
            if (name.Contains(s, StringComparison.Ordinal)) return true;
        throw new InvalidOperationException(
            $"EarlyStopping received monitor={Monitor} but cannot determine whether that metric should be maximized or minimized. " +
            "Pass mode: EarlyStoppingMode.Max to stop on the highest value, or EarlyStoppingMode.Min for the lowest.");
    }
}
