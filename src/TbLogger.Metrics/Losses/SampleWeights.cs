namespace TbLogger.Metrics.Losses;

/// <summary>Broadcasts sample weights onto the per-sample loss shape the way Keras and TF.js do.</summary>
internal static class SampleWeights
{
    /// <summary>
    /// Writes the weight of every per-sample value into <paramref name="destination"/>. A single weight applies to all;
    /// otherwise Keras's rule first squeezes a trailing 1 ([N, 1] weights for [N] values), leading 1s are dropped, and
    /// the rest broadcasts NumPy-style (right-aligned, each dimension equal or 1), e.g. [1, C] weights over [N, C] values.
    /// </summary>
    /// <exception cref="ArgumentException">The weights cannot be broadcast to the per-sample shape.</exception>
    public static void Broadcast(ReadOnlySpan<float> weights, ReadOnlySpan<nint> weightShape, ReadOnlySpan<nint> valueShape,
                                 Span<float> destination, string lossName)
    {
        if (weights.Length == 1)
        {
            destination.Fill(weights[0]);
            return;
        }
        ReadOnlySpan<nint> w = weightShape, v = valueShape;
        if (w.Length == v.Length + 1 && w[^1] == 1) w = w[..^1];
        else if (v.Length == w.Length + 1 && v[^1] == 1) v = v[..^1];
        while (w.Length > v.Length && w[0] == 1) w = w[1..];
        if (w.Length > v.Length) throw NotBroadcastable(weightShape, valueShape, lossName);
        if (w.SequenceEqual(v))
        {
            weights.CopyTo(destination);
            return;
        }

        int rank = v.Length, offset = rank - w.Length;
        Span<nint> strides = stackalloc nint[rank];
        nint stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            int wd = d - offset;
            if (wd < 0) { strides[d] = 0; continue; }
            if (w[wd] == v[d]) strides[d] = stride;
            else if (w[wd] == 1) strides[d] = 0;
            else throw NotBroadcastable(weightShape, valueShape, lossName);
            stride *= w[wd];
        }

        Span<nint> index = stackalloc nint[rank];
        index.Clear();
        nint source = 0;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = weights[(int)source];
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                source += strides[d];
                if (index[d] < v[d]) break;
                source -= strides[d] * index[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>Throws when a weight is negative, naming its flat index; used where a weighted mean is undefined.</summary>
    /// <exception cref="ArgumentException">A weight is negative.</exception>
    public static void RequireNonNegative(ReadOnlySpan<float> weights, string lossName)
    {
        int i = weights.IndexOfAnyInRange(float.NegativeInfinity, -float.Epsilon);
        if (i >= 0)
            throw new ArgumentException(
                $"sampleWeight[{i}] is {weights[i]}, but loss '{lossName}' with a weighted-mean reduction needs non-negative weights " +
                "(a weighted mean is undefined otherwise).", "sampleWeight");
    }

    private static ArgumentException NotBroadcastable(ReadOnlySpan<nint> weightShape, ReadOnlySpan<nint> valueShape, string lossName)
        => new($"sampleWeight has shape {LossGeometry.Format(weightShape)}, which cannot be broadcast to the per-sample shape " +
               $"{LossGeometry.Format(valueShape)} of loss '{lossName}'.", "sampleWeight");
}
