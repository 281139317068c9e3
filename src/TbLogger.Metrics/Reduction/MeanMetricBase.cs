using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// The weighted-mean state shared by <see cref="Mean"/> and every <see cref="MeanMetricWrapper"/>: <c>total / count</c>
/// with states <c>total</c> and <c>count</c> (both merged by sum); 0 before any update (Keras's <c>divide_no_nan</c>).
/// </summary>
/// <remarks>
/// (Keras's MeanMetricWrapper derives from Mean; here both derive from this base so that a wrapper's
/// <c>UpdateState(yTrue, yPred)</c> can never bind to Mean's <c>UpdateState(values, sampleWeight)</c>.)
/// </remarks>
public abstract class MeanMetricBase : Metric
{
    private readonly MetricStateVariable _total;
    private readonly MetricStateVariable _count;
    private float[]? _weightScratch;

    /// <summary>Creates the metric.</summary>
    /// <param name="name">Metric name.</param>
    protected MeanMetricBase(string name) : base(name)
    {
        _total = AddState("total", 1, StateMerge.Sum);
        _count = AddState("count", 1, StateMerge.Sum);
    }

    /// <summary>The accumulated weighted total.</summary>
    protected double Total => _total.Values[0];

    /// <summary>The accumulated weight (number of samples when unweighted).</summary>
    protected double Count => _count.Values[0];

    /// <summary>
    /// Adds per-row values with Keras's sample-weight rules. Rows are grouped by sample: there are
    /// <paramref name="samples"/> samples of rowValues.Length / samples rows each; a sample contributes the mean of its rows.
    /// </summary>
    /// <param name="rowValues">One value per row, row-major.</param>
    /// <param name="samples">Number of samples (first dimension).</param>
    /// <param name="sampleWeight">Optional weights: one per sample ([N] or [N, 1]), one in all ([1]), or one per row (shape <paramref name="rowShape"/>).</param>
    /// <param name="rowShape">Shape of the row values, e.g. [N] or [N, T].</param>
    /// <param name="referenceShape">Shape named in error messages (e.g. yPred's).</param>
    /// <param name="referenceName">Name used in error messages (e.g. "yPred").</param>
    /// <exception cref="ArgumentException">The weights' shape does not fit.</exception>
    protected void AccumulateRows(ReadOnlySpan<float> rowValues, int samples, in ReadOnlyTensorSpan<float> sampleWeight,
                                  ReadOnlySpan<nint> rowShape, ReadOnlySpan<nint> referenceShape, string referenceName)
    {
        int rows = rowValues.Length;
        int perSample = samples == 0 ? 0 : rows / samples;
        if (sampleWeight.IsEmpty)
        {
            if (rows == 0) return;
            AddToState(perSample == 1 ? MetricKernels.Sum(rowValues) : MetricKernels.Sum(rowValues) / perSample, samples);
            return;
        }
        var w = MetricGuard.Flatten(sampleWeight, ref _weightScratch);
        ReadOnlySpan<nint> ws = sampleWeight.Lengths;
        ReadOnlySpan<nint> sampleShape = rowShape.Length == 0 ? [] : rowShape[..1];
        if (w.Length == 1 && IsAllOnes(ws))
        {
            double sum = MetricKernels.Sum(rowValues);
            AddToState(w[0] * (perSample <= 1 ? sum : sum / perSample), (double)w[0] * samples);
        }
        else if (MetricGuard.SameShapeUpToTrailingOne(ws, sampleShape))
        {
            if (perSample == 1)
            {
                AddToState(MetricKernels.Dot(rowValues, w), MetricKernels.Sum(w));
            }
            else
            {
                double total = 0;
                for (int i = 0; i < samples; i++)
                    total += w[i] * (MetricKernels.Sum(rowValues.Slice(i * perSample, perSample)) / perSample);
                AddToState(total, MetricKernels.Sum(w));
            }
        }
        else if (rowShape.Length > 1 && MetricGuard.SameShapeUpToTrailingOne(ws, rowShape))
        {
            AddToState(MetricKernels.Dot(rowValues, w) / perSample, MetricKernels.Sum(w) / perSample);
        }
        else
        {
            string expected = rowShape.Length > 1
                ? $"expected one weight per sample ({MetricGuard.FormatShape(sampleShape)} or [{sampleShape[0]}, 1]), [1], or {MetricGuard.FormatShape(rowShape)}"
                : $"expected one weight per sample ({MetricGuard.FormatShape(sampleShape)} or [{(sampleShape.IsEmpty ? 0 : sampleShape[0])}, 1]) or [1]";
            throw MetricGuard.ShapeMismatch("sampleWeight", ws, referenceName, referenceShape, expected);
        }
    }

    /// <summary>Adds to the states directly (fast paths): total += <paramref name="total"/>, count += <paramref name="count"/>.</summary>
    /// <param name="total">Weighted sum of per-sample values.</param>
    /// <param name="count">Sum of weights.</param>
    protected void AddToState(double total, double count)
    {
        _total.Values[0] += total;
        _count.Values[0] += count;
    }

    private static bool IsAllOnes(ReadOnlySpan<nint> shape)
    {
        foreach (var d in shape) if (d != 1) return false;
        return true;
    }

    /// <inheritdoc/>
    protected override void ComputeResult(Span<double> destination) => destination[0] = MetricMath.DivideNoNan(Total, Count);
}
