using System.Buffers;
using System.Numerics.Tensors;
using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.Audio;

namespace TbLogger;

public static partial class Summaries
{
    /// <summary>The content type of every clip we write.</summary>
    public const string WavContentType = "audio/wav";

    /// <summary>
    /// Builds an audio summary: Summary.Value.audio holding a 16-bit PCM WAV we write, with sample_rate,
    /// num_channels, length_frames and content_type "audio/wav", like <c>torch.utils.tensorboard</c>'s
    /// <c>add_audio</c> (which is mono only).
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="samples">Floats in [-1, 1] (clipped), interleaved frame by frame when there are several channels; NaN is rejected.</param>
    /// <param name="sampleRate">Frames per second, e.g. 44100.</param>
    /// <param name="channels">Channels per frame: 1 for mono, 2 for stereo, ...</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">No samples, a NaN, or a length that is not a whole number of frames.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> or <paramref name="channels"/> is not positive, or <paramref name="channels"/> is over <see cref="WavEncoder.MaxChannels"/>.</exception>
    public static Summary Audio(string tag, ReadOnlySpan<float> samples, int sampleRate, int channels = 1)
    {
        ValidateTag(tag);
        WavEncoder.Validate(samples, channels, sampleRate, nameof(samples));
        byte[] wav = new byte[WavEncoder.HeaderBytes + 2L * samples.Length];
        WavEncoder.Write(samples, channels, sampleRate, wav);
        return AudioFromWav(tag, wav, sampleRate, channels, samples.Length / channels);
    }

    /// <summary>
    /// Builds an audio summary from a tensor: rank 1 [frames] is mono, rank 2 [frames, channels] is interleaved
    /// multi-channel audio. See <see cref="Audio(string, ReadOnlySpan{float}, int, int)"/>.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="samples">A rank-1 or rank-2 tensor of floats in [-1, 1].</param>
    /// <param name="sampleRate">Frames per second.</param>
    /// <returns>A summary with one value.</returns>
    /// <exception cref="ArgumentException">Wrong rank, no samples, more than <see cref="WavEncoder.MaxChannels"/> channels, or a NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is not positive.</exception>
    public static Summary Audio(string tag, in ReadOnlyTensorSpan<float> samples, int sampleRate)
    {
        ValidateTag(tag);
        int channels = AudioChannelsOf(samples.Lengths, nameof(samples));
        float[] rented = TensorInput.Flatten(samples, out int length);
        try
        {
            return Audio(tag, rented.AsSpan(0, length), sampleRate, channels);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The metadata every audio value carries: plugin "audio" with AudioPluginData{encoding: WAV,
    /// converted_to_tensor: true} and data class BLOB_SEQUENCE, exactly what TensorBoard's loaders derive for a
    /// legacy Summary.Value.audio. The audio dashboard takes the clip's MIME type from that encoding.
    /// </summary>
    /// <returns>A new metadata message.</returns>
    public static SummaryMetadata AudioMetadata() => PluginMetadata(
        PluginNames.Audio,
        new AudioPluginData { Encoding = AudioPluginData.Types.Encoding.Wav, ConvertedToTensor = true }.ToByteString(),
        DataClass.BlobSequence);

    internal static int AudioChannelsOf(ReadOnlySpan<nint> lengths, string parameterName)
    {
        if (lengths.Length is not (1 or 2))
        {
            throw new ArgumentException(
                $"Audio needs a rank-1 tensor [frames] or a rank-2 tensor [frames, channels]; got shape {TensorInput.Describe(lengths)}.", parameterName);
        }
        return lengths.Length == 1 ? 1 : TensorInput.Dim(lengths, 1, parameterName) switch
        {
            <= 0 => throw new ArgumentException($"Audio needs at least one channel; got shape {TensorInput.Describe(lengths)}.", parameterName),
            > WavEncoder.MaxChannels => throw new ArgumentException(
                $"A 16-bit WAV file holds at most {WavEncoder.MaxChannels} channels; got shape {TensorInput.Describe(lengths)}.", parameterName),
            var c => c,
        };
    }

    internal static Summary AudioFromWav(string tag, byte[] wav, int sampleRate, int channels, long frames) => new()
    {
        Value =
        {
            new Summary.Types.Value
            {
                Tag = tag,
                Metadata = AudioMetadata(),
                Audio = new Summary.Types.Audio
                {
                    SampleRate = sampleRate,
                    NumChannels = channels,
                    LengthFrames = frames,
                    EncodedAudioString = UnsafeByteOperations.UnsafeWrap(wav),
                    ContentType = WavContentType,
                },
            },
        },
    };
}
