using System.Numerics.Tensors;
using TbLogger.Deferred;
using TbLogger.Events;

namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Logs an audio clip (dashboard "audio") as a 16-bit PCM WAV. Samples are checked and copied before this
    /// returns, so the caller may reuse its buffer; the WAV is encoded on the writer's thread. See <see cref="Summaries.Audio(string, ReadOnlySpan{float}, int, int)"/>.
    /// </summary>
    /// <param name="tag">Series name.</param>
    /// <param name="samples">Floats in [-1, 1] (clipped), interleaved frame by frame for several channels; NaN is rejected.</param>
    /// <param name="sampleRate">Frames per second, e.g. 44100.</param>
    /// <param name="channels">Channels per frame (1 mono, 2 stereo, ...).</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">No samples, a NaN, or not a whole number of frames.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> or <paramref name="channels"/> is not positive, or <paramref name="channels"/> is over <see cref="WavEncoder.MaxChannels"/>.</exception>
    public bool AddAudio(string tag, ReadOnlySpan<float> samples, int sampleRate, int channels, long step, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        WavEncoder.ValidateShape(samples.Length, channels, sampleRate, nameof(samples));
        double wall = WallTimeOf(wallTime);
        // Checked and copied here; WAV encoding runs on the writer's thread (issue 19). A bad sample is reported before
        // a disposed writer, as when the whole clip was encoded here.
        var work = AudioWork.Create(tag, samples, sampleRate, channels, BufferPool, nameof(samples));
        if (_disposed)
        {
            work.Release();
            ObjectDisposedException.ThrowIf(true, this);
        }
        return EnqueueDeferred(tag, work, step, wall);
    }

    /// <summary>Logs mono audio: <see cref="AddAudio(string, ReadOnlySpan{float}, int, int, long, DateTimeOffset?)"/> with one channel.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="samples">Floats in [-1, 1] (clipped); NaN is rejected.</param>
    /// <param name="sampleRate">Frames per second.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">No samples or a NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is not positive.</exception>
    public bool AddAudio(string tag, ReadOnlySpan<float> samples, int sampleRate, long step, DateTimeOffset? wallTime = null) =>
        AddAudio(tag, samples, sampleRate, channels: 1, step, wallTime);

    /// <summary>Logs audio from a tensor: rank 1 [frames] is mono, rank 2 [frames, channels] multi-channel.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="samples">The tensor of floats in [-1, 1].</param>
    /// <param name="sampleRate">Frames per second.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Wrong rank, no samples, more than <see cref="WavEncoder.MaxChannels"/> channels, or a NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is not positive.</exception>
    public bool AddAudio(string tag, in ReadOnlyTensorSpan<float> samples, int sampleRate, long step, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        int channels = Summaries.AudioChannelsOf(samples.Lengths, nameof(samples));
        float[] rented = TensorInput.Flatten(samples, out int length);
        try
        {
            return AddAudio(tag, rented.AsSpan(0, length), sampleRate, channels, step, wallTime);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rented);
        }
    }
}
