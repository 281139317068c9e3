namespace TbLogger.Benchmarks.Images;

/// <summary>A deterministic photo-like 512×512 RGB test image: smooth colour gradients with mild noise.</summary>
internal static class BenchmarkImage
{
    public const int Size = 512;

    /// <summary>HWC pixels.</summary>
    public static byte[] Hwc()
    {
        var random = new Random(42);
        byte[] pixels = new byte[Size * Size * 3];
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                int o = (y * Size + x) * 3;
                pixels[o] = Clamp(128 + 100 * Math.Sin(x / 40.0) + random.Next(-6, 7));
                pixels[o + 1] = Clamp(128 + 100 * Math.Cos(y / 55.0) + random.Next(-6, 7));
                pixels[o + 2] = Clamp((x + y) / 4.0 + random.Next(-6, 7));
            }
        }
        return pixels;
    }

    /// <summary>The same pixels in CHW order (as a PyTorch tensor holds them).</summary>
    public static byte[] Chw(byte[] hwc)
    {
        byte[] chw = new byte[hwc.Length];
        int plane = Size * Size;
        for (int i = 0; i < plane; i++)
        {
            chw[i] = hwc[3 * i];
            chw[plane + i] = hwc[3 * i + 1];
            chw[2 * plane + i] = hwc[3 * i + 2];
        }
        return chw;
    }

    private static byte Clamp(double value) => (byte)Math.Clamp(value, 0, 255);
}
