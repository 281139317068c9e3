using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Tracks a <see cref="Losses.Loss"/> as a metric: the running mean of the batch losses weighted by batch size, which is
/// what Keras's <c>fit</c> logs as <c>loss</c> (its loss tracker is a <c>Mean</c> updated with each batch's loss and
/// <c>sample_weight=batch_size</c>). States <c>total</c> and <c>count</c> merge by sum, so shards combine exactly.
/// </summary>
/// <remarks>
/// With the default <see cref="Reduction.SumOverBatchSize"/> and no sample weights this is the mean per-sample loss
/// over everything seen since the last reset.
/// </remarks>
public sealed class LossMetric : MeanMetricBase
{
    /// <summary>Creates the metric.</summary>
    /// <param name="loss">The loss to track.</param>
    /// <param name="name">The metric's name (default <c>"loss"</c>, as Keras logs it).</param>
    public LossMetric(Loss loss, string? name = null) : base(name ?? "loss")
    {
        ArgumentNullException.ThrowIfNull(loss);
        Loss = loss;
    }

    /// <summary>The tracked loss.</summary>
    public Loss Loss { get; }

    /// <summary>Computes the batch's loss and adds it with weight = batch size (yPred's first dimension).</summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional sample weights, passed to the loss.</param>
    /// <exception cref="ArgumentException">As for <see cref="Loss.Compute"/>.</exception>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        // An empty batch adds nothing, as for every other metric (Loss.Compute itself rejects empty batches).
        if (yPred.Rank > 0 && yPred.FlattenedLength == 0 && yTrue.FlattenedLength == 0) return;
        float value = Loss.ComputeValueOrSum(yTrue, yPred, sampleWeight);
        AddBatch(value, checked((int)yPred.Lengths[0]));
    }

    /// <summary>Adds a batch loss that the training step has already computed (e.g. by <see cref="Loss.ComputeWithGradient"/>).</summary>
    /// <param name="batchLoss">The reduced loss of the batch.</param>
    /// <param name="batchSize">The number of samples in the batch; must be positive.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    /// <remarks>A NaN batch loss makes the mean NaN, as in Keras's loss tracker (a diverged run must show as such).</remarks>
    public void UpdateState(float batchLoss, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        AddBatch(batchLoss, batchSize);
    }

    private void AddBatch(float batchLoss, int batchSize) => AddToState((double)batchLoss * batchSize, batchSize);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteString("loss_class", Loss.ClassName);
        writer.WritePropertyName("loss");
        writer.WriteRawValue(Loss.GetConfigJson());
    }
}
