using System.Buffers.Binary;
using System.IO.Compression;

namespace TbLogger.Tests.Images;

/// <summary>
/// A minimal PNG decoder written for the tests, independent of the encoder: it checks the signature, every chunk's
/// CRC (its own table, not System.IO.Hashing), IHDR, concatenates IDAT, inflates and undoes all five filters
/// straight from the specification. 8-bit gray, gray + alpha, RGB and RGBA, not interlaced.
/// </summary>
internal static class PngTestDecoder
{
    private static readonly uint[] s_crcTable = BuildCrcTable();

    internal sealed record Decoded(int Width, int Height, int Channels, byte[] Pixels, byte[] FilterTypes, List<string> Chunks);

    public static Decoded Decode(ReadOnlySpan<byte> png)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.IsTrue(png.StartsWith(signature), "PNG signature");
        int at = 8;
        int width = 0, height = 0, channels = 0;
        var idat = new MemoryStream();
        var chunks = new List<string>();
        while (at < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png[at..]);
            var type = png.Slice(at + 4, 4);
            var data = png.Slice(at + 8, length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png[(at + 8 + length)..]);
            Assert.AreEqual(Crc(png.Slice(at + 4, 4 + length)), stored, "chunk CRC");
            string name = System.Text.Encoding.ASCII.GetString(type);
            chunks.Add(name);
            switch (name)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    Assert.AreEqual(8, data[8], "bit depth");
                    channels = data[9] switch { 0 => 1, 4 => 2, 2 => 3, 6 => 4, _ => throw new AssertFailedException("colour type " + data[9]) };
                    Assert.AreEqual(0, data[12], "interlace");
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }
            at += 12 + length;
        }
        Assert.AreEqual("IEND", chunks[^1]);
        idat.Position = 0;
        var raw = new MemoryStream();
        using (var inflate = new ZLibStream(idat, CompressionMode.Decompress))
        {
            inflate.CopyTo(raw);
        }
        byte[] filtered = raw.ToArray();
        int stride = width * channels;
        Assert.AreEqual(height * (stride + 1), filtered.Length, "inflated length");
        byte[] pixels = new byte[height * stride];
        byte[] filters = new byte[height];
        for (int y = 0; y < height; y++)
        {
            byte filter = filtered[y * (stride + 1)];
            filters[y] = filter;
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? pixels[y * stride + x - channels] : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
                int c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new AssertFailedException("filter type " + filter),
                };
                pixels[y * stride + x] = (byte)(filtered[y * (stride + 1) + 1 + x] + predictor);
            }
        }
        return new Decoded(width, height, channels, pixels, filters, chunks);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }
        return pb <= pc ? b : c;
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = s_crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc ^ 0xFFFFFFFF;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
