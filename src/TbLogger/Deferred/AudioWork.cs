using System.Buffers;
using System.Runtime.InteropServices;
using TbLogger.Protos;

namespace TbLogger.Deferred;

/// <summary>
/// An audio clip encoded as WAV on the writer's thread. On the caller: the shape is checked and the samples are
/// copied into a pooled buffer while they are checked for NaN in the same pass.
/// </summary>
internal sealed class AudioWork : SummaryWork
{
    private readonly int _length;
    private readonly int _sampleRate;
    private readonly int _channels;

    private AudioWork(string tag, ArrayPool<byte> pool, int length, int sampleRate, int channels)
        : base(tag, pool, (long)length * sizeof(float))
    {
        _length = length;
        _sampleRate = sampleRate;
        _channels = channels;
    }

    /// <summary>Checks and copies the samples; throws what <see cref="Summaries.Audio(string, ReadOnlySpan{float}, int, int)"/> throws.</summary>
    public static AudioWork Create(string tag, ReadOnlySpan<float> samples, int sampleRate, int channels, ArrayPool<byte> pool, string parameterName)
    {
        WavEncoder.ValidateShape(samples.Length, channels, sampleRate, parameterName);
        var work = new AudioWork(tag, pool, samples.Length, sampleRate, channels);
        bool nan;
        try
        {
            nan = CheckedCopy.Copy<float, CheckedCopy.NaN<float>>(samples, SamplesIn(work.Buffer, samples.Length));
        }
        catch
        {
            work.Release();
            throw;
        }
        if (nan)
        {
            work.Release();
            WavEncoder.Validate(samples, channels, sampleRate, parameterName); // throws the error naming the first NaN
            throw new System.Diagnostics.UnreachableException("A NaN was seen while copying but not when validating.");
        }
        return work;
    }

    private static Span<float> SamplesIn(byte[] buffer, int length) => MemoryMarshal.Cast<byte, float>(buffer.AsSpan())[..length];

    /// <inheritdoc />
    protected override Summary BuildFrom(byte[] buffer)
    {
        var samples = SamplesIn(buffer, _length);
        byte[] wav = new byte[WavEncoder.HeaderBytes + 2L * _length];
        WavEncoder.Write(samples, _channels, _sampleRate, wav);
        return Summaries.AudioFromWav(Tag, wav, _sampleRate, _channels, _length / _channels);
    }
}
