namespace TbLogger;

/// <summary>The order of a single image's dimensions in memory, outermost first (row-major).</summary>
public enum ImageLayout
{
    /// <summary>Height, width: one gray channel.</summary>
    HW,

    /// <summary>Height, width, channels: interleaved pixels (e.g. RGBRGB...), as image libraries store them.</summary>
    HWC,

    /// <summary>Channels, height, width: one plane per channel, as PyTorch tensors store them.</summary>
    CHW,

    /// <summary>Width, height: one gray channel stored column by column (PyTorch's <c>dataformats="WH"</c>); transposed on the way in.</summary>
    WH,
}
