using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// Sample-weight broadcasting for the confusion, F-score and IoU metrics, following Keras: a weight tensor of rank
/// r − 1 gets a trailing axis (so [batch] weights apply per row of [batch, classes] data), lower ranks are padded
/// with trailing axes too, extra trailing axes of length 1 are dropped, and the result must broadcast (numpy rules)
/// to the data shape.
/// </summary>
internal static class ConfusionWeights
{
    /// <summary>
    /// Returns the weights as empty (none given), one value (a scalar to apply everywhere) or one weight per element
    /// of <paramref name="shape"/>, row-major. Broadcast weights are materialised in <paramref name="expanded"/>.
    /// </summary>
    /// <param name="sampleWeight">The caller's weights; default/empty means none.</param>
    /// <param name="shape">The data shape the weights apply to.</param>
    /// <param name="flat">Scratch for flattening non-dense weights.</param>
    /// <param name="expanded">Scratch for broadcast weights.</param>
    /// <param name="dataName">Name of the data argument in error messages.</param>
    /// <returns>The weights.</returns>
    /// <exception cref="ArgumentException">The shapes do not broadcast, or a weight is NaN.</exception>
    public static ReadOnlySpan<float> Expand(in ReadOnlyTensorSpan<float> sampleWeight, ReadOnlySpan<nint> shape,
                                             ref float[]? flat, ref float[]? expanded, string dataName = "yPred")
    {
        if (sampleWeight.IsEmpty) return [];
        ReadOnlySpan<float> w = MetricGuard.Flatten(sampleWeight, ref flat);
        MetricGuard.RequireNoNaN(w, "sampleWeight");
        if (w.Length == 1) return w;
        long n = 1;
        foreach (var d in shape) n *= d;

        ReadOnlySpan<nint> wShape = sampleWeight.Lengths;
        while (wShape.Length > shape.Length && wShape[^1] == 1) wShape = wShape[..^1];
        if (wShape.Length > shape.Length) throw Mismatch(sampleWeight.Lengths, shape, dataName);
        // Trailing axes of length 1 up to the data rank (Keras expands [batch] to [batch, 1]).
        Span<nint> padded = stackalloc nint[shape.Length];
        padded.Fill(1);
        wShape.CopyTo(padded);
        bool same = true;
        for (int k = 0; k < shape.Length; k++)
        {
            if (padded[k] != shape[k])
            {
                same = false;
                if (padded[k] != 1) throw Mismatch(sampleWeight.Lengths, shape, dataName);
            }
        }
        if (same) return w;

        // Source strides of the padded weight shape, 0 along broadcast axes.
        Span<nint> strides = stackalloc nint[shape.Length];
        nint stride = 1;
        for (int k = shape.Length - 1; k >= 0; k--)
        {
            strides[k] = padded[k] == 1 ? 0 : stride;
            stride *= padded[k];
        }
        var dest = MetricGuard.Scratch(ref expanded, checked((int)n));
        Span<nint> position = stackalloc nint[shape.Length];
        position.Clear();
        nint source = 0;
        for (int i = 0; i < dest.Length; i++)
        {
            dest[i] = w[(int)source];
            for (int k = shape.Length - 1; k >= 0; k--)
            {
                position[k]++;
                source += strides[k];
                if (position[k] < shape[k]) break;
                source -= strides[k] * position[k];
                position[k] = 0;
            }
        }
        return dest;
    }

    private static ArgumentException Mismatch(ReadOnlySpan<nint> weightShape, ReadOnlySpan<nint> shape, string dataName)
        => MetricGuard.ShapeMismatch("sampleWeight", weightShape, dataName, shape, "the weights do not broadcast to the data.");
}
