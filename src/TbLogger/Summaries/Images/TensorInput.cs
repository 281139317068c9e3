using System.Buffers;
using System.Numerics.Tensors;

namespace TbLogger;

/// <summary>Reads System.Numerics.Tensors inputs: shapes checked against a layout, elements copied in row-major order.</summary>
internal static class TensorInput
{
    /// <summary>Copies the elements (any strides) into a pooled array; the caller returns it to <see cref="ArrayPool{T}.Shared"/>.</summary>
    public static T[] Flatten<T>(in ReadOnlyTensorSpan<T> tensor, out int length)
    {
        if (tensor.FlattenedLength > Array.MaxLength)
        {
            throw new ArgumentException($"A tensor of shape {Describe(tensor.Lengths)} is too large.", nameof(tensor));
        }
        length = (int)tensor.FlattenedLength;
        T[] rented = ArrayPool<T>.Shared.Rent(Math.Max(length, 1));
        if (length > 0)
        {
            tensor.FlattenTo(rented.AsSpan(0, length));
        }
        return rented;
    }

    public static string Describe(ReadOnlySpan<nint> lengths) => "[" + string.Join(", ", lengths.ToArray()) + "]";

    public static ImageShape ImageShapeOf(ReadOnlySpan<nint> lengths, ImageLayout layout, string parameterName)
    {
        int rank = layout is ImageLayout.HW or ImageLayout.WH ? 2 : 3;
        string expected = layout switch
        {
            ImageLayout.HW => "[H, W]",
            ImageLayout.WH => "[W, H]",
            ImageLayout.HWC => "[H, W, C]",
            ImageLayout.CHW => "[C, H, W]",
            _ => throw new ArgumentException($"Unknown image layout {layout}.", nameof(layout)),
        };
        RequireRank(lengths, rank, $"Layout {layout} needs a rank-{rank} tensor {expected}", parameterName);
        return layout switch
        {
            ImageLayout.HW => ImageShape.Hw(Dim(lengths, 0, parameterName), Dim(lengths, 1, parameterName)),
            ImageLayout.WH => ImageShape.Wh(Dim(lengths, 0, parameterName), Dim(lengths, 1, parameterName)),
            ImageLayout.HWC => ImageShape.Hwc(Dim(lengths, 0, parameterName), Dim(lengths, 1, parameterName), Dim(lengths, 2, parameterName)),
            _ => ImageShape.Chw(Dim(lengths, 0, parameterName), Dim(lengths, 1, parameterName), Dim(lengths, 2, parameterName)),
        };
    }

    public static ImageBatchShape BatchShapeOf(ReadOnlySpan<nint> lengths, ImageBatchLayout layout, string parameterName)
    {
        string expected = layout switch
        {
            ImageBatchLayout.NCHW => "[N, C, H, W]",
            ImageBatchLayout.NHWC => "[N, H, W, C]",
            _ => throw new ArgumentException($"Unknown image batch layout {layout}.", nameof(layout)),
        };
        RequireRank(lengths, 4, $"Layout {layout} needs a rank-4 tensor {expected}", parameterName);
        int n = Dim(lengths, 0, parameterName), a = Dim(lengths, 1, parameterName), b = Dim(lengths, 2, parameterName), c = Dim(lengths, 3, parameterName);
        return layout == ImageBatchLayout.NCHW ? ImageBatchShape.Nchw(n, a, b, c) : ImageBatchShape.Nhwc(n, a, b, c);
    }

    public static void RequireRank(ReadOnlySpan<nint> lengths, int rank, string expectation, string parameterName)
    {
        if (lengths.Length != rank)
        {
            throw new ArgumentException($"{expectation}; got shape {Describe(lengths)}.", parameterName);
        }
    }

    public static int Dim(ReadOnlySpan<nint> lengths, int index, string parameterName) =>
        lengths[index] <= int.MaxValue
            ? (int)lengths[index]
            : throw new ArgumentException($"Tensor shape {Describe(lengths)} has a dimension too large.", parameterName);
}
