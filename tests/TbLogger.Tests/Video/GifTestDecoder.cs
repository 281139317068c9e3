using System.Buffers.Binary;

namespace TbLogger.Tests.Video;

/// <summary>
/// A small GIF decoder written for the tests from the GIF89a specification, independent of the encoder: it reads
/// the screen descriptor, the NETSCAPE2.0 loop count, each frame's delay and local colour table, and decodes LZW
/// with its own string table into RGB frames.
/// </summary>
internal static class GifTestDecoder
{
    public sealed record Frame(int Delay, byte[] Palette, byte[] Indices, byte[] Rgb);

    public sealed record Gif(int Width, int Height, int? LoopCount, List<Frame> Frames);

    public static Gif Decode(byte[] gif)
    {
        if (System.Text.Encoding.ASCII.GetString(gif, 0, 6) != "GIF89a")
        {
            throw new InvalidDataException("not GIF89a");
        }
        int width = BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(6));
        int height = BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(8));
        int pos = 13;
        byte[]? globalTable = null;
        if ((gif[10] & 0x80) != 0)
        {
            int size = 3 << ((gif[10] & 7) + 1);
            globalTable = gif.AsSpan(pos, size).ToArray();
            pos += size;
        }
        int? loop = null;
        int delay = 0;
        var frames = new List<Frame>();
        while (true)
        {
            byte kind = gif[pos++];
            if (kind == 0x3B)
            {
                return new Gif(width, height, loop, frames);
            }
            if (kind == 0x21)
            {
                byte label = gif[pos++];
                var blocks = SubBlocks(gif, ref pos);
                if (label == 0xF9)
                {
                    delay = BinaryPrimitives.ReadUInt16LittleEndian(blocks[0].AsSpan(1));
                }
                else if (label == 0xFF && System.Text.Encoding.ASCII.GetString(blocks[0]) == "NETSCAPE2.0")
                {
                    loop = BinaryPrimitives.ReadUInt16LittleEndian(blocks[1].AsSpan(1));
                }
                continue;
            }
            if (kind != 0x2C)
            {
                throw new InvalidDataException($"unexpected block 0x{kind:x2} at {pos - 1}");
            }
            int left = BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(pos));
            int top = BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(pos + 2));
            int w = BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(pos + 4));
            int h = BinaryPrimitives.ReadUInt16LittleEndian(gif.AsSpan(pos + 6));
            byte flags = gif[pos + 8];
            pos += 9;
            if (left != 0 || top != 0 || w != width || h != height || (flags & 0x40) != 0)
            {
                throw new InvalidDataException("only full, non-interlaced frames are expected");
            }
            byte[] table;
            if ((flags & 0x80) != 0)
            {
                int size = 3 << ((flags & 7) + 1);
                table = gif.AsSpan(pos, size).ToArray();
                pos += size;
            }
            else
            {
                table = globalTable ?? throw new InvalidDataException("no colour table");
            }
            int minCodeSize = gif[pos++];
            byte[] data = SubBlocks(gif, ref pos).SelectMany(b => b).ToArray();
            byte[] indices = Lzw(data, minCodeSize, w * h);
            var rgb = new byte[w * h * 3];
            for (int i = 0; i < indices.Length; i++)
            {
                if (indices[i] * 3 >= table.Length)
                {
                    throw new InvalidDataException($"index {indices[i]} outside a table of {table.Length / 3}");
                }
                Array.Copy(table, indices[i] * 3, rgb, i * 3, 3);
            }
            frames.Add(new Frame(delay, table, indices, rgb));
        }
    }

    private static List<byte[]> SubBlocks(byte[] gif, ref int pos)
    {
        var blocks = new List<byte[]>();
        while (gif[pos] != 0)
        {
            int length = gif[pos];
            blocks.Add(gif.AsSpan(pos + 1, length).ToArray());
            pos += 1 + length;
        }
        pos++;
        return blocks;
    }

    private static byte[] Lzw(byte[] data, int minCodeSize, int pixels)
    {
        int clear = 1 << minCodeSize, end = clear + 1;
        var table = new List<byte[]>();
        void Reset()
        {
            table.Clear();
            for (int i = 0; i < clear; i++)
            {
                table.Add([(byte)i]);
            }
            table.Add([]);
            table.Add([]);
        }
        Reset();
        int width = minCodeSize + 1;
        var output = new List<byte>(pixels);
        byte[]? previous = null;
        long bitPos = 0;
        while (true)
        {
            if (bitPos + width > data.Length * 8L)
            {
                throw new InvalidDataException("LZW data ended without an end code");
            }
            int code = 0;
            for (int b = 0; b < width; b++, bitPos++)
            {
                code |= ((data[bitPos >> 3] >> (int)(bitPos & 7)) & 1) << b;
            }
            if (code == clear)
            {
                Reset();
                width = minCodeSize + 1;
                previous = null;
                continue;
            }
            if (code == end)
            {
                break;
            }
            byte[] entry;
            if (code < table.Count)
            {
                entry = table[code];
                if (previous != null)
                {
                    table.Add([.. previous, entry[0]]);
                }
            }
            else if (code == table.Count && previous != null)
            {
                entry = [.. previous, previous[0]];
                table.Add(entry);
            }
            else
            {
                throw new InvalidDataException($"LZW code {code} beyond the table ({table.Count})");
            }
            output.AddRange(entry);
            previous = entry;
            if (table.Count == (1 << width) && width < 12)
            {
                width++;
            }
        }
        if (output.Count != pixels)
        {
            throw new InvalidDataException($"{output.Count} pixels decoded, {pixels} expected");
        }
        return [.. output];
    }
}
