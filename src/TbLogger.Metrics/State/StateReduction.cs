using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// The element-wise reduction an all-reduce performs on <see cref="MetricState.ToVector"/> vectors, for jobs
/// that gather vectors themselves (files in a shared directory, a coordinator) instead of calling MPI or NCCL.
/// </summary>
public static class StateReduction
{
    /// <summary>Reduces <paramref name="other"/> into <paramref name="accumulator"/>, element by element.</summary>
    /// <param name="accumulator">One rank's vector; receives the result.</param>
    /// <param name="other">Another rank's vector.</param>
    /// <param name="reductions">From <see cref="MetricState.GetReductions"/>.</param>
    /// <exception cref="ArgumentException">The three lengths differ, or a reduction is <see cref="StateMerge.Concatenate"/>.</exception>
    public static void ReduceInto(Span<double> accumulator, ReadOnlySpan<double> other, ReadOnlySpan<StateMerge> reductions)
    {
        if (accumulator.Length != other.Length || accumulator.Length != reductions.Length)
            throw new ArgumentException($"Vectors of {accumulator.Length} and {other.Length} values with {reductions.Length} reductions cannot be reduced together.");
        int i = 0;
        while (i < reductions.Length)
        {
            // Runs of one reduction go through the vectorised primitives.
            StateMerge kind = reductions[i];
            int end = i + 1;
            while (end < reductions.Length && reductions[end] == kind) end++;
            var a = accumulator[i..end];
            var b = other[i..end];
            switch (kind)
            {
                case StateMerge.Sum: TensorPrimitives.Add(a, b, a); break;
                case StateMerge.Min: TensorPrimitives.Min(a, b, a); break;
                case StateMerge.Max: TensorPrimitives.Max(a, b, a); break;
                default: throw new ArgumentException($"Reduction {kind} at element {i} is not element-wise.", nameof(reductions));
            }
            i = end;
        }
    }

    /// <summary>Reduces every rank's vector (what an all-reduce returns to each rank).</summary>
    /// <param name="vectors">One vector per rank, all of the same length.</param>
    /// <param name="reductions">From <see cref="MetricState.GetReductions"/>.</param>
    /// <returns>A new reduced vector.</returns>
    /// <exception cref="ArgumentException">No vectors, or lengths differ.</exception>
    public static double[] Reduce(IEnumerable<double[]> vectors, ReadOnlySpan<StateMerge> reductions)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        double[]? result = null;
        foreach (var v in vectors)
        {
            if (result is null) result = (double[])v.Clone();
            else ReduceInto(result, v, reductions);
        }
        return result ?? throw new ArgumentException("No vectors to reduce.", nameof(vectors));
    }
}
