using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace TbLogger.Training;

/// <summary>
/// Logs a training run to TensorBoard the way Keras's <c>TensorBoard</c> callback does: runs <c>train</c> and
/// <c>validation</c> under the log directory; <c>epoch_&lt;name&gt;</c> per epoch (validation values from the
/// <c>val_</c>-prefixed logs, without the prefix); <c>batch_&lt;name&gt;</c> at the global batch count with batch
/// updates; <c>evaluation_&lt;name&gt;_vs_iterations</c> in the validation run after each evaluation during training; weight histograms
/// and images; and the run's hyperparameters. Beyond Keras: with validation predictions, per-class PR curves, a
/// confusion-matrix image and a ROC image per epoch.
/// </summary>
/// <remarks>
/// Every write only enqueues: encoding and disk work happen on the writers' threads, and figures are drawn on a
/// background task, so the loop never waits for the disk. Writers are closed (flushed) when training ends or the
/// callback is disposed.
/// </remarks>
public sealed class TensorBoardCallback : Callback, IDisposable
{
    /// <summary>The name of the training run directory.</summary>
    public const string TrainRun = "train";

    /// <summary>The name of the validation run directory.</summary>
    public const string ValidationRun = "validation";

    /// <summary>The tag prefix of the final values written with the hyperparameters (<c>hparams/val_accuracy</c>).</summary>
    public const string HParamsMetricPrefix = "hparams/";

    private readonly Dictionary<string, string> _batchTags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _epochTags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _evaluationTags = new(StringComparer.Ordinal);
    private readonly SummaryWriterOptions _writerOptions;
    private readonly Dictionary<string, HParamDomain>? _hparamDomains;
    private SummaryWriter? _train, _validation, _root;
    private long _globalTrainBatch;
    private long _epochStartBatch;
    private long _batchStart;
    private long _epochStart;
    private int _lastEpoch = -1;
    private bool _training;
    private IReadOnlyDictionary<string, double>? _lastEpochLogs;
    private Task _figures = Task.CompletedTask;
    private readonly object _figureLock = new();

    /// <summary>Creates the callback.</summary>
    /// <param name="logDirectory">The run's directory; <c>train</c> and <c>validation</c> are created under it.</param>
    /// <param name="options">Settings; null for Keras's defaults.</param>
    public TensorBoardCallback(string logDirectory, TensorBoardCallbackOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        Options = options ?? new TensorBoardCallbackOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(Options.HistogramFrequency, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.FigureFrequency, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.PrCurveThresholds, 2, nameof(options));
        _hparamDomains = Options.HParamsDeclaration is { } declaration ? DeclaredDomains(Options.HParams, declaration) : null;
        LogDirectory = logDirectory;
        _writerOptions = Options.WriterOptions ?? new SummaryWriterOptions
        {
            FlushInterval = TimeSpan.FromSeconds(5),
            MaxQueueEvents = 1 << 16,
        };
    }

    /// <summary>The log directory.</summary>
    public string LogDirectory { get; }

    /// <summary>The settings.</summary>
    public TensorBoardCallbackOptions Options { get; }

    /// <summary>The global number of training batches so far (the step of <c>batch_</c> and <c>evaluation_</c> values).</summary>
    public long GlobalTrainBatch => _globalTrainBatch;

    /// <summary>The writer of the <c>train</c> run (opened on first use), for anything else the user wants next to the callback's values.</summary>
    public SummaryWriter TrainWriter => _train ??= Open(Path.Combine(LogDirectory, TrainRun));

    /// <summary>The writer of the <c>validation</c> run (opened on first use).</summary>
    public SummaryWriter ValidationWriter => _validation ??= Open(Path.Combine(LogDirectory, ValidationRun));

    /// <summary>The writer of the log directory itself (hyperparameters; opened on first use).</summary>
    public SummaryWriter RootWriter => _root ??= Open(LogDirectory);

