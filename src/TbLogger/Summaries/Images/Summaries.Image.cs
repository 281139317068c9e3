using System.Numerics.Tensors;
using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.Image;

namespace TbLogger;

public static partial class Summaries
{
    /// <summary>
    /// Builds an image summary: Summary.Value.image holding a PNG we encode, with height, width and colorspace
    /// (1 gray, 3 RGB, 4 RGBA), like <c>torch.utils.tensorboard</c>'s <c>add_image</c>.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="pixels">Values 0..255, laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions, e.g. <c>ImageShape.Chw(3, 8, 12)</c>.</param>
    /// <param name="options">Encoding options; null for <see cref="ImageOptions.Default"/>.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">The length does not match the shape, a size is zero, or channels is not 1, 3 or 4.</exception>
    public static Summary Image(string tag, ReadOnlySpan<byte> pixels, ImageShape shape, ImageOptions? options = null)
    {
        ValidateTag(tag);
        options = ValidImageOptions(options);
        var copy = ImagePixels.From(pixels, shape, nameof(pixels));
        CheckImageSize(copy, options, nameof(pixels));
        return ImageFromPixels(tag, copy, options);
    }

    /// <summary>
    /// Builds an image summary from floats in [0, 1] (clamped; each becomes trunc(255 × v) as in PyTorch).
    /// See <see cref="Image(string, ReadOnlySpan{byte}, ImageShape, ImageOptions?)"/>.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="pixels">Values in [0, 1], laid out as <paramref name="shape"/> says; NaN is rejected.</param>
    /// <param name="shape">Layout and dimensions.</param>
    /// <param name="options">Encoding options; null for the defaults.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size, unsupported channels, or a NaN value.</exception>
    public static Summary Image(string tag, ReadOnlySpan<float> pixels, ImageShape shape, ImageOptions? options = null)
    {
        ValidateTag(tag);
        options = ValidImageOptions(options);
        var copy = ImagePixels.From(pixels, shape, nameof(pixels));
        CheckImageSize(copy, options, nameof(pixels));
        return ImageFromPixels(tag, copy, options);
    }

    /// <summary>Builds an image summary from a tensor of bytes whose shape is read in <paramref name="layout"/> order.</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="image">A rank-2 (HW) or rank-3 (HWC, CHW) tensor of values 0..255.</param>
    /// <param name="layout">How to read the tensor's dimensions.</param>
    /// <param name="options">Encoding options; null for the defaults.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong rank for the layout, zero size or unsupported channels.</exception>
    public static Summary Image(string tag, in ReadOnlyTensorSpan<byte> image, ImageLayout layout, ImageOptions? options = null)
    {
        ValidateTag(tag);
        options = ValidImageOptions(options);
        var copy = ImagePixels.From(image, layout, nameof(image));
        CheckImageSize(copy, options, nameof(image));
        return ImageFromPixels(tag, copy, options);
    }

    /// <summary>Builds an image summary from a tensor of floats in [0, 1] whose shape is read in <paramref name="layout"/> order.</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="image">A rank-2 (HW) or rank-3 (HWC, CHW) tensor of values in [0, 1].</param>
    /// <param name="layout">How to read the tensor's dimensions.</param>
    /// <param name="options">Encoding options; null for the defaults.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong rank for the layout, zero size, unsupported channels or NaN.</exception>
    public static Summary Image(string tag, in ReadOnlyTensorSpan<float> image, ImageLayout layout, ImageOptions? options = null)
    {
        ValidateTag(tag);
        options = ValidImageOptions(options);
        var copy = ImagePixels.From(image, layout, nameof(image));
        CheckImageSize(copy, options, nameof(image));
        return ImageFromPixels(tag, copy, options);
    }

    /// <summary>
    /// Builds one image summary from a batch: the images are tiled into one grid image (like make_grid;
    /// <see cref="ImageOptions.Columns"/> per row, <see cref="ImageOptions.Padding"/> between them), as
    /// <c>torch.utils.tensorboard</c>'s <c>add_images</c> does.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="pixels">Values 0..255, laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions, e.g. <c>ImageBatchShape.Nchw(4, 3, 5, 7)</c>.</param>
    /// <param name="options">Grid and encoding options; null for the defaults.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size or unsupported channels.</exception>
    public static Summary Images(string tag, ReadOnlySpan<byte> pixels, ImageBatchShape shape, ImageOptions? options = null)
    {
        ValidateTag(tag);
        options = ValidImageOptions(options);
        var copy = ImagePixels.From(pixels, shape, nameof(pixels));
        CheckImageSize(copy, options, nameof(pixels));
        return ImageFromPixels(tag, copy, options);
    }

    /// <summary>Builds one grid image summary from a batch of floats in [0, 1]. See <see cref="Images(string, ReadOnlySpan{byte}, ImageBatchShape, ImageOptions?)"/>.</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="pixels">Values in [0, 1]; NaN is rejected.</param>
    /// <param name="shape">Layout and dimensions.</param>
    /// <param name="options">Grid and encoding options; null for the defaults.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size, unsupported channels or NaN.</exception>
    public static Summary Images(string tag, ReadOnlySpan<float> pixels, ImageBatchShape shape, ImageOptions? options = null)
    {
        ValidateTag(tag);
        options = ValidImageOptions(options);
        var copy = ImagePixels.From(pixels, shape, nameof(pixels));
        CheckImageSize(copy, options, nameof(pixels));
        return ImageFromPixels(tag, copy, options);
    }

