using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.TorchSharp;

public static partial class SummaryWriterTensorExtensions
{
    /// <summary>
    /// Logs video clips as one looping animated GIF (PyTorch's <c>add_video</c>). uint8 tensors hold 0..255; every
    /// other dtype is read as floats in [0, 1]. The frames are read (without a copy when the tensor is a contiguous
    /// CPU uint8 or float32 tensor) and copied by the writer before this returns; encoding runs on its thread.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">Series name.</param>
    /// <param name="video">A rank-5 tensor, (N, T, C, H, W) by default; C is 1 or 3.</param>
    /// <param name="step">The global step.</param>
    /// <param name="fps">Frames per second (PyTorch's default is 4).</param>
    /// <param name="dataFormats">"NTCHW" (default, PyTorch's) or "NTHWC".</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in drop mode.</returns>
    /// <exception cref="ArgumentException">Disposed tensor, a rank other than 5, an unknown layout, or as the span overload.</exception>
    public static bool AddVideo(this SummaryWriter writer, string tag, Tensor video, long step, double fps = 4, string dataFormats = "NTCHW",
        DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TensorRead.CheckUsable(video, nameof(video));
        string format = ImageFormats.Normalize(dataFormats, nameof(dataFormats));
        if (format is not ("NTCHW" or "NTHWC"))
        {
            throw new ArgumentException($"Video data formats are \"NTCHW\" or \"NTHWC\", not \"{dataFormats}\".", nameof(dataFormats));
        }
        long[] shape = video.shape;
        if (shape.Length != 5)
        {
            throw new ArgumentException($"The tensor 'video' has shape {TensorRead.Format(shape)}; a video needs 5 dimensions ({format}).", nameof(video));
        }
        int n = TensorRead.Dim(shape, 0, nameof(video)), t = TensorRead.Dim(shape, 1, nameof(video));
        VideoShape videoShape = format == "NTCHW"
            ? VideoShape.Ntchw(n, t, TensorRead.Dim(shape, 2, nameof(video)), TensorRead.Dim(shape, 3, nameof(video)), TensorRead.Dim(shape, 4, nameof(video)))
            : VideoShape.Nthwc(n, t, TensorRead.Dim(shape, 2, nameof(video)), TensorRead.Dim(shape, 3, nameof(video)), TensorRead.Dim(shape, 4, nameof(video)));
        if (video.dtype == ScalarType.Byte)
        {
            using var b = TensorRead.Values<byte>(video, ScalarType.Byte, nameof(video));
            return writer.AddVideo(tag, b.Span, videoShape, step, fps, wallTime);
        }
        using var f = TensorRead.Values<float>(video, ScalarType.Float32, nameof(video));
        return writer.AddVideo(tag, f.Span, videoShape, step, fps, wallTime);
    }

    /// <summary>
    /// Logs meshes or point clouds for the MESH dashboard (PyTorch's <c>add_mesh</c>): vertices (B, N, 3), optional
    /// colours (B, N, 3) as 0..255, optional faces (B, F, 3) as vertex indices.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="tag">The mesh's name.</param>
    /// <param name="vertices">A (B, N, 3) tensor of coordinates, any real dtype.</param>
    /// <param name="colors">Null, or a (B, N, 3) tensor of RGB values 0..255 (read as uint8).</param>
    /// <param name="faces">Null (a point cloud), or a (B, F, 3) integer tensor of vertex indices.</param>
    /// <param name="step">The global step.</param>
    /// <param name="configJson">A JSON object of three.js settings, or null.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in drop mode.</returns>
    /// <exception cref="ArgumentException">Disposed tensor, a shape that is not (B, *, 3) with matching B and N, or as the span overload.</exception>
    public static bool AddMesh(this SummaryWriter writer, string tag, Tensor vertices, Tensor? colors, Tensor? faces, long step,
        string? configJson = null, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TensorRead.CheckUsable(vertices, nameof(vertices));
        long[] shape = vertices.shape;
        CheckTriples(shape, nameof(vertices));
        int batch = TensorRead.Dim(shape, 0, nameof(vertices));
        if (colors is not null)
        {
            TensorRead.CheckUsable(colors, nameof(colors));
            if (!colors.shape.SequenceEqual(shape))
            {
                throw new ArgumentException(
                    $"The tensor 'colors' has shape {TensorRead.Format(colors.shape)}; it must match 'vertices' {TensorRead.Format(shape)}.", nameof(colors));
            }
        }
        if (faces is not null)
        {
            TensorRead.CheckUsable(faces, nameof(faces));
            CheckTriples(faces.shape, nameof(faces));
            if (faces.shape[0] != shape[0])
            {
                throw new ArgumentException(
                    $"The tensor 'faces' has shape {TensorRead.Format(faces.shape)}; its batch must match 'vertices' {TensorRead.Format(shape)}.", nameof(faces));
            }
            if (faces.is_floating_point())
            {
                throw new ArgumentException($"The tensor 'faces' holds {faces.dtype} values; face indices must be integers.", nameof(faces));
            }
            if (faces.dtype == ScalarType.Int64 && faces.numel() > 0)
            {
                // Narrowed to int32 below: an index past int's range would wrap to a valid-looking one, so refuse it here.
                using var guard = torch.no_grad();
                using var max = faces.max();
                using var min = faces.min();
                if (max.item<long>() > int.MaxValue || min.item<long>() < int.MinValue)
                {
                    throw new ArgumentException($"The tensor 'faces' holds an index outside the 32-bit range; vertex indices must be in [0, N).", nameof(faces));
                }
            }
        }
        using var v = TensorRead.Values<float>(vertices, ScalarType.Float32, nameof(vertices));
        using var c = colors is null ? default : TensorRead.Values<byte>(colors, ScalarType.Byte, nameof(colors));
        using var f = faces is null ? default : TensorRead.Values<int>(faces, ScalarType.Int32, nameof(faces));
        return writer.AddMesh(tag, v.Span, c.Span, f.Span, configJson, step, batch, wallTime);
    }

    private static void CheckTriples(long[] shape, string parameterName)
    {
        if (shape.Length != 3 || shape[2] != 3)
        {
            throw new ArgumentException($"The tensor '{parameterName}' has shape {TensorRead.Format(shape)}; a mesh needs (B, N, 3).", parameterName);
        }
    }
}
