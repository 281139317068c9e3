using System.Buffers;
using TbLogger.Protos;

namespace TbLogger.Deferred;

/// <summary>
/// An already encoded PNG or JPEG whose summary is built on the writer's thread. On the caller: the header is read
/// (the only check that can fail) and the bytes are copied into a pooled buffer. The proto needs bytes of its own, so
/// the worker copies them once more; the caller's copy goes to a reused buffer instead of a new array that the runtime
/// must zero (and, for a large image, fault in page by page) on the caller's thread.
/// </summary>
internal sealed class EncodedImageWork : SummaryWork
{
    private readonly int _length;
    private readonly int _height;
    private readonly int _width;
    private readonly int _colorspace;

    private EncodedImageWork(string tag, ArrayPool<byte> pool, int length, int height, int width, int colorspace)
        : base(tag, pool, length)
    {
        _length = length;
        _height = height;
        _width = width;
        _colorspace = colorspace;
    }

    /// <summary>Reads the header and copies <paramref name="encoded"/>; throws what <see cref="Summaries.ImageEncoded"/> throws for the bytes.</summary>
    public static EncodedImageWork Create(string tag, ReadOnlySpan<byte> encoded, ArrayPool<byte> pool, string parameterName)
    {
        var (height, width, colorspace) = EncodedImageInfo.Read(encoded, parameterName);
        var work = new EncodedImageWork(tag, pool, encoded.Length, height, width, colorspace);
        encoded.CopyTo(work.Buffer);
        return work;
    }

    /// <inheritdoc />
    protected override Summary BuildFrom(byte[] buffer) =>
        Summaries.ImageFromEncoded(Tag, _height, _width, _colorspace, buffer.AsSpan(0, _length));
}
