using System.Buffers;
using System.Numerics.Tensors;

namespace TbLogger;

/// <summary>
/// A private copy of one image or a batch as 8-bit NHWC (interleaved) pixels, made on the caller's thread so the
/// caller may reuse its buffer at once; grid tiling and PNG encoding then run later on the writer's thread.
/// </summary>
internal sealed class ImagePixels
{
    private ImagePixels(byte[] data, int count, int height, int width, int channels)
    {
        Data = data;
        Count = count;
        Height = height;
        Width = width;
        Channels = channels;
    }

    /// <summary>NHWC pixels, exactly Count × Height × Width × Channels bytes.</summary>
    public byte[] Data { get; }

    public int Count { get; }

    public int Height { get; }

    public int Width { get; }

    public int Channels { get; }

    public static ImagePixels From(ReadOnlySpan<byte> pixels, ImageShape shape, string parameterName)
    {
        ImageDimensions.Validate(shape, pixels.Length, parameterName);
        var result = new ImagePixels(new byte[pixels.Length], 1, shape.Height, shape.Width, shape.Channels);
        if (shape.Layout == ImageLayout.WH)
        {
            Transpose(pixels, shape.Width, shape.Height, result.Data);
            return result;
        }
        PixelConversion.ToInterleaved(pixels, shape.Layout == ImageLayout.CHW, 1, shape.Height, shape.Width, shape.Channels, result.Data);
        return result;
    }

    public static ImagePixels From(ReadOnlySpan<float> pixels, ImageShape shape, string parameterName)
    {
        ImageDimensions.Validate(shape, pixels.Length, parameterName);
        var result = new ImagePixels(new byte[pixels.Length], 1, shape.Height, shape.Width, shape.Channels);
        PixelConversion.ToInterleaved(pixels, shape.Layout == ImageLayout.CHW, 1, shape.Height, shape.Width, shape.Channels, result.Data, parameterName);
        if (shape.Layout == ImageLayout.WH)
        {
            byte[] columns = (byte[])result.Data.Clone();
            Transpose<byte>(columns, shape.Width, shape.Height, result.Data);
        }
        return result;
    }

    /// <summary>A mask: false is black (0), true is white (255), as PyTorch scales a bool tensor.</summary>
    public static ImagePixels From(ReadOnlySpan<bool> pixels, ImageShape shape, string parameterName)
    {
        ImageDimensions.Validate(shape, pixels.Length, parameterName);
        return From(MaskBytes(pixels), shape, parameterName);
    }

    /// <summary>A batch of masks: false is black (0), true is white (255), as PyTorch scales a bool tensor.</summary>
    public static ImagePixels From(ReadOnlySpan<bool> pixels, ImageBatchShape shape, string parameterName)
    {
        ImageDimensions.Validate(shape, pixels.Length, parameterName);
        return From(MaskBytes(pixels), shape, parameterName);
    }

    private static byte[] MaskBytes(ReadOnlySpan<bool> pixels)
    {
        byte[] bytes = new byte[pixels.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = pixels[i] ? (byte)255 : (byte)0;
        }
        return bytes;
    }

    /// <summary>Column-major [outer][inner] to row-major [inner][outer]: source[o × inner + i] goes to target[i × outer + o].</summary>
    private static void Transpose<T>(ReadOnlySpan<T> source, int outer, int inner, Span<T> target)
    {
        for (int o = 0; o < outer; o++)
        {
            var column = source.Slice(o * inner, inner);
            for (int i = 0; i < inner; i++)
            {
                target[i * outer + o] = column[i];
            }
        }
    }

    public static ImagePixels From(ReadOnlySpan<byte> pixels, ImageBatchShape shape, string parameterName)
    {
        ImageDimensions.Validate(shape, pixels.Length, parameterName);
        var result = new ImagePixels(new byte[pixels.Length], shape.Count, shape.Height, shape.Width, shape.Channels);
        PixelConversion.ToInterleaved(pixels, shape.Layout == ImageBatchLayout.NCHW, shape.Count, shape.Height, shape.Width, shape.Channels, result.Data);
        return result;
    }

    public static ImagePixels From(ReadOnlySpan<float> pixels, ImageBatchShape shape, string parameterName)
    {
        ImageDimensions.Validate(shape, pixels.Length, parameterName);
        var result = new ImagePixels(new byte[pixels.Length], shape.Count, shape.Height, shape.Width, shape.Channels);
        PixelConversion.ToInterleaved(pixels, shape.Layout == ImageBatchLayout.NCHW, shape.Count, shape.Height, shape.Width, shape.Channels, result.Data, parameterName);
        return result;
    }

    public static ImagePixels From(in ReadOnlyTensorSpan<byte> image, ImageLayout layout, string parameterName)
    {
        ImageShape shape = TensorInput.ImageShapeOf(image.Lengths, layout, parameterName);
        byte[] rented = TensorInput.Flatten(image, out int length);
        try
        {
            return From(rented.AsSpan(0, length), shape, parameterName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static ImagePixels From(in ReadOnlyTensorSpan<float> image, ImageLayout layout, string parameterName)
    {
        ImageShape shape = TensorInput.ImageShapeOf(image.Lengths, layout, parameterName);
        float[] rented = TensorInput.Flatten(image, out int length);
        try
        {
            return From(rented.AsSpan(0, length), shape, parameterName);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    public static ImagePixels From(in ReadOnlyTensorSpan<byte> batch, ImageBatchLayout layout, string parameterName)
    {
        ImageBatchShape shape = TensorInput.BatchShapeOf(batch.Lengths, layout, parameterName);
        byte[] rented = TensorInput.Flatten(batch, out int length);
        try
        {
            return From(rented.AsSpan(0, length), shape, parameterName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static ImagePixels From(in ReadOnlyTensorSpan<float> batch, ImageBatchLayout layout, string parameterName)
    {
        ImageBatchShape shape = TensorInput.BatchShapeOf(batch.Lengths, layout, parameterName);
        float[] rented = TensorInput.Flatten(batch, out int length);
        try
        {
            return From(rented.AsSpan(0, length), shape, parameterName);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
