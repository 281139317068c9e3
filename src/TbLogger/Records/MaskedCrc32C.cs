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
    public static uint Compute(ReadOnlySpan<byte> data) =>
        // The indexer, not MemoryMarshal.GetReference, which the ReadyToRun code would call out of line (see LittleEndian).
        data.Length == 0 ? 0 : Compute(ref Unsafe.AsRef(in data[0]), data.Length);

    /// <summary>The CRC32C of the <paramref name="length"/> bytes from <paramref name="start"/>; the caller checked that they exist.</summary>
    [MethodImpl(HotPath.Options)]
    internal static uint Compute(ref byte start, int length)
    {
        // BitOperations.Crc32C maps to the SSE4.2 / ARMv8 CRC instructions: 8 bytes per step, then the tail. Read by
        // offset from one reference, not by slicing a span (see LittleEndian for why: issue 19).
        int at = 0;
        uint crc = ~0u;
        for (; length - at >= 8; at += 8)
        {
            crc = BitOperations.Crc32C(crc, LittleEndian.ReadUInt64(ref Unsafe.Add(ref start, at)));
        }
        if (length - at >= 4)
        {
            crc = BitOperations.Crc32C(crc, LittleEndian.ReadUInt32(ref Unsafe.Add(ref start, at)));
            at += 4;
        }
        if (length - at >= 2)
        {
            crc = BitOperations.Crc32C(crc, LittleEndian.ReadUInt16(ref Unsafe.Add(ref start, at)));
            at += 2;
        }
        if (length - at == 1)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.Add(ref start, at));
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
