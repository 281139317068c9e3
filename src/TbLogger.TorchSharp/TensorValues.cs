using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.TorchSharp;

/// <summary>
/// A tensor's elements as a row-major CPU span of <typeparamref name="T"/>. When the tensor already is a contiguous
/// CPU tensor of that element type the span is its own memory (no copy); otherwise it views a detached, contiguous CPU
/// copy converted to that type, which <see cref="Dispose"/> frees. Valid until disposed or the tensor changes.
/// </summary>
internal readonly ref struct TensorValues<T> where T : unmanaged
{
    private readonly Tensor? _copy;

    internal TensorValues(ReadOnlySpan<T> span, long[] shape, Tensor? copy)
    {
        Span = span;
        Shape = shape;
        _copy = copy;
    }

    /// <summary>The elements, row-major.</summary>
    public ReadOnlySpan<T> Span { get; }

    /// <summary>The tensor's dimensions.</summary>
    public long[] Shape { get; }

    /// <summary>True when <see cref="Span"/> views a converted copy rather than the tensor's own memory.</summary>
    public bool IsCopy => _copy is not null;

    /// <summary>The shape as the <c>nint</c> lengths a <c>ReadOnlyTensorSpan</c> takes.</summary>
    public nint[] Lengths()
    {
        var lengths = new nint[Shape.Length];
        for (int i = 0; i < lengths.Length; i++) lengths[i] = checked((nint)Shape[i]);
        return lengths;
    }

    public void Dispose() => _copy?.Dispose();
}

/// <summary>Guards and conversions shared by every tensor overload.</summary>
internal static class TensorRead
{
    /// <summary>Throws when <paramref name="tensor"/> is null or has been disposed.</summary>
    public static void CheckUsable(Tensor? tensor, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(tensor, parameterName);
        if (tensor.IsInvalid)
        {
            throw new ArgumentException($"The tensor '{parameterName}' has been disposed.", parameterName);
        }
    }

    /// <summary>Reads <paramref name="tensor"/> as <paramref name="dtype"/> elements (see <see cref="TensorValues{T}"/>).</summary>
    public static TensorValues<T> Values<T>(Tensor tensor, ScalarType dtype, string parameterName) where T : unmanaged
    {
        CheckUsable(tensor, parameterName);
        long[] shape = tensor.shape;
        long count = tensor.numel();
        if (count * Marshal.SizeOf<T>() > int.MaxValue)
        {
            throw new ArgumentException($"The tensor '{parameterName}' of shape {Format(shape)} is larger than 2 GB, which one span cannot hold.", parameterName);
        }
        if (tensor.device_type == DeviceType.CPU && tensor.dtype == dtype && tensor.is_contiguous())
        {
            // The tensor's own memory: reading it builds no autograd history and copies nothing.
            return new TensorValues<T>(count == 0 ? default : MemoryMarshal.Cast<byte, T>(tensor.bytes), shape, null);
        }
        Tensor copy = ContiguousCpuCopy(tensor, dtype);
        return new TensorValues<T>(count == 0 ? default : MemoryMarshal.Cast<byte, T>(copy.bytes), shape, copy);
    }

    /// <summary>A detached, contiguous CPU copy of <paramref name="tensor"/> as <paramref name="dtype"/>; intermediates are freed.</summary>
    public static Tensor ContiguousCpuCopy(Tensor tensor, ScalarType dtype)
    {
        using var guard = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor t = tensor.detach();
        if (t.device_type != DeviceType.CPU) t = t.cpu();
        if (t.dtype != dtype) t = t.to_type(dtype);
        t = t.contiguous();
        // contiguous() of a contiguous tensor shares its storage; clone so the copy never aliases the caller's tensor.
        if (tensor.device_type == DeviceType.CPU && tensor.dtype == dtype && tensor.is_contiguous()) t = t.clone();
        // Ours alone: not left in a scope the caller may have open, since the caller of this method disposes it.
        return t.DetachFromDisposeScope();
    }

    /// <summary>The element type a reader should ask for to lose nothing: double for float64 and wide integers, else float.</summary>
    public static bool PrefersDouble(Tensor tensor) =>
        tensor.dtype is ScalarType.Float64 or ScalarType.Int64 or ScalarType.Int32;

    /// <summary>Formats a shape as PyTorch prints it, e.g. <c>[3, 8, 8]</c>.</summary>
    public static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>A dimension as an <c>int</c>, or a clear error when it is too large for an image or matrix.</summary>
    public static int Dim(long[] shape, int index, string parameterName)
    {
        long d = shape[index];
        if (d > int.MaxValue)
        {
            throw new ArgumentException($"The tensor '{parameterName}' of shape {Format(shape)} has a dimension too large to log.", parameterName);
        }
        return (int)d;
    }
}
