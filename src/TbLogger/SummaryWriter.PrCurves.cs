using TbLogger.Deferred;
namespace TbLogger;

// PR curves are bucketed on the writer's thread (issue 19): the caller checks the shape and copies predictions, weights
// and labels into a pooled buffer, checking every value in the same pass; bucketing and the proto follow on the worker.
public sealed partial class SummaryWriter
{
    /// <summary>
    /// Logs a precision-recall curve (PR curves dashboard), computed as TensorBoard's <c>pr_curve</c> summary does; see
    /// <see cref="Summaries.PrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{float}, int, ReadOnlySpan{float})"/>.
    /// </summary>
    /// <param name="tag">Series name.</param>
    /// <param name="labels">True for the positive class; as many as <paramref name="predictions"/>.</param>
    /// <param name="predictions">Probabilities of the positive class; not NaN, clamped to [0, 1].</param>
    /// <param name="step">The global step.</param>
    /// <param name="numThresholds">T, 2 to <see cref="Summaries.MaxPrCurveThresholds"/>; 127 like PyTorch by default.</param>
    /// <param name="weights">Empty, or one finite non-negative weight per prediction.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a prediction is NaN, a label is not 0 or 1, a weight is bad, or the weights sum beyond float32's range (the curve's counts would be infinite).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numThresholds"/> is out of range.</exception>
    public bool AddPrCurve(string tag, ReadOnlySpan<bool> labels, ReadOnlySpan<float> predictions, long step,
        int numThresholds = Summaries.DefaultPrCurveThresholds, ReadOnlySpan<float> weights = default, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return EnqueuePrCurve(tag, labels, predictions, numThresholds, weights, step, wallTime);
    }

    /// <inheritdoc cref="AddPrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{float}, long, int, ReadOnlySpan{float}, DateTimeOffset?)"/>
    public bool AddPrCurve(string tag, ReadOnlySpan<bool> labels, ReadOnlySpan<double> predictions, long step,
        int numThresholds = Summaries.DefaultPrCurveThresholds, ReadOnlySpan<float> weights = default, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return EnqueuePrCurve(tag, labels, predictions, numThresholds, weights, step, wallTime);
    }

    /// <summary>Logs a precision-recall curve from labels given as numbers, each exactly 0 or 1.</summary>
    /// <inheritdoc cref="AddPrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{float}, long, int, ReadOnlySpan{float}, DateTimeOffset?)"/>
    public bool AddPrCurve(string tag, ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions, long step,
        int numThresholds = Summaries.DefaultPrCurveThresholds, ReadOnlySpan<float> weights = default, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return EnqueuePrCurve(tag, labels, predictions, numThresholds, weights, step, wallTime);
    }

    /// <summary>Logs a precision-recall curve from labels given as numbers, each exactly 0 or 1.</summary>
    /// <inheritdoc cref="AddPrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{float}, long, int, ReadOnlySpan{float}, DateTimeOffset?)"/>
    public bool AddPrCurve(string tag, ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions, long step,
        int numThresholds = Summaries.DefaultPrCurveThresholds, ReadOnlySpan<float> weights = default, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return EnqueuePrCurve(tag, labels, predictions, numThresholds, weights, step, wallTime);
    }

    /// <summary>Logs a precision-recall curve with float64 weights (summed in double). See <see cref="Summaries.PrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{double}, ReadOnlySpan{double}, int)"/>.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="labels">True for the positive class.</param>
    /// <param name="predictions">Probabilities of the positive class; not NaN, clamped to [0, 1].</param>
    /// <param name="weights">One finite non-negative weight per prediction, or empty.</param>
    /// <param name="step">The global step.</param>
    /// <param name="numThresholds">T, 2 to <see cref="Summaries.MaxPrCurveThresholds"/>.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a prediction is NaN, a weight is bad, or the weights sum beyond float32's range (the curve's counts would be infinite).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numThresholds"/> is out of range.</exception>
    public bool AddPrCurve(string tag, ReadOnlySpan<bool> labels, ReadOnlySpan<double> predictions, ReadOnlySpan<double> weights, long step,
        int numThresholds = Summaries.DefaultPrCurveThresholds, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return EnqueuePrCurve(tag, labels, predictions, numThresholds, weights, step, wallTime);
    }

    /// <summary>Logs a precision-recall curve from 0/1 labels given as numbers, with float64 weights.</summary>
    /// <inheritdoc cref="AddPrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{double}, ReadOnlySpan{double}, long, int, DateTimeOffset?)"/>
    public bool AddPrCurve(string tag, ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions, ReadOnlySpan<double> weights, long step,
        int numThresholds = Summaries.DefaultPrCurveThresholds, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return EnqueuePrCurve(tag, labels, predictions, numThresholds, weights, step, wallTime);
    }

    /// <summary>Logs a PR curve from precomputed rows (PyTorch's <c>add_pr_curve_raw</c>); T is their common length, at least 2.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="truePositives">TP per threshold.</param>
    /// <param name="falsePositives">FP per threshold.</param>
    /// <param name="trueNegatives">TN per threshold.</param>
    /// <param name="falseNegatives">FN per threshold.</param>
    /// <param name="precision">Precision per threshold.</param>
    /// <param name="recall">Recall per threshold.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">The rows differ in length, are shorter than 2, or hold a value that is not finite.</exception>
    public bool AddPrCurveRaw(string tag, ReadOnlySpan<float> truePositives, ReadOnlySpan<float> falsePositives,
        ReadOnlySpan<float> trueNegatives, ReadOnlySpan<float> falseNegatives, ReadOnlySpan<float> precision, ReadOnlySpan<float> recall,
        long step, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var data = Summaries.StackPrCurveRows(truePositives, falsePositives, trueNegatives, falseNegatives, precision, recall);
        return EnqueuePrCurve(tag, data, truePositives.Length, step, wallTime);
    }

    private bool EnqueuePrCurve<TLabel, TPrediction, TWeight>(string tag, ReadOnlySpan<TLabel> labels, ReadOnlySpan<TPrediction> predictions,
        int numThresholds, ReadOnlySpan<TWeight> weights, long step, DateTimeOffset? wallTime)
        where TLabel : unmanaged
        where TPrediction : unmanaged, System.Numerics.IFloatingPointIeee754<TPrediction>
        where TWeight : unmanaged, System.Numerics.IFloatingPointIeee754<TWeight>
    {
        double wall = WallTimeOf(wallTime);
        var work = PrCurveWork<TLabel, TPrediction, TWeight>.TryCreate(tag, labels, predictions, numThresholds, weights, BufferPool);
        if (work is null)
        {
            // A value is bad: the synchronous computation throws exactly the error (first bad index) callers always got.
            float[] data = Summaries.ComputePrCurve(labels, predictions, numThresholds, weights);
            return EnqueuePrCurve(tag, data, numThresholds, step, wallTime);
        }
        return EnqueueDeferred(tag, work, step, wall);
    }

    private bool EnqueuePrCurve(string tag, float[] data, int numThresholds, long step, DateTimeOffset? wallTime) =>
        _main.EnqueueSummary(tag, () => Summaries.PrCurveSummary(tag, data, numThresholds), step, WallTimeOf(wallTime));
}