    /// <summary>Builds one grid image summary from a rank-4 tensor of bytes (NCHW or NHWC).</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="batch">A rank-4 tensor of values 0..255.</param>
    /// <param name="layout">How to read the tensor's dimensions.</param>
    /// <param name="options">Grid and encoding options; null for the defaults.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong rank, zero size or unsupported channels.</exception>
    public static Summary Images(string tag, in ReadOnlyTensorSpan<byte> batch, ImageBatchLayout layout, ImageOptions? options = null)
    {
        ValidateTag(tag);
        options = ValidImageOptions(options);
        var copy = ImagePixels.From(batch, layout, nameof(batch));
        CheckImageSize(copy, options, nameof(batch));
        return ImageFromPixels(tag, copy, options);
    }

    /// <summary>Builds one grid image summary from a rank-4 tensor of floats in [0, 1] (NCHW or NHWC).</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="batch">A rank-4 tensor of values in [0, 1].</param>
    /// <param name="layout">How to read the tensor's dimensions.</param>
    /// <param name="options">Grid and encoding options; null for the defaults.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong rank, zero size, unsupported channels or NaN.</exception>
    public static Summary Images(string tag, in ReadOnlyTensorSpan<float> batch, ImageBatchLayout layout, ImageOptions? options = null)
    {
        ValidateTag(tag);
        options = ValidImageOptions(options);
        var copy = ImagePixels.From(batch, layout, nameof(batch));
        CheckImageSize(copy, options, nameof(batch));
        return ImageFromPixels(tag, copy, options);
    }

    /// <summary>
    /// Builds an image summary from an image that is already encoded (PNG or JPEG): the bytes are stored as they
    /// are, with height, width and colorspace read from the file's header.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="encoded">A complete PNG or JPEG file.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">The bytes are not a PNG or JPEG with a readable header.</exception>
    public static Summary ImageEncoded(string tag, ReadOnlySpan<byte> encoded)
    {
        ValidateTag(tag);
        var (height, width, colorspace) = EncodedImageInfo.Read(encoded, nameof(encoded));
        return ImageValue(tag, height, width, colorspace, ByteString.CopyFrom(encoded));
    }

    /// <summary>
    /// The metadata every image value carries: plugin "images" with ImagePluginData{converted_to_tensor: true} and
    /// data class BLOB_SEQUENCE. That is exactly what TensorBoard's loaders derive for a legacy Summary.Value.image
    /// (data_compat.rs, data_compat.py + dataclass_compat.py), so both keep reading it as [width, height, png].
    /// </summary>
    /// <returns>A new metadata message.</returns>
    public static SummaryMetadata ImageMetadata() =>
        PluginMetadata(PluginNames.Images, new ImagePluginData { ConvertedToTensor = true }.ToByteString(), DataClass.BlobSequence);

    private static ImageOptions ValidImageOptions(ImageOptions? options)
    {
        options ??= ImageOptions.Default;
        options.Validate(nameof(options));
        return options;
    }

    /// <summary>Throws now, on the caller's thread, if the grid (or its RGB form) would be too large, so encoding later cannot fail.</summary>
    internal static void CheckImageSize(ImagePixels pixels, ImageOptions options, string parameterName) =>
        CheckImageSize(pixels.Count, pixels.Height, pixels.Width, pixels.Channels, options, parameterName);

    /// <inheritdoc cref="CheckImageSize(ImagePixels, ImageOptions, string)"/>
    internal static void CheckImageSize(int count, int height, int width, int channels, ImageOptions options, string parameterName)
    {
        int encoded = options.GrayAsRgb && channels == 1 ? 3 : channels;
        ImageGrid.Measure(count, height, width, encoded, options, parameterName);
    }

    /// <summary>Tiles, converts and encodes validated pixels: the part that may run on the writer's thread.</summary>
    internal static Summary ImageFromPixels(string tag, ImagePixels pixels, ImageOptions options)
    {
        byte[] hwc = ImageGrid.Tile(pixels, options, out int height, out int width);
        int channels = pixels.Channels;
        if (options.GrayAsRgb && channels == 1)
        {
            hwc = ImageGrid.GrayToRgb(hwc.AsSpan(0, height * width));
            channels = 3;
        }
        var png = PngEncoder.EncodeToSegment(hwc.AsSpan(0, height * width * channels), height, width, channels, options.Compression);
        return ImageValue(tag, height, width, channels, UnsafeByteOperations.UnsafeWrap(png.AsMemory()));
    }

    /// <summary>The value of <see cref="ImageEncoded"/> from a header already read: the part that runs on the writer's thread.</summary>
    internal static Summary ImageFromEncoded(string tag, int height, int width, int colorspace, ReadOnlySpan<byte> encoded) =>
        ImageValue(tag, height, width, colorspace, ByteString.CopyFrom(encoded));

    private static Summary ImageValue(string tag, int height, int width, int colorspace, ByteString encoded) => new()
    {
        Value =
        {
            new Summary.Types.Value
            {
                Tag = tag,
                Metadata = ImageMetadata(),
                Image = new Summary.Types.Image { Height = height, Width = width, Colorspace = colorspace, EncodedImageString = encoded },
            },
        },
    };
}
