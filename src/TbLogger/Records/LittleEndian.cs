using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TbLogger.Records;

/// <summary>
/// Little-endian reads and writes at a <c>ref byte</c>, for the per-record hot path (CRC, record framing, scalar
/// encoding). The callers check the bounds once per record and then address fields by offset.
/// </summary>
/// <remarks>
/// Why not spans and <see cref="BinaryPrimitives"/> (issue 19): the package's ReadyToRun image cannot inline the
/// framework's span and BinaryPrimitives methods (they are outside its version bubble), so a record written that way
/// cost about fifteen out-of-line calls until tiering replaced the code, which a short run never waits for.
/// <see cref="Unsafe"/>'s methods are expanded in place by both the JIT and crossgen2.
/// </remarks>
internal static class LittleEndian
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadUInt64(ref byte at) =>
        BitConverter.IsLittleEndian ? Unsafe.ReadUnaligned<ulong>(ref at) : BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref at));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadUInt32(ref byte at) =>
        BitConverter.IsLittleEndian ? Unsafe.ReadUnaligned<uint>(ref at) : BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(ref at));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ReadUInt16(ref byte at) =>
        BitConverter.IsLittleEndian ? Unsafe.ReadUnaligned<ushort>(ref at) : BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ushort>(ref at));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref byte at, ulong value) =>
        Unsafe.WriteUnaligned(ref at, BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref byte at, uint value) =>
        Unsafe.WriteUnaligned(ref at, BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    /// <summary>A double's IEEE 754 bits, as protobuf's fixed64 and BinaryPrimitives.WriteDoubleLittleEndian store them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref byte at, double value) => Write(ref at, BitConverter.DoubleToUInt64Bits(value));

    /// <summary>A float's IEEE 754 bits, as protobuf's fixed32 stores them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref byte at, float value) => Write(ref at, BitConverter.SingleToUInt32Bits(value));
}
