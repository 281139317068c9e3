namespace TbLogger;

/// <summary>
/// Tiles a batch of images into one image, row by row, like torchvision's make_grid: min(count, columns) columns,
/// <see cref="ImageOptions.Padding"/> pixels between cells and around the border, empty cells and padding filled
/// with <see cref="ImageOptions.PadValue"/>. A single image is returned as it is (no padding).
/// </summary>
internal static class ImageGrid
{
    /// <summary>The grid's size; throws when it would not fit in one image.</summary>
    public static (int Height, int Width) Measure(int count, int height, int width, int channels, ImageOptions options, string parameterName)
    {
        if (count == 1)
        {
            return (height, width);
        }
        int columns = Math.Min(count, options.Columns);
        int rows = (count + columns - 1) / columns;
        long gridHeight = (long)rows * (height + (long)options.Padding) + options.Padding;
        long gridWidth = (long)columns * (width + (long)options.Padding) + options.Padding;
        if (gridHeight > int.MaxValue || gridWidth > int.MaxValue || gridHeight * gridWidth * channels > Array.MaxLength)
        {
            throw new ArgumentException(
                $"A grid of {count} images of {height}x{width} with {columns} columns and padding {options.Padding} is too large ({gridHeight}x{gridWidth}).",
                parameterName);
        }
        return ((int)gridHeight, (int)gridWidth);
    }

    /// <summary>The grid as HWC pixels with the batch's channels.</summary>
    public static byte[] Tile(ImagePixels batch, ImageOptions options, out int gridHeight, out int gridWidth)
    {
        (gridHeight, gridWidth) = Measure(batch.Count, batch.Height, batch.Width, batch.Channels, options, "batch");
        if (batch.Count == 1)
        {
            return batch.Data;
        }
        int channels = batch.Channels;
        int pad = options.Padding;
        int columns = Math.Min(batch.Count, options.Columns);
        byte[] canvas = new byte[(long)gridHeight * gridWidth * channels];
        if (options.PadValue != 0)
        {
            canvas.AsSpan().Fill(options.PadValue);
        }
        int rowBytes = batch.Width * channels;
        int imageBytes = batch.Height * rowBytes;
        int canvasStride = gridWidth * channels;
        for (int n = 0; n < batch.Count; n++)
        {
            int top = pad + (n / columns) * (batch.Height + pad);
            int left = pad + (n % columns) * (batch.Width + pad);
            var image = batch.Data.AsSpan(n * imageBytes, imageBytes);
            for (int y = 0; y < batch.Height; y++)
            {
                image.Slice(y * rowBytes, rowBytes).CopyTo(canvas.AsSpan((top + y) * canvasStride + left * channels, rowBytes));
            }
        }
        return canvas;
    }

    /// <summary>Gray HW pixels as RGB HWC pixels (R = G = B = gray), as PyTorch stores gray images.</summary>
    public static byte[] GrayToRgb(ReadOnlySpan<byte> gray)
    {
        byte[] rgb = new byte[gray.Length * 3L];
        for (int i = 0, o = 0; i < gray.Length; i++, o += 3)
        {
            byte g = gray[i];
            rgb[o] = g;
            rgb[o + 1] = g;
            rgb[o + 2] = g;
        }
        return rgb;
    }
}
