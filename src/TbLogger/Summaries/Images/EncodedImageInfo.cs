using System.Buffers.Binary;

namespace TbLogger;

/// <summary>
/// Reads the size and colour space of an already encoded PNG or JPEG from its header, for Summary.Value.image's
/// height, width and colorspace (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA).
/// </summary>
internal static class EncodedImageInfo
{
    public static (int Height, int Width, int Colorspace) Read(ReadOnlySpan<byte> encoded, string parameterName)
    {
        if (TryReadPng(encoded, out var info) || TryReadJpeg(encoded, out info))
        {
            return info;
        }
        throw new ArgumentException(
            $"Expected a PNG or JPEG image (with a valid header); got {encoded.Length} bytes starting {Convert.ToHexString(encoded[..Math.Min(8, encoded.Length)])}.",
            parameterName);
    }

    private static bool TryReadPng(ReadOnlySpan<byte> data, out (int, int, int) info)
    {
        info = default;
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (data.Length < 33 || !data.StartsWith(signature) || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }
        int width = BinaryPrimitives.ReadInt32BigEndian(data[16..]);
        int height = BinaryPrimitives.ReadInt32BigEndian(data[20..]);
        int colorspace = data[25] switch
        {
            0 => 1, // gray
            4 => 2, // gray + alpha
            6 => 4, // RGBA
            _ => 3, // RGB and palette
        };
        info = (height, width, colorspace);
        return width > 0 && height > 0;
    }

    private static bool TryReadJpeg(ReadOnlySpan<byte> data, out (int, int, int) info)
    {
        info = default;
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            return false;
        }
        int at = 2;
        while (at + 4 <= data.Length)
        {
            if (data[at] != 0xFF)
            {
                return false;
            }
            byte marker = data[at + 1];
            if (marker == 0xFF)
            {
                at++; // fill byte
                continue;
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
            // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (at + 10 > data.Length)
                {
                    return false;
                }
                int height = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 5)..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 7)..]);
                int components = data[at + 9];
                info = (height, width, components == 1 ? 1 : 3);
                return width > 0 && height > 0;
            }
            if (length < 2)
            {
                return false;
            }
            at += 2 + length;
        }
        return false;
    }
}
