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
        PixelConversion.ToInterleaved(pixels, shape.Layout == ImageLayout.CHW, 1, shape.Height, shape.Width, shape.Channels, result.Data);
        return result;
    }

    public static ImagePixels From(ReadOnlySpan<float> pixels, ImageShape shape, string parameterName)
    {
        ImageDimensions.Validate(shape, pixels.Length, parameterName);
        var result = new ImagePixels(new byte[pixels.Length], 1, shape.Height, shape.Width, shape.Channels);
        PixelConversion.ToInterleaved(pixels, shape.Layout == ImageLayout.CHW, 1, shape.Height, shape.Width, shape.Channels, result.Data, parameterName);
        return result;
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
