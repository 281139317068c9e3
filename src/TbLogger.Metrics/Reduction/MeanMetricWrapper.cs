using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// A stateless metric function: writes one value per sample (<c>perSample.Length</c> = yPred's first dimension).
/// </summary>
/// <param name="yTrue">Labels of one batch.</param>
/// <param name="yPred">Predictions of one batch.</param>
/// <param name="perSample">Destination, one value per sample.</param>
public delegate void PerSampleMetricFunction(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, Span<float> perSample);

/// <summary>
/// Keras's <c>MeanMetricWrapper</c>: turns a stateless function <c>(yTrue, yPred) → per-sample values</c> into a
/// stateful weighted mean (how Keras runs custom metric functions). Also the base of the built-in "mean of per-sample
/// values" metrics (accuracy, MSE, crossentropy, …), which override <see cref="UpdateState"/> with their own kernels.
/// </summary>
/// <example>
/// <code>
/// var f1 = new MeanMetricWrapper((t, p, dest) => { /* per-sample F1 */ }, "f1");
/// </code>
/// </example>
public class MeanMetricWrapper : MeanMetricBase
{
    private readonly PerSampleMetricFunction? _fn;
    private float[]? _trueScratch, _predScratch, _rowScratch, _elementScratch;

    /// <summary>Wraps a custom per-sample function.</summary>
    /// <param name="fn">The function.</param>
    /// <param name="name">Metric name; default the function's method name in snake_case.</param>
    public MeanMetricWrapper(PerSampleMetricFunction fn, string? name = null)
        : base(name ?? DefaultName(fn ?? throw new ArgumentNullException(nameof(fn))))
    {
        _fn = fn;
    }

    // A named method gives its snake_case name (Keras names function metrics after the function); a lambda's
    // compiler-generated name (e.g. "<Main>b__0_0") is no name, so it gets Keras's default "mean_metric_wrapper".
    private static string DefaultName(PerSampleMetricFunction fn)
    {
        string method = fn.Method.Name;
        return method.Contains('<') || method.Contains('>') ? "mean_metric_wrapper" : MetricFactory.ToSnakeCase(method);
    }

    /// <summary>For built-in subclasses that override <see cref="UpdateState"/>.</summary>
    /// <param name="name">Metric name.</param>
    protected MeanMetricWrapper(string name) : base(name)
    {
    }

    /// <summary>Calls the wrapped function on the batch and adds its per-sample values to the weighted mean.</summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions, shape [N, ...].</param>
    /// <param name="sampleWeight">Optional weights: [N], [N, 1] or [1].</param>
    /// <exception cref="ArgumentException">yPred has no dimensions or the weights do not fit.</exception>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        if (_fn is null) throw new InvalidOperationException($"{GetType().Name} must override UpdateState.");
        if (yPred.Rank == 0) throw new ArgumentException("yPred must have at least one dimension.", nameof(yPred));
        int n = MetricGuard.BatchSize(yPred);
        if (n == 0) return;
        var values = RowBuffer(n);
        _fn(yTrue, yPred, values);
        AccumulateRows(values, n, sampleWeight, yPred.Lengths[..1], yPred.Lengths, "yPred");
    }

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        if (_fn is not null) writer.WriteString("fn", _fn.Method.Name);
    }

    /// <summary>yTrue's elements as a span (zero-copy when dense).</summary>
    /// <param name="yTrue">Labels.</param>
    /// <returns>The flattened elements.</returns>
    protected ReadOnlySpan<float> FlattenTrue(in ReadOnlyTensorSpan<float> yTrue) => MetricGuard.Flatten(yTrue, ref _trueScratch);

    /// <summary>yPred's elements as a span (zero-copy when dense).</summary>
    /// <param name="yPred">Predictions.</param>
    /// <returns>The flattened elements.</returns>
    protected ReadOnlySpan<float> FlattenPred(in ReadOnlyTensorSpan<float> yPred) => MetricGuard.Flatten(yPred, ref _predScratch);

    /// <summary>A per-instance scratch span for per-row values (grown once).</summary>
    /// <param name="length">Length.</param>
    /// <returns>The span.</returns>
    protected Span<float> RowBuffer(int length) => MetricGuard.Scratch(ref _rowScratch, length);

    /// <summary>A per-instance scratch span for per-element values (grown once).</summary>
    /// <param name="length">Length.</param>
    /// <returns>The span.</returns>
    protected Span<float> ElementBuffer(int length) => MetricGuard.Scratch(ref _elementScratch, length);

    /// <summary>
    /// Checks yTrue and yPred have the same shape up to a trailing 1 and describes the rows of the last axis: a rank-1
    /// input is one value per sample ([N] ≡ [N, 1]); a rank ≥ 2 input has rows of its last dimension's length.
    /// </summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="width">Values per row (the last dimension, 1 for rank 1).</param>
    /// <param name="samples">First dimension.</param>
    /// <param name="rowShape">Shape of the per-row values (the longer shape without its last axis; [N] for rank 1).</param>
    /// <returns>The number of rows.</returns>
    /// <exception cref="ArgumentException">Shapes differ (the message names both).</exception>
    protected static int LastAxisLayout(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred,
                                        out int width, out int samples, out ReadOnlySpan<nint> rowShape)
    {
        MetricGuard.RequireSameShapeUpToTrailingOne(yTrue, yPred);
        ReadOnlySpan<nint> shape = yPred.Rank >= yTrue.Rank ? yPred.Lengths : yTrue.Lengths;
        if (shape.Length == 0) throw new ArgumentException("yTrue and yPred must have at least one dimension.", nameof(yPred));
        width = shape.Length >= 2 ? checked((int)shape[^1]) : 1;
        rowShape = shape.Length >= 2 ? shape[..^1] : shape;
        samples = checked((int)shape[0]);
        long flat = 1;
        foreach (var d in shape) flat *= d;
        if (width == 0 && flat == 0 && samples > 0)
            throw new ArgumentException($"yPred has shape {MetricGuard.FormatShape(shape)}: the last dimension must not be 0.", nameof(yPred));
        return width == 0 ? 0 : checked((int)(flat / width));
    }
}
