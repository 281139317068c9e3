namespace TbLogger;

/// <summary>
/// The shape and memory layout of a batch of video clips, e.g. <c>VideoShape.Ntchw(2, 16, 3, 64, 64)</c> for
/// PyTorch's (N, T, C, H, W). Channels are 1 (gray) or 3 (RGB).
/// </summary>
/// <param name="Layout">The order of the dimensions in memory.</param>
/// <param name="Count">Clips (N), at least 1; shown side by side in one GIF, like PyTorch.</param>
/// <param name="Frames">Frames per clip (T), at least 1.</param>
/// <param name="Channels">1 or 3.</param>
/// <param name="Height">Rows, at least 1.</param>
/// <param name="Width">Columns, at least 1.</param>
public readonly record struct VideoShape(VideoLayout Layout, int Count, int Frames, int Channels, int Height, int Width)
{
    /// <summary>Clips, frames, channels, rows, columns (PyTorch's layout).</summary>
    /// <param name="count">Clips.</param>
    /// <param name="frames">Frames per clip.</param>
    /// <param name="channels">1 or 3.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <returns>The shape.</returns>
    public static VideoShape Ntchw(int count, int frames, int channels, int height, int width) =>
        new(VideoLayout.NTCHW, count, frames, channels, height, width);

    /// <summary>Clips, frames, rows, columns, channels.</summary>
    /// <param name="count">Clips.</param>
    /// <param name="frames">Frames per clip.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Columns.</param>
    /// <param name="channels">1 or 3.</param>
    /// <returns>The shape.</returns>
    public static VideoShape Nthwc(int count, int frames, int height, int width, int channels) =>
        new(VideoLayout.NTHWC, count, frames, channels, height, width);

    /// <summary>The number of values, or -1 when it exceeds the largest array.</summary>
    public long ElementCount
    {
        get
        {
            if (Count < 0 || Frames < 0 || Channels < 0 || Height < 0 || Width < 0)
            {
                return -1;
            }
            var total = (Int128)Count * Frames * Channels * Height * Width;
            return total > Array.MaxLength ? -1 : (long)total;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Layout switch
    {
        VideoLayout.NTCHW => $"NTCHW [{Count}, {Frames}, {Channels}, {Height}, {Width}]",
        VideoLayout.NTHWC => $"NTHWC [{Count}, {Frames}, {Height}, {Width}, {Channels}]",
        _ => $"{Layout} [{Count}, {Frames}, {Channels}, {Height}, {Width}]",
    };
}
