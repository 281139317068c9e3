using System.Numerics.Tensors;
using TbLogger.Metrics;

namespace TbLogger.Training;

/// <summary>
/// The running values of one epoch, as Keras's <c>fit</c> keeps them: the mean loss (weighted by batch size) and a
/// <see cref="MetricCollection"/> updated batch by batch, turned into the <c>logs</c> the callbacks receive and reset at
/// the start of each epoch. Use one for training and one for validation.
/// </summary>
/// <example>
/// <code>
/// var train = new EpochMetrics(new MetricCollection([new CategoricalAccuracy("accuracy")]));
/// // per batch:  train.Update(loss, yTrue, yPred); callbacks.OnTrainBatchEnd(b, train.Results());
/// // per epoch:  callbacks.OnEpochEnd(epoch, Logs.WithValidation(train.Results(), val.Results())); train.Reset();
/// </code>
/// </example>
public sealed class EpochMetrics
{
    private readonly Mean _loss;
    private readonly string _lossName;

    /// <summary>Creates the tracker.</summary>
    /// <param name="metrics">The metrics (their names become log names); null for loss only.</param>
    /// <param name="lossName">The loss's log name (Keras: <c>"loss"</c>).</param>
    public EpochMetrics(MetricCollection? metrics = null, string lossName = "loss")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lossName);
        Metrics = metrics ?? new MetricCollection();
        _lossName = lossName;
        _loss = new Mean(lossName);
        foreach (var m in Metrics)
            if (m.Name == lossName) throw new ArgumentException($"A metric is named '{lossName}', the loss's log name.", nameof(metrics));
    }

    /// <summary>The metrics.</summary>
    public MetricCollection Metrics { get; }

    /// <summary>Samples seen since the last reset.</summary>
    public long Samples { get; private set; }

    /// <summary>The running mean loss.</summary>
    public double Loss => _loss.Result();

    /// <summary>Adds one batch: its loss (weighted by the batch size, as Keras's loss tracker) and its labels and predictions.</summary>
    /// <param name="loss">The batch's reduced loss.</param>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional sample weights for the metrics.</param>
    public void Update(double loss, ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        int n = yPred.Rank == 0 ? 1 : (int)yPred.Lengths[0];
        UpdateLoss(loss, n);
        Metrics.UpdateState(yTrue, yPred, sampleWeight);
    }

    /// <summary>Adds a batch's loss only.</summary>
    /// <param name="loss">The batch's reduced loss.</param>
    /// <param name="batchSize">Its number of samples (the weight of the value in the mean).</param>
    public void UpdateLoss(double loss, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        Span<float> v = [(float)loss];
        Span<float> w = [batchSize];
        _loss.UpdateState(new ReadOnlyTensorSpan<float>(v), new ReadOnlyTensorSpan<float>(w));
        Samples += batchSize;
    }

    /// <summary>The current values: the loss first, then every scalar metric, by log name.</summary>
    /// <returns>A new dictionary.</returns>
    public Dictionary<string, double> Results()
    {
        var d = new Dictionary<string, double>(Metrics.Count + 1, StringComparer.Ordinal) { [_lossName] = _loss.Result() };
        foreach (var m in Metrics)
            if (m.IsScalar) d[m.Name] = m.Result();
        return d;
    }

    /// <summary>Resets the loss and every metric (at the start of an epoch or evaluation).</summary>
    public void Reset()
    {
        _loss.ResetState();
        Metrics.ResetState();
        Samples = 0;
    }
}
