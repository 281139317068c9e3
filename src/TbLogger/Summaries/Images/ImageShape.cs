namespace TbLogger;

/// <summary>
/// The shape and memory layout of one image's pixels: e.g. <c>ImageShape.Chw(3, 8, 12)</c> for a PyTorch 3×8×12
/// tensor. Channels are 1 (gray), 3 (RGB) or 4 (RGBA).
/// </summary>
/// <param name="Layout">The order of the dimensions in memory.</param>
/// <param name="Height">Rows, at least 1.</param>
/// <param name="Width">Columns, at least 1.</param>
/// <param name="Channels">1, 3 or 4; always 1 for <see cref="ImageLayout.HW"/>.</param>
public readonly record struct ImageShape(ImageLayout Layout, int Height, int Width, int Channels)
{
    /// <summary>A gray image stored row by row.</summary>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <returns>The shape.</returns>
    public static ImageShape Hw(int height, int width) => new(ImageLayout.HW, height, width, 1);

    /// <summary>An image with interleaved channels.</summary>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="channels">1, 3 or 4.</param>
    /// <returns>The shape.</returns>
    public static ImageShape Hwc(int height, int width, int channels) => new(ImageLayout.HWC, height, width, channels);

    /// <summary>An image stored one channel plane after another.</summary>
    /// <param name="channels">1, 3 or 4.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <returns>The shape.</returns>
    public static ImageShape Chw(int channels, int height, int width) => new(ImageLayout.CHW, height, width, channels);

    /// <summary>A gray image stored column by column (PyTorch's "WH").</summary>
    /// <param name="width">Columns (the outer dimension).</param>
    /// <param name="height">Rows (the inner dimension).</param>
    /// <returns>The shape.</returns>
    public static ImageShape Wh(int width, int height) => new(ImageLayout.WH, height, width, 1);

    /// <summary>The number of values the shape needs (height × width × channels), or -1 when it overflows.</summary>
    public long ElementCount => ImageDimensions.Count(Height, Width, Channels);

    /// <summary>The layout and dimensions in layout order, e.g. "CHW [3, 8, 12]".</summary>
    /// <returns>The description used in error messages.</returns>
    public override string ToString() => Layout switch
    {
        ImageLayout.HW => $"HW [{Height}, {Width}]",
        ImageLayout.HWC => $"HWC [{Height}, {Width}, {Channels}]",
        ImageLayout.CHW => $"CHW [{Channels}, {Height}, {Width}]",
        ImageLayout.WH => $"WH [{Width}, {Height}]",
        _ => $"{Layout} [{Height}, {Width}, {Channels}]",
    };
}
