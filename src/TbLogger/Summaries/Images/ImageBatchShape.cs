namespace TbLogger;

/// <summary>
/// The shape and memory layout of a batch of equally sized images: e.g. <c>ImageBatchShape.Nchw(4, 3, 5, 7)</c>.
/// Channels are 1 (gray), 3 (RGB) or 4 (RGBA).
/// </summary>
/// <param name="Layout">The order of the dimensions in memory.</param>
/// <param name="Count">Images, at least 1.</param>
/// <param name="Height">Rows of each image, at least 1.</param>
/// <param name="Width">Columns of each image, at least 1.</param>
/// <param name="Channels">1, 3 or 4.</param>
public readonly record struct ImageBatchShape(ImageBatchLayout Layout, int Count, int Height, int Width, int Channels)
{
    /// <summary>A batch in PyTorch's order.</summary>
    /// <param name="count">Images.</param>
    /// <param name="channels">1, 3 or 4.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <returns>The shape.</returns>
    public static ImageBatchShape Nchw(int count, int channels, int height, int width) =>
        new(ImageBatchLayout.NCHW, count, height, width, channels);

    /// <summary>A batch in TensorFlow's order.</summary>
    /// <param name="count">Images.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="channels">1, 3 or 4.</param>
    /// <returns>The shape.</returns>
    public static ImageBatchShape Nhwc(int count, int height, int width, int channels) =>
        new(ImageBatchLayout.NHWC, count, height, width, channels);

    /// <summary>The number of values the shape needs, or -1 when it overflows.</summary>
    public long ElementCount
    {
        get
        {
            long one = ImageDimensions.Count(Height, Width, Channels);
            return one < 0 || Count < 0 || (Count > 0 && one > Array.MaxLength / Count) ? -1 : one * Count;
        }
    }

    /// <summary>The layout and dimensions in layout order, e.g. "NCHW [4, 3, 5, 7]".</summary>
    /// <returns>The description used in error messages.</returns>
    public override string ToString() => Layout switch
    {
        ImageBatchLayout.NCHW => $"NCHW [{Count}, {Channels}, {Height}, {Width}]",
        ImageBatchLayout.NHWC => $"NHWC [{Count}, {Height}, {Width}, {Channels}]",
        _ => $"{Layout} [{Count}, {Height}, {Width}, {Channels}]",
    };
}
