using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// TF's <c>MeanRelativeError</c> (tf.keras 2 / TF1 <c>tf.metrics.mean_relative_error</c>): the mean of
/// |yPred − yTrue| / normalizer, with 0 where the normalizer is 0 (<c>div_no_nan</c>). The normalizer is one value,
/// one value per column (the last axis), or one value per element of a batch.
/// </summary>
/// <example>normalizer [1, 3, 2, 3], yTrue [1, 3, 2, 3], yPred [2, 4, 6, 8] → mean(1, 1/3, 2, 5/3) = 1.25.</example>
public sealed class MeanRelativeError : ElementwiseMeanMetric, IRegisteredMetric
{
    private readonly float[] _normalizer;

    /// <summary>Creates the metric.</summary>
    /// <param name="normalizer">The normalizer values (copied).</param>
    /// <param name="name">Metric name; default <c>"mean_relative_error"</c>.</param>
    /// <exception cref="ArgumentException">The normalizer is empty.</exception>
    public MeanRelativeError(ReadOnlySpan<float> normalizer, string? name = null) : base(name ?? "mean_relative_error")
    {
        if (normalizer.IsEmpty) throw new ArgumentException("The normalizer must have at least one value.", nameof(normalizer));
        _normalizer = normalizer.ToArray();
    }

    /// <summary>The normalizer.</summary>
    public ReadOnlySpan<float> Normalizer => _normalizer;

    /// <inheritdoc/>
    protected override void OnBatch(ReadOnlySpan<float> yTrue, int width)
    {
        int n = _normalizer.Length;
        if (n != 1 && n != width && n != yTrue.Length)
            throw new ArgumentException(
                $"The normalizer has {n} values but yTrue has {yTrue.Length} values with a last axis of {width}; expected 1, {width} or {yTrue.Length}.", "yTrue");
    }

    /// <inheritdoc/>
    protected override void ComputeElements(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> destination)
    {
        int n = _normalizer.Length;
        for (int i = 0; i < destination.Length; i++)
        {
            float norm = n == 1 ? _normalizer[0] : n == yTrue.Length ? _normalizer[i] : _normalizer[i % n];
            destination[i] = norm == 0 ? 0f : MathF.Abs(yPred[i] - yTrue[i]) / norm;
        }
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new MeanRelativeError(
            c.GetSingleArray("normalizer") ?? throw new ArgumentException("MeanRelativeError needs a 'normalizer' in its config.", "configJson"), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("normalizer");
        foreach (var v in _normalizer) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }
}
