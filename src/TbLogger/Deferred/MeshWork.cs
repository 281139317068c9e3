using System.Buffers;
using System.Runtime.InteropServices;
using TbLogger.Protos;

namespace TbLogger.Deferred;

/// <summary>
/// A mesh whose tensors are built on the writer's thread. On the caller: the lengths, the batch and the configuration
/// are checked, and vertices, faces and colors are copied into one pooled buffer with the finite-coordinate and
/// face-index checks in the same pass. Until issue 19 the caller checked the vertices and faces in passes of their own
/// and built the whole summary, copying every array once more into its tensors.
/// </summary>
internal sealed class MeshWork : SummaryWork
{
    private readonly int _vertices;
    private readonly int _faces;
    private readonly int _colors;
    private readonly string _json;
    private readonly int _batch;

    private MeshWork(string tag, ArrayPool<byte> pool, int vertices, int faces, int colors, string json, int batch)
        : base(tag, pool, Layout(vertices, faces, colors, out _, out _))
    {
        _vertices = vertices;
        _faces = faces;
        _colors = colors;
        _json = json;
        _batch = batch;
    }

    // Vertices (4-byte floats), then faces (4-byte ints), then colors (bytes): every part stays 4-byte aligned.
    private static long Layout(int vertices, int faces, int colors, out long facesAt, out long colorsAt)
    {
        facesAt = 4L * vertices;
        colorsAt = facesAt + 4L * faces;
        return colorsAt + colors;
    }

    /// <summary>
    /// Checks and copies a mesh <see cref="Summaries.Mesh"/> would accept; null when it would throw (whichever check
    /// failed), so the caller can call it for the exact error it always gave. The tag is checked by the caller.
    /// </summary>
    public static MeshWork? TryCreate(string tag, ReadOnlySpan<float> vertices, ReadOnlySpan<byte> colors, ReadOnlySpan<int> faces, string? configJson,
        int batch, ArrayPool<byte> pool)
    {
        if (batch < 1 || vertices.Length % (3L * batch) != 0 || vertices.IsEmpty
            || (!colors.IsEmpty && colors.Length != vertices.Length)
            || faces.Length % (3L * batch) != 0
            || !Summaries.IsMeshConfig(configJson))
        {
            return null;
        }
        int points = (int)(vertices.Length / (3L * batch));
        var work = new MeshWork(tag, pool, vertices.Length, faces.Length, colors.Length, configJson ?? "{}", batch);
        bool bad;
        try
        {
            work.Views(work.Buffer, out var v, out var f, out var c);
            bad = CheckedCopy.Copy<float, CheckedCopy.NonFinite<float>>(vertices, v);
            bad |= CheckedCopy.CopyIndices(faces, f, points);
            colors.CopyTo(c);
        }
        catch
        {
            work.Release();
            throw;
        }
        if (bad)
        {
            work.Release();
            return null;
        }
        return work;
    }

    private void Views(byte[] buffer, out Span<float> vertices, out Span<int> faces, out Span<byte> colors)
    {
        long end = Layout(_vertices, _faces, _colors, out long facesAt, out long colorsAt);
        var bytes = buffer.AsSpan(0, (int)end);
        vertices = MemoryMarshal.Cast<byte, float>(bytes[..(int)facesAt]);
        faces = MemoryMarshal.Cast<byte, int>(bytes[(int)facesAt..(int)colorsAt]);
        colors = bytes[(int)colorsAt..];
    }

    /// <inheritdoc />
    protected override Summary BuildFrom(byte[] buffer)
    {
        Views(buffer, out var vertices, out var faces, out var colors);
        return Summaries.MeshFromValidated(Tag, vertices, colors, faces, _json, _batch, description: null);
    }
}
