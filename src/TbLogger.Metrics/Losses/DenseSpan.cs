using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TbLogger.Metrics.Losses;

/// <summary>Row-major contiguous access to a tensor span: zero-copy when it is dense, otherwise flattened into scratch.</summary>
internal static class DenseSpan
{
    public static ReadOnlySpan<float> Of(in ReadOnlyTensorSpan<float> tensor, LossScratch scratch, int slot)
    {
        int n = checked((int)tensor.FlattenedLength);
        if (n == 0) return ReadOnlySpan<float>.Empty;
        if (tensor.IsDense)
            return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in tensor.GetPinnableReference()), n);
        // Strided or broadcast views (e.g. a slice of a larger tensor) are copied once into reusable scratch.
        Span<float> buffer = scratch.Get(slot, n);
        tensor.FlattenTo(buffer);
        return buffer;
    }
}
