using Google.Protobuf;
using TbLogger.Protos;

namespace TbLogger;

public static partial class Summaries
{
    /// <summary>
    /// Builds a video summary like <c>torch.utils.tensorboard</c>'s <c>add_video</c>: the clips are tiled side by side
    /// (padded to a power of two, as PyTorch does) and encoded as a looping animated GIF, stored as an image value
    /// (IMAGES dashboard, served as <c>image/gif</c>) with the grid's height, width and channel count.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="frames">Values 0..255 laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions, e.g. <c>VideoShape.Ntchw(1, 16, 3, 64, 64)</c>.</param>
    /// <param name="fps">Frames per second; each GIF frame lasts round(100 / fps) hundredths of a second.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong length for the shape, a zero size, channels other than 1 or 3, or a grid over 65535 pixels a side.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The frame rate is not positive and finite.</exception>
    public static Summary Video(string tag, ReadOnlySpan<byte> frames, VideoShape shape, double fps = 4)
    {
        ValidateTag(tag);
        int delay = GifEncoder.DelayOf(fps);
        return VideoFromFrames(tag, VideoFrames.From(frames, shape, nameof(frames)), delay);
    }

    /// <summary>Builds a video summary from floats in [0, 1] (clamped; each becomes trunc(255 × v); NaN rejected). See <see cref="Video(string, ReadOnlySpan{byte}, VideoShape, double)"/>.</summary>
    /// <param name="tag">The series name.</param>
    /// <param name="frames">Values in [0, 1] laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions.</param>
    /// <param name="fps">Frames per second.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size, unsupported channels, a too-large grid or a NaN value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The frame rate is not positive and finite.</exception>
    public static Summary Video(string tag, ReadOnlySpan<float> frames, VideoShape shape, double fps = 4)
    {
        ValidateTag(tag);
        int delay = GifEncoder.DelayOf(fps);
        return VideoFromFrames(tag, VideoFrames.From(frames, shape, nameof(frames)), delay);
    }

    /// <summary>Tiles and GIF-encodes validated frames: the part that runs on the writer's thread.</summary>
    internal static Summary VideoFromFrames(string tag, VideoFrames video, int delay)
    {
        var s = video.Shape;
        byte[] grid = video.Tile();
        byte[] gif = GifEncoder.EncodeValidated(grid, s.Frames, video.GridHeight, video.GridWidth, s.Channels, delay);
        return ImageValue(tag, video.GridHeight, video.GridWidth, s.Channels, UnsafeByteOperations.UnsafeWrap(gif));
    }
}
