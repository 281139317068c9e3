using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TbLogger.Records;

/// <summary>
/// CRC32C (Castagnoli) and the masking TFRecord applies to it. Masking exists because a CRC stored next to the
/// data it covers would otherwise be easy to reproduce by accident when CRCs of CRCs are computed.
/// </summary>
public static class MaskedCrc32C
{
    private const uint MaskDelta = 0xA282EAD8u;

    /// <summary>Computes the plain CRC32C of <paramref name="data"/> (check value: "123456789" gives 0xE3069283).</summary>
    /// <param name="data">The bytes to checksum.</param>
    /// <returns>The CRC32C with the standard initial value and final inversion.</returns>
    [MethodImpl(HotPath.Options)]
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        // BitOperations.Crc32C maps to the SSE4.2 / ARMv8 CRC instructions: 8 bytes per step, then the tail.
        uint crc = ~0u;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        if (data.Length >= 4)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }
        if (data.Length >= 2)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt16LittleEndian(data));
            data = data[2..];
        }
        if (data.Length == 1)
        {
            crc = BitOperations.Crc32C(crc, data[0]);
        }
        return ~crc;
    }

    /// <summary>Masks a CRC the way TFRecord stores it: rotate right by 15 bits, then add 0xA282EAD8.</summary>
    /// <param name="crc">A plain CRC32C.</param>
    /// <returns>The masked value.</returns>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;

    /// <summary>Inverts <see cref="Mask"/>.</summary>
    /// <param name="maskedCrc">A masked CRC as stored in a TFRecord.</param>
    /// <returns>The plain CRC32C.</returns>
    public static uint Unmask(uint maskedCrc)
    {
        uint rotated = maskedCrc - MaskDelta;
        return (rotated >> 17) | (rotated << 15);
    }

    /// <summary>Computes the masked CRC32C of <paramref name="data"/>, as stored in a TFRecord.</summary>
    /// <param name="data">The bytes to checksum.</param>
    /// <returns>The masked CRC.</returns>
    public static uint ComputeMasked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    /// <summary>
    /// The masked CRC32C of the 8 little-endian bytes of <paramref name="value"/>: a TFRecord's length field, checked
    /// once per record, in one CRC instruction instead of the span loop.
    /// </summary>
    internal static uint ComputeMasked(ulong value) => Mask(~BitOperations.Crc32C(~0u, value));
}
