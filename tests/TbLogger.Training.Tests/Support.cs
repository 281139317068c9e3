using System.Buffers.Binary;
using SkiaSharp;
using TbLogger.Events;
using TbLogger.Protos;

namespace TbLogger.Training.Tests;

/// <summary>A temporary directory deleted at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tbtrain-" + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One value read back: run (relative directory), tag, step, plugin and the scalar value if it is one.</summary>
internal sealed record Written(string Run, string Tag, long Step, string Plugin, double? Scalar, Summary.Types.Value Value);

internal static class EventLog
{
    /// <summary>
    /// Every summary value under <paramref name="logDir"/>, by run directory relative to it ("." for the root). A value's
    /// plugin is its tag's first in the run, as TensorBoard takes it: writers put the metadata on the first value only.
    /// </summary>
    public static List<Written> ReadAll(string logDir)
    {
        var result = new List<Written>();
        var plugins = new Dictionary<(string Run, string Tag), string>();
        foreach (var file in Directory.EnumerateFiles(logDir, "*tfevents*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string run = Path.GetRelativePath(logDir, Path.GetDirectoryName(file)!).Replace('\\', '/');
            foreach (var e in EventFileReader.Read(file))
            {
                if (e.Summary is null) continue;
                foreach (var v in e.Summary.Value)
                {
                    if (!plugins.TryGetValue((run, v.Tag), out string? plugin))
                    {
                        plugin = v.Metadata?.PluginData?.PluginName ?? "";
                        plugins[(run, v.Tag)] = plugin;
                    }
                    result.Add(new Written(run, v.Tag, e.Step, plugin, ScalarOf(v, plugin), v));
                }
            }
        }
        return result;
    }

    /// <summary>The scalar of <paramref name="v"/>; <paramref name="plugin"/> is its tag's plugin (null: the value's own metadata).</summary>
    public static double? ScalarOf(Summary.Types.Value v, string? plugin = null)
    {
        if (v.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue) return v.SimpleValue;
        if ((plugin ?? v.Metadata?.PluginData?.PluginName) != "scalars" || v.Tensor is null) return null;
        var t = v.Tensor;
        if (t.Dtype == DataType.DtFloat)
            return t.FloatVal.Count > 0 ? t.FloatVal[0] : BinaryPrimitives.ReadSingleLittleEndian(t.TensorContent.Span);
        if (t.Dtype == DataType.DtDouble)
            return t.DoubleVal.Count > 0 ? t.DoubleVal[0] : BinaryPrimitives.ReadDoubleLittleEndian(t.TensorContent.Span);
        return null;
    }
}

internal static class Png
{
    /// <summary>The encoded image of an image value, in either of TensorBoard's forms (legacy Image or [w, h, png] string tensor).</summary>
    public static byte[] Of(Written w) =>
        w.Value.Image is { } image ? image.EncodedImageString.ToByteArray() : w.Value.Tensor.StringVal[2].ToByteArray();

    /// <summary>Decodes a PNG and returns its size and the number of distinct colours (a blank image has 1).</summary>
    public static (int Width, int Height, int Colors, double DarkFraction) Inspect(byte[] png)
    {
        Assert.IsTrue(png.Length > 8 && png[0] == 0x89 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "not a PNG");
        using var bitmap = SKBitmap.Decode(png);
        Assert.IsNotNull(bitmap, "PNG did not decode");
        var colors = new HashSet<uint>();
        long dark = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                colors.Add((uint)c);
                if (c.Red + c.Green + c.Blue < 200) dark++;
            }
        return (bitmap.Width, bitmap.Height, colors.Count, dark / (double)(bitmap.Width * bitmap.Height));
    }
}
