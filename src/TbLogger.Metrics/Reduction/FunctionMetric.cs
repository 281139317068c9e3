using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// A metric function written element by element over spans (vectorise it with <see cref="TensorPrimitives"/>): writes
/// one value per element of yPred. yTrue and yPred arrive flattened in the same row-major order (zero-copy when dense).
/// </summary>
/// <param name="yTrue">Labels, flattened.</param>
/// <param name="yPred">Predictions, flattened (same length).</param>
/// <param name="values">Receives one value per element.</param>
public delegate void ElementwiseMetricFunction(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, Span<float> values);

/// <summary>
/// <see cref="Metric.FromFunction(string, ElementwiseMetricFunction, bool)"/>'s metric: Keras's
/// <c>MeanMetricWrapper(lambda t, p: ops.mean(f(t, p), axis=-1))</c> (or without the mean: one value per element), with
/// Keras's sample weights — one per sample, one per value (e.g. per time step), or one in all.
/// </summary>
internal sealed class FunctionMetric : MeanMetricWrapper
{
    private readonly ElementwiseMetricFunction? _span;
    private readonly Func<float, float, float>? _scalar;
    private readonly bool _meanOverLastAxis;

    public FunctionMetric(string name, ElementwiseMetricFunction? span, Func<float, float, float>? scalar, bool meanOverLastAxis)
        : base(name)
    {
        _span = span;
        _scalar = scalar;
        _meanOverLastAxis = meanOverLastAxis;
    }

    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        MetricGuard.RequireSameShapeUpToTrailingOne(yTrue, yPred);
        ReadOnlySpan<nint> shape = yPred.Rank >= yTrue.Rank ? yPred.Lengths : yTrue.Lengths;
        if (shape.Length == 0) throw new ArgumentException("yTrue and yPred must have at least one dimension.", nameof(yPred));
        if (yPred.FlattenedLength == 0) return;
        ReadOnlySpan<float> t = FlattenTrue(yTrue), p = FlattenPred(yPred);
        Span<float> values = ElementBuffer(p.Length);
        if (_span is not null) _span(t, p, values);
        else for (int i = 0; i < values.Length; i++) values[i] = _scalar!(t[i], p[i]);

        int samples = checked((int)shape[0]);
        if (shape.Length == 1)
        {
            AccumulateRows(values, samples, sampleWeight, shape, yPred.Lengths, "yPred"); // [N]: one value per sample
            return;
        }
        if (!_meanOverLastAxis)
        {
            AccumulateRows(values, samples, sampleWeight, shape, yPred.Lengths, "yPred");
            return;
        }
        int width = checked((int)shape[^1]);
        Span<float> rows = RowBuffer(values.Length / width);
        MetricOps.MeanOverLastAxis(values, width, rows);
        AccumulateRows(rows, samples, sampleWeight, shape[..^1], yPred.Lengths, "yPred");
    }

    protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteString("fn", Name);
}
