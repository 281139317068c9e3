using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Runtime.CompilerServices;

namespace TbLogger;

/// <summary>
/// Encodes 8-bit gray, RGB or RGBA pixels as a PNG: one IHDR, one IDAT (zlib via <see cref="ZLibStream"/>, each row
/// filtered with the filter that leaves the smallest residuals), IEND; chunk CRCs by <see cref="Crc32"/>.
/// Non-interlaced, no ancillary chunks. The per-image and per-row loops are compiled optimised from the first call:
/// images are logged too rarely (once an epoch, say) for tiering to promote them, and tier-0 code took 2.5 times as long.
/// </summary>
public static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Filtered rows are gathered into blocks this large before zlib sees them: fewer, larger writes.
    private const int BlockBytes = 64 * 1024;

    /// <summary>Encodes interleaved (HWC) pixels as a PNG file.</summary>
    /// <param name="pixels">Height × width × channels bytes, rows top to bottom, channels interleaved.</param>
    /// <param name="height">Rows, at least 1.</param>
    /// <param name="width">Columns, at least 1.</param>
    /// <param name="channels">1 (gray), 3 (RGB) or 4 (RGBA).</param>
    /// <param name="compression">The zlib level.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">The length does not match the shape, a size is zero, or channels is not 1, 3 or 4.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int height, int width, int channels, CompressionLevel compression = CompressionLevel.Optimal)
    {
        ImageDimensions.Validate(ImageShape.Hwc(height, width, channels), pixels.Length, nameof(pixels));
        if (!Enum.IsDefined(compression))
        {
            throw new ArgumentException($"Unknown compression level {compression}.", nameof(compression));
        }
        return EncodeToSegment(pixels, height, width, channels, compression).ToArray();
    }

    /// <summary>Encodes without copying the result out of the growable buffer. Arguments are already validated.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static ArraySegment<byte> EncodeToSegment(ReadOnlySpan<byte> pixels, int height, int width, int channels, CompressionLevel compression)
    {
        int stride = width * channels;
        // Start near the usual compressed size so the stream seldom grows.
        var output = new MemoryStream(capacity: (int)Math.Min(Array.MaxLength, 64 + pixels.Length / 4L));
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bits per sample
        header[9] = channels switch { 1 => 0, 3 => 2, _ => 6 }; // gray, truecolour, truecolour with alpha
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // not interlaced
        WriteChunk(output, "IHDR"u8, header);

        long dataStart = output.Position;
        output.Write(stackalloc byte[8]); // length and type, patched below
        byte[] zeros = ArrayPool<byte>.Shared.Rent(stride);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(3 * stride);
        byte[] block = ArrayPool<byte>.Shared.Rent(Math.Max(BlockBytes, stride + 1));
        try
        {
            var priorZeros = zeros.AsSpan(0, stride);
            priorZeros.Clear();
            using (var zlib = new ZLibStream(output, compression, leaveOpen: true))
            {
                int used = 0;
                for (int y = 0; y < height; y++)
                {
                    if (used + stride + 1 > block.Length)
                    {
                        zlib.Write(block, 0, used);
                        used = 0;
                    }
                    var row = pixels.Slice(y * stride, stride);
                    var prior = y == 0 ? priorZeros : pixels.Slice((y - 1) * stride, stride);
                    PngFilter.FilterBest(row, prior, channels, scratch, block.AsSpan(used, stride + 1));
                    used += stride + 1;
                }
                zlib.Write(block, 0, used);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
            ArrayPool<byte>.Shared.Return(scratch);
            ArrayPool<byte>.Shared.Return(zeros);
        }

        long dataLength = output.Position - dataStart - 8;
        if (dataLength > int.MaxValue)
        {
            throw new InvalidOperationException("The compressed image exceeds PNG's chunk size limit.");
        }
        byte[] buffer = output.GetBuffer();
        var typeAndData = buffer.AsSpan((int)dataStart + 4, 4 + (int)dataLength);
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan((int)dataStart), (int)dataLength);
        "IDAT"u8.CopyTo(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typeAndData));
        output.Write(crc);

        WriteChunk(output, "IEND"u8, []);
        return new ArraySegment<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

    private static void WriteChunk(MemoryStream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(prefix, data.Length);
        type.CopyTo(prefix[4..]);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        Span<byte> suffix = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(suffix, crc.GetCurrentHashAsUInt32());
        output.Write(prefix);
        output.Write(data);
        output.Write(suffix);
    }
}
