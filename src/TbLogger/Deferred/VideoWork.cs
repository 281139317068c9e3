using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TbLogger.Protos;

namespace TbLogger.Deferred;

/// <summary>
/// A video (a batch of clips) converted, tiled and GIF-encoded on the writer's thread. On the caller: the shape and the
/// grid size are checked, and the frames (bytes or floats as given) are copied into a pooled buffer; floats are checked
/// for NaN in the same pass. Until issue 19 the caller converted every value to a byte in a new array of its own.
/// </summary>
internal sealed class VideoWork<TPixel> : SummaryWork
    where TPixel : unmanaged
{
    private readonly int _length;
    private readonly VideoShape _shape;
    private readonly int _delay;
    private readonly string _parameterName;

    private VideoWork(string tag, ArrayPool<byte> pool, int length, VideoShape shape, int delay, string parameterName)
        : base(tag, pool, (long)length * Unsafe.SizeOf<TPixel>())
    {
        _length = length;
        _shape = shape;
        _delay = delay;
        _parameterName = parameterName;
    }

    /// <summary>Checks and copies <paramref name="frames"/>; throws what <see cref="Summaries.Video(string, ReadOnlySpan{float}, VideoShape, double)"/> throws for them.</summary>
    public static VideoWork<TPixel> Create(string tag, ReadOnlySpan<TPixel> frames, VideoShape shape, int delay, ArrayPool<byte> pool, string parameterName)
    {
        VideoFrames.Validate(shape, frames.Length, parameterName);
        var work = new VideoWork<TPixel>(tag, pool, frames.Length, shape, delay, parameterName);
        try
        {
            var copy = FramesIn(work.Buffer, frames.Length);
            if (typeof(TPixel) == typeof(float))
            {
                var floats = MemoryMarshal.Cast<TPixel, float>(frames);
                if (CheckedCopy.Copy<float, CheckedCopy.NaN<float>>(floats, MemoryMarshal.Cast<TPixel, float>(copy)))
                {
                    VideoFrames.From(floats, shape, parameterName); // the conversion throws the error naming the first NaN, as it always did
                    throw new System.Diagnostics.UnreachableException("A NaN was seen while copying but not when converting.");
                }
            }
            else if (typeof(TPixel) == typeof(byte))
            {
                frames.CopyTo(copy);
            }
            else
            {
                throw new NotSupportedException($"Frames of type {typeof(TPixel)} are not supported.");
            }
        }
        catch
        {
            work.Release();
            throw;
        }
        return work;
    }

    private static Span<TPixel> FramesIn(byte[] buffer, int length) => MemoryMarshal.Cast<byte, TPixel>(buffer.AsSpan())[..length];

    /// <inheritdoc />
    protected override Summary BuildFrom(byte[] buffer)
    {
        var frames = FramesIn(buffer, _length);
        VideoFrames video = typeof(TPixel) == typeof(float)
            ? VideoFrames.From(MemoryMarshal.Cast<TPixel, float>(frames), _shape, _parameterName)
            : VideoFrames.From(MemoryMarshal.Cast<TPixel, byte>(frames), _shape, _parameterName);
        return Summaries.VideoFromFrames(Tag, video, _delay);
    }
}
