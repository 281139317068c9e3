using System.Numerics.Tensors;
using TbLogger.Deferred;
using TbLogger.Events;

namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Logs an image (dashboard "images"). The pixels are checked and copied before this returns; conversion, tiling
    /// and PNG encoding run on the writer's thread. See <see cref="Summaries.Image(string, ReadOnlySpan{byte}, ImageShape, ImageOptions?)"/>.
    /// </summary>
    /// <param name="tag">Series name.</param>
    /// <param name="pixels">Values 0..255 laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions, e.g. <c>ImageShape.Chw(3, 8, 12)</c>.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Encoding options; null for <see cref="ImageOptions.Default"/>.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong length for the shape, a zero size or unsupported channels.</exception>
    public bool AddImage(string tag, ReadOnlySpan<byte> pixels, ImageShape shape, long step, DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        Summaries.ValidateTag(tag);
        options = ValidImageOptions(options);
        return EnqueueImage(tag, pixels, shape, options, step, wallTime, nameof(pixels));
    }

    /// <summary>Logs an image from floats in [0, 1] (clamped; NaN rejected). See <see cref="AddImage(string, ReadOnlySpan{byte}, ImageShape, long, DateTimeOffset?, ImageOptions?)"/>.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="pixels">Values in [0, 1] laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size, unsupported channels or NaN.</exception>
    public bool AddImage(string tag, ReadOnlySpan<float> pixels, ImageShape shape, long step, DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        Summaries.ValidateTag(tag);
        options = ValidImageOptions(options);
        return EnqueueImage(tag, pixels, shape, options, step, wallTime, nameof(pixels));
    }

    /// <summary>Logs an image from a rank-2 (HW) or rank-3 (HWC, CHW) tensor of bytes.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="image">The tensor.</param>
    /// <param name="layout">How to read its dimensions.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong rank for the layout, zero size or unsupported channels.</exception>
    public bool AddImage(string tag, in ReadOnlyTensorSpan<byte> image, ImageLayout layout, long step, DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        Summaries.ValidateTag(tag);
        options = ValidImageOptions(options);
        return EnqueueImage(tag, image, TensorInput.ImageShapeOf(image.Lengths, layout, nameof(image)), options, step, wallTime, nameof(image));
    }

    /// <summary>Logs an image from a rank-2 (HW) or rank-3 (HWC, CHW) tensor of floats in [0, 1].</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="image">The tensor.</param>
    /// <param name="layout">How to read its dimensions.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong rank for the layout, zero size, unsupported channels or NaN.</exception>
    public bool AddImage(string tag, in ReadOnlyTensorSpan<float> image, ImageLayout layout, long step, DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        Summaries.ValidateTag(tag);
        options = ValidImageOptions(options);
        return EnqueueImage(tag, image, TensorInput.ImageShapeOf(image.Lengths, layout, nameof(image)), options, step, wallTime, nameof(image));
    }

    /// <summary>
    /// Logs a batch of images as one grid image (like PyTorch's <c>add_images</c>: 8 columns, no padding by
    /// default; see <see cref="ImageOptions"/>). Pixels are copied now; tiling and encoding run on the writer's thread.
    /// </summary>
    /// <param name="tag">Series name.</param>
    /// <param name="pixels">Values 0..255 laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions, e.g. <c>ImageBatchShape.Nchw(4, 3, 5, 7)</c>.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Grid and encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size or unsupported channels.</exception>
    public bool AddImages(string tag, ReadOnlySpan<byte> pixels, ImageBatchShape shape, long step, DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        Summaries.ValidateTag(tag);
        options = ValidImageOptions(options);
        return EnqueueImage(tag, pixels, shape, options, step, wallTime, nameof(pixels));
    }

    /// <summary>Logs a batch of images given as floats in [0, 1] as one grid image.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="pixels">Values in [0, 1] laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Grid and encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size, unsupported channels or NaN.</exception>
    public bool AddImages(string tag, ReadOnlySpan<float> pixels, ImageBatchShape shape, long step, DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        Summaries.ValidateTag(tag);
        options = ValidImageOptions(options);
        return EnqueueImage(tag, pixels, shape, options, step, wallTime, nameof(pixels));
    }

    /// <summary>Logs a rank-4 tensor of bytes (NCHW or NHWC) as one grid image.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="batch">The tensor.</param>
    /// <param name="layout">How to read its dimensions.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Grid and encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong rank, zero size or unsupported channels.</exception>
    public bool AddImages(string tag, in ReadOnlyTensorSpan<byte> batch, ImageBatchLayout layout, long step, DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        Summaries.ValidateTag(tag);
        options = ValidImageOptions(options);
        return EnqueueImage(tag, batch, TensorInput.BatchShapeOf(batch.Lengths, layout, nameof(batch)), options, step, wallTime, nameof(batch));
    }

    /// <summary>Logs a rank-4 tensor of floats in [0, 1] (NCHW or NHWC) as one grid image.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="batch">The tensor.</param>
    /// <param name="layout">How to read its dimensions.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Grid and encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong rank, zero size, unsupported channels or NaN.</exception>
    public bool AddImages(string tag, in ReadOnlyTensorSpan<float> batch, ImageBatchLayout layout, long step, DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        Summaries.ValidateTag(tag);
        options = ValidImageOptions(options);
        return EnqueueImage(tag, batch, TensorInput.BatchShapeOf(batch.Lengths, layout, nameof(batch)), options, step, wallTime, nameof(batch));
    }

    /// <summary>
    /// Logs an image that is already encoded as PNG or JPEG; the bytes are copied and stored unchanged, with height,
    /// width and colorspace read from the file's header.
    /// </summary>
    /// <param name="tag">Series name.</param>
    /// <param name="encoded">A complete PNG or JPEG file.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">The bytes are not a PNG or JPEG with a readable header.</exception>
    public bool AddImageEncoded(string tag, ReadOnlySpan<byte> encoded, long step, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        // The header is read and the bytes copied into a pooled buffer here; the proto is built on the writer's thread.
        return EnqueueImage(tag, EncodedImageWork.Create(tag, encoded, BufferPool, nameof(encoded)), step, wallTime);
    }

    private static ImageOptions ValidImageOptions(ImageOptions? options)
    {
        options ??= ImageOptions.Default;
        options.Validate(nameof(options));
        return options;
    }

    private bool EnqueueImage<TPixel>(string tag, ReadOnlySpan<TPixel> pixels, ImageShape shape, ImageOptions options, long step, DateTimeOffset? wallTime, string parameterName)
        where TPixel : unmanaged =>
        EnqueueImage(tag, ImageWork<TPixel>.Create(tag, pixels, shape, options, BufferPool, parameterName), step, wallTime);

    private bool EnqueueImage<TPixel>(string tag, ReadOnlySpan<TPixel> pixels, ImageBatchShape shape, ImageOptions options, long step, DateTimeOffset? wallTime, string parameterName)
        where TPixel : unmanaged =>
        EnqueueImage(tag, ImageWork<TPixel>.Create(tag, pixels, shape, options, BufferPool, parameterName), step, wallTime);

    // A tensor is flattened (any strides) into a pooled array first, then checked and copied like a span.
    private bool EnqueueImage<TPixel>(string tag, in ReadOnlyTensorSpan<TPixel> image, ImageShape shape, ImageOptions options, long step, DateTimeOffset? wallTime, string parameterName)
        where TPixel : unmanaged
    {
        TPixel[] rented = TensorInput.Flatten(image, out int length);
        try
        {
            return EnqueueImage(tag, rented.AsSpan(0, length), shape, options, step, wallTime, parameterName);
        }
        finally
        {
            System.Buffers.ArrayPool<TPixel>.Shared.Return(rented);
        }
    }

    private bool EnqueueImage<TPixel>(string tag, in ReadOnlyTensorSpan<TPixel> batch, ImageBatchShape shape, ImageOptions options, long step, DateTimeOffset? wallTime, string parameterName)
        where TPixel : unmanaged
    {
        TPixel[] rented = TensorInput.Flatten(batch, out int length);
        try
        {
            return EnqueueImage(tag, rented.AsSpan(0, length), shape, options, step, wallTime, parameterName);
        }
        finally
        {
            System.Buffers.ArrayPool<TPixel>.Shared.Return(rented);
        }
    }

    private bool EnqueueImage(string tag, SummaryWork work, long step, DateTimeOffset? wallTime)
    {
        // Every check happened in ImageWork.Create, so the deferred tiling and encoding cannot fail on the writer's thread.
        if (_disposed)
        {
            work.Release();
            ObjectDisposedException.ThrowIf(true, this);
        }
        return EnqueueDeferred(tag, work, step, WallTimeOf(wallTime));
    }
}
