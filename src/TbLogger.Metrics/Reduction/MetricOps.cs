using System.Numerics.Tensors;
using TbLogger.Metrics.Losses;

namespace TbLogger.Metrics;

/// <summary>
/// Building blocks for custom metric and loss functions, the ones Keras's functions are made of: a mean over the last
/// axis or any axis, and Keras's broadcasting of sample weights. Spans in, spans out, vectorised, no allocation.
/// </summary>
public static class MetricOps
{
    /// <summary>Keras's <c>ops.mean(x, axis=-1)</c> over row-major rows of <paramref name="width"/> values.</summary>
    /// <param name="values">Values, a whole number of rows.</param>
    /// <param name="width">The last axis's length.</param>
    /// <param name="destination">One mean per row (values.Length / width).</param>
    /// <exception cref="ArgumentException">The lengths do not fit.</exception>
    public static void MeanOverLastAxis(ReadOnlySpan<float> values, int width, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (values.Length % width != 0 || destination.Length != values.Length / width)
            throw new ArgumentException(
                $"values has {values.Length} elements, not {destination.Length} rows of {width} (destination's length × width).", nameof(destination));
        MetricKernels.RowSums(values, width, destination, 1f / width);
    }

    /// <summary>Keras's <c>ops.mean(x, axis)</c> for a row-major tensor of <paramref name="shape"/>: the axis is removed.</summary>
    /// <param name="values">The tensor's values.</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="axis">The axis to average (negative counts from the end).</param>
    /// <param name="destination">The means, row-major over the remaining axes (length = values.Length / shape[axis]).</param>
    /// <exception cref="ArgumentException">The axis is out of range or the lengths do not fit.</exception>
    public static void MeanOverAxis(ReadOnlySpan<float> values, ReadOnlySpan<nint> shape, int axis, Span<float> destination)
    {
        int rank = shape.Length;
        int a = axis < 0 ? axis + rank : axis;
        if ((uint)a >= (uint)rank) throw new ArgumentException($"axis {axis} is out of range for shape {LossGeometry.Format(shape)}.", nameof(axis));
        long outer = 1, inner = 1, total = 1;
        for (int d = 0; d < rank; d++)
        {
            total *= shape[d];
            if (d < a) outer *= shape[d];
            else if (d > a) inner *= shape[d];
        }
        int length = checked((int)shape[a]);
        if (total != values.Length || length == 0 || destination.Length != total / length)
            throw new ArgumentException(
                $"values has {values.Length} elements and destination {destination.Length} for shape {LossGeometry.Format(shape)} reduced over axis {axis}.",
                nameof(destination));
        if (inner == 1)
        {
            MetricKernels.RowSums(values, length, destination, 1f / length);
            return;
        }
        destination.Clear();
        int n = (int)inner;
        for (int o = 0; o < outer; o++)
        {
            Span<float> dst = destination.Slice(o * n, n);
            for (int k = 0; k < length; k++) TensorPrimitives.Add(dst, values.Slice((o * length + k) * n, n), dst);
        }
        TensorPrimitives.Multiply(destination, 1f / length, destination);
    }

    /// <summary>
    /// Writes the weight of every value: a single weight applies to all; otherwise a trailing 1 is squeezed
    /// (<c>[N, 1]</c> weights over <c>[N]</c> values), leading 1s are dropped and the rest broadcasts NumPy-style
    /// (right-aligned, each dimension equal or 1), e.g. <c>[1, C]</c> over <c>[N, C]</c> — the rule the losses apply.
    /// </summary>
    /// <param name="weights">The weights.</param>
    /// <param name="weightShape">Their shape.</param>
    /// <param name="valueShape">The values' shape.</param>
    /// <param name="destination">One weight per value (the product of <paramref name="valueShape"/>).</param>
    /// <exception cref="ArgumentException">The weights cannot be broadcast (the message names both shapes).</exception>
    public static void BroadcastWeights(ReadOnlySpan<float> weights, ReadOnlySpan<nint> weightShape, ReadOnlySpan<nint> valueShape,
                                        Span<float> destination)
    {
        long count = 1, given = 1;
        foreach (var d in valueShape) count *= d;
        foreach (var d in weightShape) given *= d;
        if (destination.Length != count)
            throw new ArgumentException($"destination has length {destination.Length}; shape {LossGeometry.Format(valueShape)} has {count} values.", nameof(destination));
        if (given != weights.Length)
            throw new ArgumentException($"weights has {weights.Length} values but shape {LossGeometry.Format(weightShape)}.", nameof(weights));
        SampleWeights.Broadcast(weights, weightShape, valueShape, destination, "custom function");
    }
}
