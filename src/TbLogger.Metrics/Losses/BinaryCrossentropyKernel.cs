using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>Element-wise binary cross-entropy and its derivative, for probabilities (clipped) or logits (stable form).</summary>
internal static class BinaryCrossentropyKernel
{
    /// <summary>−(t·log o + (1 − t)·log(1 − o)) with o = clip(p, ε, 1 − ε), Keras's probability form.</summary>
    public static void Probabilities(ReadOnlySpan<float> t, ReadOnlySpan<float> p, Span<float> loss, float epsilon)
    {
        for (int i = 0; i < p.Length; i++)
        {
            float o = RowOps.ClipProbability(p[i], epsilon);
            loss[i] = -(t[i] * MathF.Log(o) + (1f - t[i]) * MathF.Log(1f - o));
        }
    }

    public static void ProbabilitiesDerivative(ReadOnlySpan<float> t, ReadOnlySpan<float> p, Span<float> d, float epsilon)
    {
        for (int i = 0; i < p.Length; i++)
            d[i] = RowOps.InsideClip(p[i], epsilon) ? (1f - t[i]) / (1f - p[i]) - t[i] / p[i] : 0f;
    }

    /// <summary>max(x, 0) − x·t + log1p(exp(−|x|)): the logits form that neither overflows nor loses precision (TF's sigmoid_cross_entropy_with_logits).</summary>
    public static void Logits(ReadOnlySpan<float> t, ReadOnlySpan<float> x, Span<float> loss)
    {
        for (int i = 0; i < x.Length; i++)
            loss[i] = MathF.Max(x[i], 0f) - x[i] * t[i] + MathF.Log(1f + MathF.Exp(-MathF.Abs(x[i])));
    }

    /// <summary>σ(x) − t.</summary>
    public static void LogitsDerivative(ReadOnlySpan<float> t, ReadOnlySpan<float> x, Span<float> d)
    {
        TensorPrimitives.Sigmoid(x, d);
        TensorPrimitives.Subtract(d, t, d);
    }
}
