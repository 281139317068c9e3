namespace TbLogger;

public sealed partial class SummaryWriter
{
    /// <summary>
    /// Logs a mesh or point cloud for the MESH dashboard, like PyTorch's <c>add_mesh</c>. The data is checked and
    /// copied into the summary before this returns. See <see cref="Summaries.Mesh"/> for the layout and the rules.
    /// </summary>
    /// <param name="tag">The mesh's name.</param>
    /// <param name="vertices">B × N × 3 coordinates, finite.</param>
    /// <param name="colors">Empty, or B × N × 3 RGB values.</param>
    /// <param name="faces">Empty (a point cloud), or B × F × 3 vertex indices in [0, N).</param>
    /// <param name="configJson">A JSON object of three.js settings, or null for "{}".</param>
    /// <param name="step">The global step.</param>
    /// <param name="batch">B, the number of meshes.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="Events.QueueFullMode.Drop"/> mode.</returns>
    /// <exception cref="ArgumentException">Lengths, indices, coordinates or the configuration are invalid.</exception>
    public bool AddMesh(string tag, ReadOnlySpan<float> vertices, ReadOnlySpan<byte> colors, ReadOnlySpan<int> faces, string? configJson, long step,
        int batch = 1, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        // Checked and copied in one pass here; the tensors are built on the writer's thread (issue 19). A mesh that
        // would be refused goes through the synchronous function, which throws exactly the error it always threw.
        var work = Deferred.MeshWork.TryCreate(tag, vertices, colors, faces, configJson, batch, BufferPool);
        if (work is null)
        {
            var summary = Summaries.Mesh(tag, vertices, colors, faces, configJson, batch);
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _main.EnqueueSummary(tag, () => summary, step, WallTimeOf(wallTime));
        }
        if (_disposed)
        {
            work.Release();
            ObjectDisposedException.ThrowIf(true, this);
        }
        return EnqueueDeferred(tag, work, step, WallTimeOf(wallTime));
    }
}