    /// <summary>
    /// Called at the end of each epoch, after the callback's own values, with this callback and the epoch: the place to
    /// write more summaries (images, embeddings, text) into <see cref="TrainWriter"/> or <see cref="ValidationWriter"/>.
    /// </summary>
    public event Action<TensorBoardCallback, int>? EpochWritten;

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double>? logs = null)
    {
        _globalTrainBatch = 0;
        _epochStartBatch = 0;
        _lastEpoch = -1;
        _lastEpochLogs = null;
        _training = true;
        _ = TrainWriter;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double>? logs = null)
    {
        _epochStartBatch = _globalTrainBatch;
        _epochStart = Stopwatch.GetTimestamp();
    }

    /// <inheritdoc/>
    public override void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double>? logs = null)
    {
        if (Options.WriteStepsPerSecond) _batchStart = Stopwatch.GetTimestamp();
    }

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null)
    {
        long step = ++_globalTrainBatch;
        int every = Options.UpdateFrequency.Batches;
        if (every == 0 || step % every != 0) return;
        var writer = TrainWriter;
        if (Options.WriteStepsPerSecond && _batchStart != 0)
        {
            double seconds = Stopwatch.GetElapsedTime(_batchStart).TotalSeconds;
            writer.AddScalar("batch_steps_per_second", seconds > 0 ? 1.0 / seconds : 0.0, step);
        }
        if (logs is Dictionary<string, double> dictionary)
        {
            foreach (var (name, value) in dictionary) writer.AddScalar(Tag(_batchTags, "batch_", name, ""), value, step); // no boxed enumerator
        }
        else if (logs is not null)
        {
            foreach (var (name, value) in logs) writer.AddScalar(Tag(_batchTags, "batch_", name, ""), value, step);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// As Keras, which writes these values at the optimizer's iteration count, <c>evaluation_&lt;name&gt;_vs_iterations</c>
    /// is written only for an evaluation inside training (between <see cref="OnTrainBegin"/> and
    /// <see cref="OnTrainEnd"/>). A standalone evaluation writes nothing and opens no event file, before or after training.
    /// </remarks>
    public override void OnTestEnd(IReadOnlyDictionary<string, double>? logs = null)
    {
        if (!_training || logs is null || logs.Count == 0) return;
        var writer = ValidationWriter;
        foreach (var (name, value) in logs)
            writer.AddScalar(Tag(_evaluationTags, "evaluation_", name, "_vs_iterations"), value, _globalTrainBatch);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double>? logs = null)
    {
        ThrowIfFiguresFailed();
        _lastEpoch = epoch;
        _lastEpochLogs = Logs.Copy(logs);
        if (logs is { Count: > 0 } || Options.WriteStepsPerSecond || Options.LearningRate is not null)
        {
            var train = TrainWriter;
            SummaryWriter? validation = null;
            foreach (var (name, value) in logs ?? Logs.Empty)
            {
                if (name.StartsWith(Logs.ValidationPrefix, StringComparison.Ordinal))
                {
                    validation ??= ValidationWriter;
                    validation.AddScalar(Tag(_epochTags, "epoch_", name[Logs.ValidationPrefix.Length..], ""), value, epoch);
                }
                else
                {
                    train.AddScalar(Tag(_epochTags, "epoch_", name, ""), value, epoch);
                }
            }
            if (Options.LearningRate is { } learningRate) train.AddScalar("epoch_learning_rate", learningRate(), epoch);
            if (Options.WriteStepsPerSecond && _epochStart != 0)
            {
                double seconds = Stopwatch.GetElapsedTime(_epochStart).TotalSeconds;
                train.AddScalar("epoch_steps_per_second", seconds > 0 ? (_globalTrainBatch - _epochStartBatch) / seconds : 0.0, epoch);
            }
        }
        if (Options.HistogramFrequency > 0 && epoch % Options.HistogramFrequency == 0) LogWeights(epoch);
        if (Options.ValidationPredictions is { } source && ShouldDrawFigures(epoch))
        {
            var predictions = source.GetValidationPredictions(epoch);
            if (predictions is not null) QueueFigures(predictions, epoch);
        }
        EpochWritten?.Invoke(this, epoch);
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double>? logs = null)
    {
        _training = false;
        if (Options.ValidationPredictions is { } source && _lastEpoch >= 0 && !ShouldDrawFigures(_lastEpoch))
        {
            var predictions = source.GetValidationPredictions(_lastEpoch);
            if (predictions is not null) QueueFigures(predictions, _lastEpoch);
        }
        WaitForFigures();
        if (Options.HParams is { Count: > 0 } hp)
        {
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, value) in _lastEpochLogs ?? Logs.Copy(logs)) metrics[HParamsMetricPrefix + name] = value;
            long step = Math.Max(0, _lastEpoch);
            if (_hparamDomains is not null)
            {
                var declared = Options.HParamsDeclaration!.Metrics ?? metrics.Keys.Select(tag => new HParamsMetric(tag)).ToList();
                RootWriter.AddHParamsConfig(_hparamDomains, declared, step);
            }
            RootWriter.AddHParams(hp, metrics, step: step);
        }
        CloseWriters();
    }

    // Checked when the callback is made, so a bad declaration fails before training rather than after it.
    private static Dictionary<string, HParamDomain> DeclaredDomains(IReadOnlyDictionary<string, HParamValue>? hparams, HParamsDeclaration declaration)
    {
        if (hparams is not { Count: > 0 })
        {
            throw new ArgumentException("HParamsDeclaration declares the HParams of the run: set HParams too.", "options");
        }
        // Checks each declared domain against its hyperparameter (a name of HParams, the same kind of value).
        _ = Summaries.HParamsExperiment(hparams, Array.Empty<string>(), declaration.Domains);
        var domains = new Dictionary<string, HParamDomain>(StringComparer.Ordinal);
        foreach (var (name, value) in hparams)
        {
            // Undeclared: what TensorBoard infers from this run alone, the value itself.
            domains[name] = declaration.Domains?.GetValueOrDefault(name)
                ?? (value.Kind == HParamKind.Number ? HParamDomain.Interval(value.Number, value.Number) : HParamDomain.Discrete(value));
        }
        if (declaration.Metrics is { } metrics) _ = Summaries.HParamsConfig(domains, metrics);
        return domains;
    }

    /// <summary>Blocks until every queued figure is drawn and handed to the writers (rethrowing a drawing error).</summary>
    public void WaitForFigures()
    {
        Task t;
        lock (_figureLock) t = _figures;
        try
        {
            t.GetAwaiter().GetResult();
        }
        finally
        {
            lock (_figureLock)
                if (ReferenceEquals(_figures, t)) _figures = Task.CompletedTask;
        }
    }

    /// <summary>Waits for figures and closes every writer (flushing them).</summary>
    public void Dispose()
    {
        try
        {
            WaitForFigures();
        }
        finally
        {
            CloseWriters();
        }
    }

    private bool ShouldDrawFigures(int epoch) => epoch % Options.FigureFrequency == 0;

    private void ThrowIfFiguresFailed()
    {
        Task t;
        lock (_figureLock) t = _figures;
        if (t.IsFaulted)
        {
            lock (_figureLock) _figures = Task.CompletedTask;
            ExceptionDispatchInfo.Capture(t.Exception!.InnerException ?? t.Exception).Throw();
        }
    }

    private void QueueFigures(ValidationPredictions predictions, int epoch)
    {
        // Copy now: the loop may overwrite its arrays while the figures are drawn on the background task. The copy is
        // validated here, on the caller's thread, so bad values (NaN written after construction) fail this epoch's call.
        var snapshot = new ValidationPredictions((int[])predictions.Labels.Clone(), (float[])predictions.Probabilities.Clone(), predictions.NumClasses);
        var writer = ValidationWriter;
        var names = Options.ClassNames;
        int thresholds = Options.PrCurveThresholds, size = Options.FigureSize;
        lock (_figureLock)
            _figures = _figures.ContinueWith(
                prev =>
                {
                    prev.GetAwaiter().GetResult();
                    Figures.PerformanceFigures.Write(writer, snapshot, names, epoch, thresholds, size);
                },
                CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void LogWeights(int epoch)
    {
        if (Context.Parameters is not { } parameters) return;
        var writer = TrainWriter;
        foreach (var name in parameters.ParameterNames)
        {
            string tagBase = name.Replace(':', '_');
            var values = parameters.GetValues(name);
            writer.AddHistogram(tagBase + "/histogram", values, epoch);
            if (Options.WriteImages) Figures.WeightImage.Write(writer, tagBase + "/image", values, parameters.GetShape(name), epoch);
        }
    }

    private SummaryWriter Open(string directory) => new(directory, _writerOptions);

    private void CloseWriters()
    {
        List<Exception>? errors = null;
        foreach (var w in new[] { _train, _validation, _root })
        {
            if (w is null) continue;
            try { w.Dispose(); }
            catch (Exception e) { (errors ??= []).Add(e); }
        }
        _train = _validation = _root = null;
        if (errors is { Count: 1 }) ExceptionDispatchInfo.Capture(errors[0]).Throw();
        if (errors is not null) throw new AggregateException(errors);
    }

    private static string Tag(Dictionary<string, string> cache, string prefix, string name, string suffix)
    {
        if (!cache.TryGetValue(name, out var tag)) cache[name] = tag = prefix + name + suffix;
        return tag;
    }
}
