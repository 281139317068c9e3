using System.IO.Compression;

namespace TbLogger;

/// <summary>
/// How images are tiled and encoded. The defaults match <c>torch.utils.tensorboard</c>'s <c>add_images</c>
/// (8 columns, no padding) except that gray stays gray (one PNG channel) unless <see cref="GrayAsRgb"/> is set.
/// </summary>
public sealed record ImageOptions
{
    /// <summary>The defaults.</summary>
    public static ImageOptions Default { get; } = new();

    /// <summary>Images per row when a batch is tiled into one grid image (like make_grid's nrow); at least 1. Default 8.</summary>
    public int Columns { get; init; } = 8;

    /// <summary>
    /// Pixels between grid cells and around the grid (like torchvision's make_grid padding); 0 or more. Default 0.
    /// A batch of one image is never padded, as in torchvision.
    /// </summary>
    public int Padding { get; init; }

    /// <summary>The value of padding pixels and of empty grid cells, in every channel (alpha too). Default 0.</summary>
    public byte PadValue { get; init; }

    /// <summary>Store gray images as RGB (gray copied to R, G and B), as PyTorch does. Default false: one channel.</summary>
    public bool GrayAsRgb { get; init; }

    /// <summary>The zlib level of the PNG data. Default <see cref="CompressionLevel.Optimal"/> (zlib level 6, like Pillow).</summary>
    public CompressionLevel Compression { get; init; } = CompressionLevel.Optimal;

    internal void Validate(string parameterName)
    {
        if (Columns < 1)
        {
            throw new ArgumentException($"ImageOptions.Columns must be at least 1; got {Columns}.", parameterName);
        }
        if (Padding < 0)
        {
            throw new ArgumentException($"ImageOptions.Padding must not be negative; got {Padding}.", parameterName);
        }
        if (!Enum.IsDefined(Compression))
        {
            throw new ArgumentException($"Unknown compression level {Compression}.", parameterName);
        }
    }
}
