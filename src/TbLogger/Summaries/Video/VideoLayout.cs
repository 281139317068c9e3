namespace TbLogger;

/// <summary>The order of a video batch's dimensions in memory.</summary>
public enum VideoLayout
{
    /// <summary>Videos, frames, channels, rows, columns: PyTorch's <c>add_video</c> layout.</summary>
    NTCHW,

    /// <summary>Videos, frames, rows, columns, channels (channels interleaved).</summary>
    NTHWC,
}
