namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>Logs a boolean mask as an image: false black, true white (255), like PyTorch's <c>add_image</c> of a bool tensor.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="mask">One value per pixel and channel, laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions, e.g. <c>ImageShape.Hw(8, 12)</c>.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong length for the shape, a zero size or unsupported channels.</exception>
    public bool AddImage(string tag, ReadOnlySpan<bool> mask, ImageShape shape, long step, DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        Summaries.ValidateTag(tag);
        options = ValidImageOptions(options);
        return EnqueueImage(tag, mask, shape, options, step, wallTime, nameof(mask));
    }

    /// <summary>Logs a batch of boolean masks as one grid image (false black, true white), like PyTorch's <c>add_images</c> of a bool tensor.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="masks">One value per pixel and channel of every image, laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions, e.g. <c>ImageBatchShape.Nchw(4, 1, 8, 8)</c>.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <param name="options">Grid and encoding options; null for the defaults.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong length for the shape, a zero size or unsupported channels.</exception>
    public bool AddImages(string tag, ReadOnlySpan<bool> masks, ImageBatchShape shape, long step, DateTimeOffset? wallTime = null, ImageOptions? options = null)
    {
        Summaries.ValidateTag(tag);
        options = ValidImageOptions(options);
        return EnqueueImage(tag, masks, shape, options, step, wallTime, nameof(masks));
    }
}
