using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using TbLogger.Deferred;
using TbLogger.Protos;

namespace TbLogger;

// Histograms are binned on the writer's thread (issue 19): the caller checks what can reject the values, counts the
// non-finite ones and copies them into a pooled buffer in one pass; binning and the proto follow on the worker.
public sealed partial class SummaryWriter
{
    private long _nonFiniteHistogramValues;

    /// <summary>NaN and infinite values that <c>AddHistogram</c> skipped so far (they are in no statistic and no bucket).</summary>
    public long NonFiniteHistogramValues => Interlocked.Read(ref _nonFiniteHistogramValues);

    /// <summary>
    /// Logs a histogram of <paramref name="values"/> (histograms and distributions dashboards), like PyTorch's
    /// <c>add_histogram</c>. NaN and infinities are skipped and counted in <see cref="NonFiniteHistogramValues"/>.
    /// </summary>
    /// <param name="tag">Series name.</param>
    /// <param name="values">At least one value; copied before the call returns (binning runs on the writer's thread).</param>
    /// <param name="step">The global step.</param>
    /// <param name="bins">Bucket edges; <c>default</c> is TensorFlow's exponential scheme.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or the tag is invalid.</exception>
    public bool AddHistogram(string tag, ReadOnlySpan<float> values, long step, HistogramBins bins = default, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return EnqueueHistogram(tag, values, bins, step, wallTime);
    }

    /// <inheritdoc cref="AddHistogram(string, ReadOnlySpan{float}, long, HistogramBins, DateTimeOffset?)"/>
    public bool AddHistogram(string tag, ReadOnlySpan<double> values, long step, HistogramBins bins = default, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return EnqueueHistogram(tag, values, bins, step, wallTime);
    }

    /// <summary>Logs a histogram of every element of a tensor of any shape (dense or strided).</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="values">At least one element.</param>
    /// <param name="step">The global step.</param>
    /// <param name="bins">Bucket edges; <c>default</c> is TensorFlow's exponential scheme.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    public bool AddHistogram(string tag, ReadOnlyTensorSpan<float> values, long step, HistogramBins bins = default, DateTimeOffset? wallTime = null)
    {
        using var flat = new TensorFlattening<float>(values);
        return AddHistogram(tag, flat.Span, step, bins, wallTime);
    }

    /// <inheritdoc cref="AddHistogram(string, ReadOnlyTensorSpan{float}, long, HistogramBins, DateTimeOffset?)"/>
    public bool AddHistogram(string tag, ReadOnlyTensorSpan<double> values, long step, HistogramBins bins = default, DateTimeOffset? wallTime = null)
    {
        using var flat = new TensorFlattening<double>(values);
        return AddHistogram(tag, flat.Span, step, bins, wallTime);
    }

    /// <summary>Logs a histogram from precomputed statistics and buckets (PyTorch's <c>add_histogram_raw</c>).</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value.</param>
    /// <param name="num">The number of values.</param>
    /// <param name="sum">The sum of the values.</param>
    /// <param name="sumSquares">The sum of their squares.</param>
    /// <param name="bucketLimits">Right edges, strictly increasing.</param>
    /// <param name="bucketCounts">Counts, as many as <paramref name="bucketLimits"/>.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">See <see cref="Summaries.HistogramRaw"/>.</exception>
    public bool AddHistogramRaw(string tag, double min, double max, double num, double sum, double sumSquares,
        ReadOnlySpan<double> bucketLimits, ReadOnlySpan<double> bucketCounts, long step, DateTimeOffset? wallTime = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var summary = Summaries.HistogramRaw(tag, min, max, num, sum, sumSquares, bucketLimits, bucketCounts);
        return _main.WriteEvent(new Event { WallTime = WallTimeOf(wallTime), Step = step, Summary = summary });
    }

    private bool EnqueueHistogram<T>(string tag, ReadOnlySpan<T> values, HistogramBins bins, long step, DateTimeOffset? wallTime)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double wall = WallTimeOf(wallTime);
        var work = HistogramWork<T>.Create(tag, values, bins, BufferPool, out int nonFinite);
        if (nonFinite > 0)
        {
            Interlocked.Add(ref _nonFiniteHistogramValues, nonFinite);
        }
        return EnqueueDeferred(tag, work, step, wall);
    }

    /// <summary>
    /// Queues a deferred value on the main run once <see cref="DeferredBudget"/> has room for its copy (waiting in Block
    /// mode; in Drop mode a value over the budget is dropped and counted in <see cref="DroppedEvents"/>).
    /// </summary>
    private bool EnqueueDeferred(string tag, SummaryWork work, long step, double wallTime)
    {
        if (!work.Admit(DeferredBudget, wait: _options.QueueFullMode == Events.QueueFullMode.Block))
        {
            work.Release();
            Interlocked.Increment(ref _droppedDeferred);
            return false;
        }
        return _main.EnqueueWork(tag, work, step, wallTime);
    }

    private long _droppedDeferred;

    /// <summary>How many bytes of input copies deferred values may hold at once; tests set a small one.</summary>
    internal DeferredBudget DeferredBudget { get; set; } = new(DeferredBudget.DefaultLimitBytes);

    /// <summary>Where deferred values (histograms, PR curves, audio, images) rent the copy of their input; tests count on it.</summary>
    internal ArrayPool<byte> BufferPool { get; set; } = ArrayPool<byte>.Shared;
}
