using System.Numerics.Tensors;

namespace TbLogger.Projector;

/// <summary>
/// One thumbnail per point of an embedding, tiled into sprite.png: a square grid of ceil(√N) × ceil(√N) cells in
/// point order, row by row, unused cells black, as <c>torch.utils.tensorboard</c>'s <c>add_embedding(label_img=...)</c>
/// builds it. The pixels are copied when the sprite is created.
/// </summary>
public sealed class EmbeddingSprite
{
    private EmbeddingSprite(ImagePixels pixels) => Pixels = pixels;

    /// <summary>The number of thumbnails.</summary>
    public int Count => Pixels.Count;

    /// <summary>Thumbnail height in pixels.</summary>
    public int ImageHeight => Pixels.Height;

    /// <summary>Thumbnail width in pixels.</summary>
    public int ImageWidth => Pixels.Width;

    internal ImagePixels Pixels { get; }

    /// <summary>Thumbnails from bytes 0..255.</summary>
    /// <param name="pixels">The batch, laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">One image per point, e.g. <c>ImageBatchShape.Nchw(16, 3, 8, 8)</c>.</param>
    /// <returns>The sprite.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size or unsupported channels.</exception>
    public static EmbeddingSprite From(ReadOnlySpan<byte> pixels, ImageBatchShape shape) => Checked(ImagePixels.From(pixels, shape, nameof(pixels)));

    /// <summary>Thumbnails from floats in [0, 1] (clamped; NaN rejected).</summary>
    /// <param name="pixels">The batch, laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">One image per point.</param>
    /// <returns>The sprite.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size, unsupported channels or NaN.</exception>
    public static EmbeddingSprite From(ReadOnlySpan<float> pixels, ImageBatchShape shape) => Checked(ImagePixels.From(pixels, shape, nameof(pixels)));

    /// <summary>Thumbnails from a rank-4 tensor of bytes.</summary>
    /// <param name="batch">NCHW or NHWC, values 0..255.</param>
    /// <param name="layout">How to read the dimensions.</param>
    /// <returns>The sprite.</returns>
    /// <exception cref="ArgumentException">Wrong rank, zero size or unsupported channels.</exception>
    public static EmbeddingSprite From(in ReadOnlyTensorSpan<byte> batch, ImageBatchLayout layout) => Checked(ImagePixels.From(batch, layout, nameof(batch)));

    /// <summary>Thumbnails from a rank-4 tensor of floats in [0, 1].</summary>
    /// <param name="batch">NCHW or NHWC, values in [0, 1].</param>
    /// <param name="layout">How to read the dimensions.</param>
    /// <returns>The sprite.</returns>
    /// <exception cref="ArgumentException">Wrong rank, zero size, unsupported channels or NaN.</exception>
    public static EmbeddingSprite From(in ReadOnlyTensorSpan<float> batch, ImageBatchLayout layout) => Checked(ImagePixels.From(batch, layout, nameof(batch)));

    /// <summary>Cells per row and per column: the smallest k with k × k ≥ <see cref="Count"/>.</summary>
    public int GridSize
    {
        get
        {
            int k = (int)Math.Sqrt(Count);
            while ((long)k * k < Count)
            {
                k++;
            }
            return k;
        }
    }

    /// <summary>Encodes the sprite as a PNG with the thumbnails' channels.</summary>
    /// <returns>The sprite.png bytes.</returns>
    public byte[] EncodePng()
    {
        int k = GridSize;
        var options = new ImageOptions { Columns = k };
        byte[] grid = ImageGrid.Tile(Pixels, options, out int height, out int width);
        // The projector expects a square grid of k rows even when the last rows are empty.
        int fullHeight = k * Pixels.Height;
        if (fullHeight != height)
        {
            Array.Resize(ref grid, fullHeight * width * Pixels.Channels);
        }
        return PngEncoder.Encode(grid, fullHeight, width, Pixels.Channels);
    }

    private static EmbeddingSprite Checked(ImagePixels pixels)
    {
        var sprite = new EmbeddingSprite(pixels);
        int k = sprite.GridSize;
        if ((long)k * pixels.Height * k * pixels.Width * pixels.Channels > Array.MaxLength || (long)k * Math.Max(pixels.Height, pixels.Width) > int.MaxValue)
        {
            throw new ArgumentException($"A sprite of {pixels.Count} thumbnails of {pixels.Height}x{pixels.Width} is too large.", "pixels");
        }
        return sprite;
    }
}
