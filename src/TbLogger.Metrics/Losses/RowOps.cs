using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Row-wise helpers shared by the kernels. Rows are often short (a handful of classes), where a call into
/// TensorPrimitives costs more than the work, so short rows use plain loops and long rows the vectorised primitives.
/// </summary>
internal static class RowOps
{
    private const int VectorThreshold = 32;

    /// <summary>destination[r] = scale · Σ row r of <paramref name="x"/> (rows of <paramref name="length"/>).</summary>
    public static void SumRows(ReadOnlySpan<float> x, int length, float scale, Span<float> destination)
    {
        if (length == 1)
        {
            TensorPrimitives.Multiply(x, scale, destination);
            return;
        }
        for (int r = 0; r < destination.Length; r++)
            destination[r] = scale * Sum(x.Slice(r * length, length));
    }

    /// <summary>grad[r, k] *= scale · upstream[r]: folds the weights and reduction into per-element derivatives.</summary>
    public static void ScaleRows(Span<float> grad, int length, ReadOnlySpan<float> upstream, float scale)
    {
        if (length == 1)
        {
            TensorPrimitives.Multiply(grad, upstream, grad);
            if (scale != 1f) TensorPrimitives.Multiply(grad, scale, grad);
            return;
        }
        for (int r = 0; r < upstream.Length; r++)
        {
            var row = grad.Slice(r * length, length);
            float f = scale * upstream[r];
            if (row.Length >= VectorThreshold) TensorPrimitives.Multiply(row, f, row);
            else for (int k = 0; k < row.Length; k++) row[k] *= f;
        }
    }

    public static float Sum(ReadOnlySpan<float> x)
    {
        if (x.Length >= VectorThreshold) return TensorPrimitives.Sum(x);
        float s = 0f;
        foreach (float v in x) s += v;
        return s;
    }

    public static float Max(ReadOnlySpan<float> x)
    {
        if (x.Length >= VectorThreshold) return TensorPrimitives.Max(x);
        float m = x[0];
        for (int i = 1; i < x.Length; i++) if (x[i] > m) m = x[i];
        return m;
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length >= VectorThreshold) return TensorPrimitives.Dot(a, b);
        float s = 0f;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Keras's label smoothing: t·(1 − s) + s·<paramref name="offsetScale"/> (0.5 for binary, 1/classes for categorical).</summary>
    public static ReadOnlySpan<float> Smooth(ReadOnlySpan<float> labels, float smoothing, float offsetScale, Span<float> scratch)
    {
        if (smoothing == 0f) return labels;
        TensorPrimitives.Multiply(labels, 1f - smoothing, scratch);
        TensorPrimitives.Add(scratch, smoothing * offsetScale, scratch);
        return scratch;
    }

    /// <summary>Keras's clip of probabilities to [ε, 1 − ε] (computed in float32, as Keras does).</summary>
    public static float ClipProbability(float p, float epsilon) => Math.Clamp(p, epsilon, 1f - epsilon);

    /// <summary>Derivative of that clip: 1 strictly inside the range, 0 where clipping flattens the function.</summary>
    public static bool InsideClip(float p, float epsilon) => p > epsilon && p < 1f - epsilon;
}
