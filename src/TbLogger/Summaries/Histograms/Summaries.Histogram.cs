using System.Numerics.Tensors;
using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.Histogram;

namespace TbLogger;

public static partial class Summaries
{
    /// <summary>
    /// Builds a histogram summary (the histograms and distributions dashboards) from values, binned like PyTorch's
    /// <c>add_histogram</c>. NaN and ±infinity are skipped: they count in no statistic and no bucket, so
    /// <c>num</c> is the number of finite values (use <see cref="MakeHistogram(ReadOnlySpan{float}, HistogramBins, out int)"/>
    /// to learn how many were skipped).
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="values">At least one value.</param>
    /// <param name="bins">The bucket edges; <c>default</c> is TensorFlow's exponential scheme.</param>
    /// <returns>A summary with one <c>histo</c> value.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty, or the tag is invalid.</exception>
    public static Summary Histogram(string tag, ReadOnlySpan<float> values, HistogramBins bins = default)
    {
        ValidateTag(tag);
        return Histogram(tag, HistogramKernel.Build(values, bins, out _));
    }

    /// <inheritdoc cref="Histogram(string, ReadOnlySpan{float}, HistogramBins)"/>
    public static Summary Histogram(string tag, ReadOnlySpan<double> values, HistogramBins bins = default)
    {
        ValidateTag(tag);
        return Histogram(tag, HistogramKernel.Build(values, bins, out _));
    }

    /// <summary>Builds a histogram summary from every element of a tensor of any shape.</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="values">At least one element; strided tensors are fine.</param>
    /// <param name="bins">The bucket edges; <c>default</c> is TensorFlow's exponential scheme.</param>
    /// <returns>A summary with one <c>histo</c> value.</returns>
    public static Summary Histogram(string tag, ReadOnlyTensorSpan<float> values, HistogramBins bins = default)
    {
        ValidateTag(tag);
        using var flat = new TensorFlattening<float>(values);
        return Histogram(tag, HistogramKernel.Build(flat.Span, bins, out _));
    }

    /// <inheritdoc cref="Histogram(string, ReadOnlyTensorSpan{float}, HistogramBins)"/>
    public static Summary Histogram(string tag, ReadOnlyTensorSpan<double> values, HistogramBins bins = default)
    {
        ValidateTag(tag);
        using var flat = new TensorFlattening<double>(values);
        return Histogram(tag, HistogramKernel.Build(flat.Span, bins, out _));
    }

    /// <summary>
    /// Computes the histogram of <paramref name="values"/> (PyTorch's <c>make_histogram</c>): min, max, num, sum and
    /// sum_squares over the finite values in double precision; bucket_limit and bucket with empty buckets trimmed from
    /// both ends and one empty bucket kept in front, whose limit is the left edge of the first non-empty one.
    /// </summary>
    /// <param name="values">At least one value.</param>
    /// <param name="bins">The bucket edges.</param>
    /// <param name="nonFiniteCount">How many values were NaN or infinite and were skipped.</param>
    /// <returns>The histogram; with no finite value, all fields zero and no buckets.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static HistogramProto MakeHistogram(ReadOnlySpan<float> values, HistogramBins bins, out int nonFiniteCount) =>
        HistogramKernel.Build(values, bins, out nonFiniteCount);

    /// <inheritdoc cref="MakeHistogram(ReadOnlySpan{float}, HistogramBins, out int)"/>
    public static HistogramProto MakeHistogram(ReadOnlySpan<double> values, HistogramBins bins, out int nonFiniteCount) =>
        HistogramKernel.Build(values, bins, out nonFiniteCount);

