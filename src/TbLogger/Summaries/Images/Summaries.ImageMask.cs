using TbLogger.Protos;

namespace TbLogger;

public static partial class Summaries
{
    /// <summary>Builds an image summary from a boolean mask: false is black, true is white (255), as PyTorch scales a bool tensor.</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="mask">One value per pixel and channel, laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions, e.g. <c>ImageShape.Hw(8, 12)</c>.</param>
    /// <param name="options">Encoding options; null for the defaults.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong length for the shape, a zero size or unsupported channels.</exception>
    public static Summary Image(string tag, ReadOnlySpan<bool> mask, ImageShape shape, ImageOptions? options = null)
    {
        ValidateTag(tag);
        options = ValidImageOptions(options);
        var copy = ImagePixels.From(mask, shape, nameof(mask));
        CheckImageSize(copy, options, nameof(mask));
        return ImageFromPixels(tag, copy, options);
    }
}
