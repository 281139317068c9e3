namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Logs video clips as one looping animated GIF in the IMAGES dashboard, like PyTorch's <c>add_video</c>. The
    /// frames are checked and copied before this returns; tiling, colour quantisation and GIF encoding run on the
    /// writer's thread. See <see cref="Summaries.Video(string, ReadOnlySpan{byte}, VideoShape, double)"/>.
    /// </summary>
    /// <param name="tag">Series name.</param>
    /// <param name="frames">Values 0..255 laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions, e.g. <c>VideoShape.Ntchw(1, 16, 3, 64, 64)</c>.</param>
    /// <param name="step">The global step.</param>
    /// <param name="fps">Frames per second (PyTorch's default is 4).</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size, unsupported channels or a too-large grid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The frame rate is not positive and finite.</exception>
    public bool AddVideo(string tag, ReadOnlySpan<byte> frames, VideoShape shape, long step, double fps = 4, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        int delay = GifEncoder.DelayOf(fps);
        return EnqueueVideo(tag, Deferred.VideoWork<byte>.Create(tag, frames, shape, delay, BufferPool, nameof(frames)), step, wallTime);
    }

    /// <summary>Logs video clips given as floats in [0, 1] (NaN rejected). See <see cref="AddVideo(string, ReadOnlySpan{byte}, VideoShape, long, double, DateTimeOffset?)"/>.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="frames">Values in [0, 1] laid out as <paramref name="shape"/> says.</param>
    /// <param name="shape">Layout and dimensions.</param>
    /// <param name="step">The global step.</param>
    /// <param name="fps">Frames per second.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong length, zero size, unsupported channels, a too-large grid or NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The frame rate is not positive and finite.</exception>
    public bool AddVideo(string tag, ReadOnlySpan<float> frames, VideoShape shape, long step, double fps = 4, DateTimeOffset? wallTime = null) =>
        AddVideo(tag, frames, shape, step, fps, wallTime, Deferred.SummaryWork.MaxBytes);

    /// <summary>The float overload with the largest copy it may defer (a parameter so tests can reach the other branch).</summary>
    internal bool AddVideo(string tag, ReadOnlySpan<float> frames, VideoShape shape, long step, double fps, DateTimeOffset? wallTime, long maxDeferredBytes)
    {
        Summaries.ValidateTag(tag);
        int delay = GifEncoder.DelayOf(fps);
        if ((long)frames.Length * sizeof(float) > maxDeferredBytes)
        {
            // More floats than one pooled copy can hold (a valid video of over 2^29 values, which fits as bytes):
            // converted to bytes here, as before issue 19, then tiled and encoded on the writer's thread.
            VideoFrames video = VideoFrames.From(frames, shape, nameof(frames));
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _main.EnqueueSummary(tag, () => Summaries.VideoFromFrames(tag, video, delay), step, WallTimeOf(wallTime));
        }
        return EnqueueVideo(tag, Deferred.VideoWork<float>.Create(tag, frames, shape, delay, BufferPool, nameof(frames)), step, wallTime);
    }

    // Checked and copied into a pooled buffer by VideoWork.Create (issue 19); conversion, tiling and GIF encoding run
    // on the writer's thread. A bad frame is reported before a disposed writer, as when the caller converted them all.
    private bool EnqueueVideo(string tag, Deferred.SummaryWork work, long step, DateTimeOffset? wallTime)
    {
        if (_disposed)
        {
            work.Release();
            ObjectDisposedException.ThrowIf(true, this);
        }
        return EnqueueDeferred(tag, work, step, WallTimeOf(wallTime));
    }
}
