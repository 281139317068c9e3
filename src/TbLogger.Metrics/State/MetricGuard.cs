using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace TbLogger.Metrics;

/// <summary>Shape checks, flattening and scratch buffers shared by metric implementations. Messages name both shapes.</summary>
public static class MetricGuard
{
    /// <summary>Formats a shape the way error messages show it, e.g. <c>[4, 3]</c>.</summary>
    /// <param name="lengths">The dimension lengths.</param>
    /// <returns>The text.</returns>
    public static string FormatShape(ReadOnlySpan<nint> lengths)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < lengths.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(lengths[i]);
        }
        return sb.Append(']').ToString();
    }

    /// <summary>Formats a tensor's shape, e.g. <c>[4, 3]</c>.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <returns>The text.</returns>
    public static string FormatShape(in ReadOnlyTensorSpan<float> tensor) => FormatShape(tensor.Lengths);

    /// <summary>Builds the standard mismatch exception: "yTrue has shape [4, 3] but yPred has shape [4, 2]".</summary>
    /// <param name="aName">Name of the first argument.</param>
    /// <param name="a">Its shape.</param>
    /// <param name="bName">Name of the second argument.</param>
    /// <param name="b">Its shape.</param>
    /// <param name="detail">Optional extra sentence.</param>
    /// <returns>The exception to throw.</returns>
    public static ArgumentException ShapeMismatch(string aName, ReadOnlySpan<nint> a, string bName, ReadOnlySpan<nint> b, string? detail = null)
        => new($"{aName} has shape {FormatShape(a)} but {bName} has shape {FormatShape(b)}" + (detail is null ? "." : "; " + detail), bName);

    /// <summary>Requires identical shapes.</summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static void RequireSameShape(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred)
    {
        if (!yTrue.Lengths.SequenceEqual(yPred.Lengths))
            throw ShapeMismatch("yTrue", yTrue.Lengths, "yPred", yPred.Lengths);
    }

    /// <summary>
    /// Requires the same shape up to one trailing dimension of length 1 on either side (Keras's
    /// <c>squeeze_or_expand_to_same_rank</c>): [N] matches [N, 1].
    /// </summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <exception cref="ArgumentException">The shapes are not compatible.</exception>
    public static void RequireSameShapeUpToTrailingOne(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred)
    {
        if (!SameShapeUpToTrailingOne(yTrue.Lengths, yPred.Lengths))
            throw ShapeMismatch("yTrue", yTrue.Lengths, "yPred", yPred.Lengths);
    }

    /// <summary>True when the shapes are equal, or equal after dropping a trailing 1 from the longer one.</summary>
    /// <param name="a">First shape.</param>
    /// <param name="b">Second shape.</param>
    /// <returns>Whether they are compatible.</returns>
    public static bool SameShapeUpToTrailingOne(ReadOnlySpan<nint> a, ReadOnlySpan<nint> b)
    {
        if (a.SequenceEqual(b)) return true;
        if (a.Length == b.Length + 1 && a[^1] == 1) return a[..^1].SequenceEqual(b);
        if (b.Length == a.Length + 1 && b[^1] == 1) return b[..^1].SequenceEqual(a);
        return false;
    }

    /// <summary>Number of samples: the length of the first dimension.</summary>
    /// <param name="t">The tensor.</param>
    /// <returns>Lengths[0], or 0 when the tensor has no dimensions.</returns>
    public static int BatchSize(in ReadOnlyTensorSpan<float> t) => t.Rank == 0 ? 0 : checked((int)t.Lengths[0]);

    /// <summary>Length of the last dimension (1 for rank 1 tensors that hold one value per sample).</summary>
    /// <param name="t">The tensor.</param>
    /// <returns>The last dimension's length, or 1 for rank ≤ 1.</returns>
    public static int LastDimension(in ReadOnlyTensorSpan<float> t) => t.Rank <= 1 ? 1 : checked((int)t.Lengths[t.Rank - 1]);

    /// <summary>
    /// The tensor's elements in row-major order as one span: zero-copy when the tensor is dense, otherwise copied into
    /// <paramref name="scratch"/> (grown once, then reused).
    /// </summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="scratch">A per-instance scratch buffer.</param>
    /// <returns>The flattened elements.</returns>
    public static ReadOnlySpan<float> Flatten(in ReadOnlyTensorSpan<float> tensor, ref float[]? scratch)
    {
        int n = checked((int)tensor.FlattenedLength);
        if (n == 0) return [];
        if (tensor.IsDense)
            return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in tensor.GetPinnableReference()), n);
        var dest = Scratch(ref scratch, n);
        tensor.FlattenTo(dest);
        return dest;
    }

    /// <summary>A span of <paramref name="length"/> elements over <paramref name="buffer"/>, growing it when too small (contents unspecified).</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="buffer">A per-instance buffer field.</param>
    /// <param name="length">Needed length.</param>
    /// <returns>The span.</returns>
    public static Span<T> Scratch<T>(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new T[Math.Max(length, 16)];
        return buffer.AsSpan(0, length);
    }

    /// <summary>Throws when <paramref name="values"/> contains NaN, naming the argument and the first bad index.</summary>
    /// <param name="values">The values.</param>
    /// <param name="argumentName">e.g. "yPred".</param>
    /// <exception cref="ArgumentException">A NaN was found.</exception>
    public static void RequireNoNaN(ReadOnlySpan<float> values, string argumentName)
    {
        if (!TensorPrimitives.IsNaNAny(values)) return;
        int i = 0;
        while (!float.IsNaN(values[i])) i++;
        throw new ArgumentException($"{argumentName} contains NaN at flat index {i}.", argumentName);
    }
}
