using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TbLogger.Protos;

namespace TbLogger.Deferred;

/// <summary>
/// An image (or a batch tiled into one grid) converted, tiled and PNG-encoded on the writer's thread. On the caller:
/// the shape and the grid size are checked, and the pixels (bytes, floats or bools as given) are copied into a pooled
/// buffer; floats are checked for NaN in the same pass.
/// </summary>
internal sealed class ImageWork<TPixel> : SummaryWork
    where TPixel : unmanaged
{
    private readonly int _length;
    private readonly ImageShape _single;
    private readonly ImageBatchShape? _batch;
    private readonly ImageOptions _options;
    private readonly string _parameterName;

    private ImageWork(string tag, ArrayPool<byte> pool, int length, ImageShape single, ImageBatchShape? batch, ImageOptions options, string parameterName)
        : base(tag, pool, (long)length * Unsafe.SizeOf<TPixel>())
    {
        _length = length;
        _single = single;
        _batch = batch;
        _options = options;
        _parameterName = parameterName;
    }

    /// <summary>One image; throws what <see cref="Summaries.Image(string, ReadOnlySpan{byte}, ImageShape, ImageOptions?)"/> throws.</summary>
    public static ImageWork<TPixel> Create(string tag, ReadOnlySpan<TPixel> pixels, ImageShape shape, ImageOptions options, ArrayPool<byte> pool, string parameterName)
    {
        ImageDimensions.Validate(shape, pixels.Length, parameterName);
        var work = new ImageWork<TPixel>(tag, pool, pixels.Length, shape, null, options, parameterName);
        work.CopyOrThrow(pixels, 1, shape.Height, shape.Width, shape.Channels);
        return work;
    }

    /// <summary>A batch; throws what <see cref="Summaries.Images(string, ReadOnlySpan{byte}, ImageBatchShape, ImageOptions?)"/> throws.</summary>
    public static ImageWork<TPixel> Create(string tag, ReadOnlySpan<TPixel> pixels, ImageBatchShape shape, ImageOptions options, ArrayPool<byte> pool, string parameterName)
    {
        ImageDimensions.Validate(shape, pixels.Length, parameterName);
        var work = new ImageWork<TPixel>(tag, pool, pixels.Length, default, shape, options, parameterName);
        work.CopyOrThrow(pixels, shape.Count, shape.Height, shape.Width, shape.Channels);
        return work;
    }

    private void CopyOrThrow(ReadOnlySpan<TPixel> pixels, int count, int height, int width, int channels)
    {
        try
        {
            var copy = PixelsIn(Buffer);
            if (typeof(TPixel) == typeof(float))
            {
                if (CheckedCopy.Copy<float, CheckedCopy.NaN<float>>(MemoryMarshal.Cast<TPixel, float>(pixels), MemoryMarshal.Cast<TPixel, float>(copy)))
                {
                    ToPixels(pixels); // the conversion throws the error naming the first NaN, as it always did
                    throw new System.Diagnostics.UnreachableException("A NaN was seen while copying but not when converting.");
                }
            }
            else
            {
                pixels.CopyTo(copy);
            }
            Summaries.CheckImageSize(count, height, width, channels, _options, _parameterName);
        }
        catch
        {
            Release();
            throw;
        }
    }

    private Span<TPixel> PixelsIn(byte[] buffer) => MemoryMarshal.Cast<byte, TPixel>(buffer.AsSpan())[.._length];

    private ImagePixels ToPixels(ReadOnlySpan<TPixel> pixels)
    {
        if (typeof(TPixel) == typeof(byte))
        {
            var bytes = MemoryMarshal.Cast<TPixel, byte>(pixels);
            return _batch is { } b ? ImagePixels.From(bytes, b, _parameterName) : ImagePixels.From(bytes, _single, _parameterName);
        }
        if (typeof(TPixel) == typeof(float))
        {
            var floats = MemoryMarshal.Cast<TPixel, float>(pixels);
            return _batch is { } b ? ImagePixels.From(floats, b, _parameterName) : ImagePixels.From(floats, _single, _parameterName);
        }
        if (typeof(TPixel) == typeof(bool))
        {
            var bools = MemoryMarshal.Cast<TPixel, bool>(pixels);
            return _batch is { } b ? ImagePixels.From(bools, b, _parameterName) : ImagePixels.From(bools, _single, _parameterName);
        }
        throw new NotSupportedException($"Pixels of type {typeof(TPixel)} are not supported.");
    }

    /// <inheritdoc />
    protected override Summary BuildFrom(byte[] buffer) => Summaries.ImageFromPixels(Tag, ToPixels(PixelsIn(buffer)), _options);
}
