using System.Runtime.CompilerServices;

namespace TbLogger;

/// <summary>Copies pixels into interleaved 8-bit form, converting floats the way PyTorch does.</summary>
internal static class PixelConversion
{
    /// <summary>
    /// A float in [0, 1] to a byte: trunc(clamp(v × 255, 0, 255)) in float32 arithmetic, which is what
    /// torch.utils.tensorboard computes (so 0.999 gives 254, not 255).
    /// </summary>
    public static byte ToByte(float value) => (byte)Math.Clamp(value * 255f, 0f, 255f);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToInterleaved(ReadOnlySpan<byte> source, bool planar, int count, int height, int width, int channels, Span<byte> destination)
    {
        if (!planar || channels == 1)
        {
            source.CopyTo(destination);
            return;
        }
        int plane = height * width;
        int image = plane * channels;
        for (int n = 0; n < count; n++)
        {
            var src = source.Slice(n * image, image);
            var dst = destination.Slice(n * image, image);
            for (int c = 0; c < channels; c++)
            {
                var channel = src.Slice(c * plane, plane);
                for (int i = 0, o = c; i < channel.Length; i++, o += channels)
                {
                    dst[o] = channel[i];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToInterleaved(ReadOnlySpan<float> source, bool planar, int count, int height, int width, int channels, Span<byte> destination, string parameterName)
    {
        int plane = height * width;
        int image = plane * channels;
        int step = planar ? channels : 1;
        for (int n = 0; n < count; n++)
        {
            var src = source.Slice(n * image, image);
            var dst = destination.Slice(n * image, image);
            int planes = planar ? channels : 1;
            int planeLength = planar ? plane : image;
            for (int c = 0; c < planes; c++)
            {
                var channel = src.Slice(c * planeLength, planeLength);
                for (int i = 0, o = c; i < channel.Length; i++, o += step)
                {
                    float value = channel[i];
                    if (float.IsNaN(value))
                    {
                        throw new ArgumentException(
                            $"Pixel values must not be NaN; value {n * image + c * planeLength + i} is NaN.", parameterName);
                    }
                    dst[o] = ToByte(value);
                }
            }
        }
    }
}