    /// <summary>
    /// Builds a histogram summary from precomputed statistics and buckets (PyTorch's <c>add_histogram_raw</c>).
    /// Bucket i holds the values in (bucketLimits[i - 1], bucketLimits[i]]; TensorBoard draws the first bucket from
    /// <paramref name="min"/> and the last to <paramref name="max"/>.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="min">The smallest value.</param>
    /// <param name="max">The largest value, at least <paramref name="min"/>.</param>
    /// <param name="num">The number of values, at least 0.</param>
    /// <param name="sum">The sum of the values.</param>
    /// <param name="sumSquares">The sum of their squares, at least 0.</param>
    /// <param name="bucketLimits">Right edges, strictly increasing.</param>
    /// <param name="bucketCounts">Counts, as many as <paramref name="bucketLimits"/>, each finite and at least 0.</param>
    /// <returns>A summary with one <c>histo</c> value.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or a number is out of range or not finite.</exception>
    public static Summary HistogramRaw(string tag, double min, double max, double num, double sum, double sumSquares,
        ReadOnlySpan<double> bucketLimits, ReadOnlySpan<double> bucketCounts)
    {
        ValidateTag(tag);
        RequireFiniteHistogramValue(min, nameof(min));
        RequireFiniteHistogramValue(max, nameof(max));
        RequireFiniteHistogramValue(num, nameof(num));
        RequireFiniteHistogramValue(sum, nameof(sum));
        RequireFiniteHistogramValue(sumSquares, nameof(sumSquares));
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, $"max is below min ({min}).");
        }
        if (num < 0 || sumSquares < 0)
        {
            throw new ArgumentOutOfRangeException(num < 0 ? nameof(num) : nameof(sumSquares), "num and sumSquares cannot be negative.");
        }
        if (bucketLimits.Length != bucketCounts.Length)
        {
            // TensorBoard's loader rejects the whole value when these differ.
            throw new ArgumentException($"bucketLimits has {bucketLimits.Length} entries but bucketCounts has {bucketCounts.Length}; they must match.", nameof(bucketCounts));
        }
        for (int i = 0; i < bucketLimits.Length; i++)
        {
            if (double.IsNaN(bucketLimits[i]) || (i > 0 && !(bucketLimits[i] > bucketLimits[i - 1])))
            {
                throw new ArgumentException($"bucketLimits must increase strictly; entry {i} is {bucketLimits[i]}.", nameof(bucketLimits));
            }
            if (!double.IsFinite(bucketCounts[i]) || bucketCounts[i] < 0)
            {
                throw new ArgumentException($"bucketCounts[{i}] is {bucketCounts[i]}; counts must be finite and not negative.", nameof(bucketCounts));
            }
        }
        var histogram = new HistogramProto { Min = min, Max = max, Num = num, Sum = sum, SumSquares = sumSquares };
        histogram.BucketLimit.Capacity = bucketLimits.Length;
        histogram.Bucket.Capacity = bucketCounts.Length;
        foreach (double limit in bucketLimits)
        {
            histogram.BucketLimit.Add(limit);
        }
        foreach (double count in bucketCounts)
        {
            histogram.Bucket.Add(count);
        }
        return Histogram(tag, histogram);
    }

    /// <summary>Wraps a finished <see cref="HistogramProto"/> in a summary with the histogram metadata.</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="histogram">The histogram; it must not be changed afterwards.</param>
    /// <returns>A summary with one <c>histo</c> value.</returns>
    public static Summary Histogram(string tag, HistogramProto histogram)
    {
        ValidateTag(tag);
        ArgumentNullException.ThrowIfNull(histogram);
        return new Summary { Value = { new Summary.Types.Value { Tag = tag, Metadata = HistogramMetadata(), Histo = histogram } } };
    }

    /// <summary>
    /// The metadata every histogram value carries: plugin "histograms", content <c>HistogramPluginData{version 0}</c>,
    /// data class TENSOR. TensorBoard's loaders turn the legacy <c>histo</c> field into a [k, 3] tensor either way (the
    /// Rust server keeps this metadata since its data class is set; the Python loader rebuilds the same metadata).
    /// </summary>
    /// <returns>A new metadata message.</returns>
    public static SummaryMetadata HistogramMetadata() =>
        PluginMetadata(PluginNames.Histograms, new HistogramPluginData { Version = 0 }.ToByteString(), DataClass.Tensor);

    private static void RequireFiniteHistogramValue(double value, string parameterName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "The value must be finite.");
        }
    }
}
