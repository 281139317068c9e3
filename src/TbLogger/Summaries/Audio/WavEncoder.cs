using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace TbLogger;

/// <summary>
/// Writes 16-bit PCM WAV files (RIFF, "fmt " with format 1, "data"), the form TensorBoard's audio dashboard plays.
/// Samples are floats in [-1, 1]; values outside are clipped and each becomes trunc(v × 32767), as in
/// <c>torch.utils.tensorboard</c>, so PyTorch users get identical bytes.
/// </summary>
public static class WavEncoder
{
    /// <summary>The bytes before the samples.</summary>
    public const int HeaderBytes = 44;

    /// <summary>The most channels a file can hold: its frame size (2 bytes a channel) is a 16-bit field.</summary>
    public const int MaxChannels = ushort.MaxValue / 2;

    /// <summary>Encodes interleaved samples (frame by frame, channels within a frame) as a WAV file.</summary>
    /// <param name="samples">frames × channels floats in [-1, 1]; NaN is rejected, the rest clipped.</param>
    /// <param name="channels">Channels per frame, 1 to <see cref="MaxChannels"/>.</param>
    /// <param name="sampleRate">Frames per second, at least 1.</param>
    /// <returns>The WAV file's bytes.</returns>
    /// <exception cref="ArgumentException">A NaN sample, no samples, or a length that is not a whole number of frames.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="channels"/> or <paramref name="sampleRate"/> is not positive, or <paramref name="channels"/> is over <see cref="MaxChannels"/>.</exception>
    public static byte[] Encode(ReadOnlySpan<float> samples, int channels, int sampleRate)
    {
        Validate(samples, channels, sampleRate, nameof(samples));
        byte[] wav = new byte[HeaderBytes + 2L * samples.Length];
        Write(samples, channels, sampleRate, wav);
        return wav;
    }

    internal static void Validate(ReadOnlySpan<float> samples, int channels, int sampleRate, string parameterName)
    {
        ValidateShape(samples.Length, channels, sampleRate, parameterName);
        int nan = FirstNaN(samples);
        if (nan >= 0)
        {
            throw new ArgumentException($"Audio samples must not be NaN; sample {nan} is NaN.", parameterName);
        }
    }

    /// <summary>The checks of <see cref="Validate"/> that need no sample values.</summary>
    internal static void ValidateShape(int samples, int channels, int sampleRate, string parameterName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (channels > MaxChannels)
        {
            // Written as it was, the header's 16-bit channel count and frame size would wrap (70,000 channels: 4,464).
            throw new ArgumentOutOfRangeException(nameof(channels), channels, $"A 16-bit WAV file holds at most {MaxChannels} channels: its frame size (2 bytes a channel) is a 16-bit field.");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        if (samples == 0)
        {
            throw new ArgumentException("Audio needs at least one frame; got 0 samples.", parameterName);
        }
        if (samples % channels != 0)
        {
            throw new ArgumentException(
                $"Expected frames x {channels} channels interleaved; got {samples} samples, not a multiple of {channels}.", parameterName);
        }
        // The RIFF sizes are 32-bit; long multiplication keeps very long clips from wrapping.
        if (2L * samples + HeaderBytes - 8 > uint.MaxValue || (long)sampleRate * channels * 2 > uint.MaxValue)
        {
            throw new ArgumentException($"{samples} samples at {sampleRate} Hz do not fit in a WAV file.", parameterName);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FirstNaN(ReadOnlySpan<float> samples)
    {
        if (!TensorPrimitives.IsNaNAny(samples))
        {
            return -1;
        }
        for (int i = 0; i < samples.Length; i++)
        {
            if (float.IsNaN(samples[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Writes the header and samples of validated input into <paramref name="destination"/> (44 + 2 × samples bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Write(ReadOnlySpan<float> samples, int channels, int sampleRate, Span<byte> destination)
    {
        uint dataBytes = (uint)(2L * samples.Length);
        "RIFF"u8.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], dataBytes + HeaderBytes - 8);
        "WAVE"u8.CopyTo(destination[8..]);
        "fmt "u8.CopyTo(destination[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], 16); // fmt chunk size
        BinaryPrimitives.WriteUInt16LittleEndian(destination[20..], 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(destination[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], (uint)(sampleRate * 2L * channels)); // bytes per second
        BinaryPrimitives.WriteUInt16LittleEndian(destination[32..], (ushort)(2 * channels)); // bytes per frame
        BinaryPrimitives.WriteUInt16LittleEndian(destination[34..], 16); // bits per sample
        "data"u8.CopyTo(destination[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[40..], dataBytes);
        var pcm = destination[HeaderBytes..];
        for (int i = 0; i < samples.Length; i++)
        {
            short value = (short)(Math.Clamp(samples[i], -1f, 1f) * 32767f);
            BinaryPrimitives.WriteInt16LittleEndian(pcm[(2 * i)..], value);
        }
    }
}
