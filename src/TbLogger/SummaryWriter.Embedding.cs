using System.Buffers;
using System.Numerics.Tensors;
using System.Text;
using TbLogger.Projector;
using TbLogger.Protos.Plugins.Projector;

namespace TbLogger;

public sealed partial class SummaryWriter
{
    private static readonly UTF8Encoding s_utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Saves an embedding for TensorBoard's projector, like PyTorch's <c>add_embedding</c>: writes
    /// <c>{step:D5}/{tag}/tensors.tsv</c> (and <c>metadata.tsv</c>, <c>sprite.png</c> when given) under the run
    /// directory, then adds or replaces the entry in <c>projector_config.pbtxt</c>, keeping entries already there.
    /// Files are written before this returns; no event is logged.
    /// </summary>
    /// <param name="tag">The embedding's name (sanitized into one directory name; see <see cref="ProjectorFiles.DirectoryName"/>).</param>
    /// <param name="matrix">N × D finite floats, row by row: one row per point.</param>
    /// <param name="columns">D.</param>
    /// <param name="step">The global step, not negative.</param>
    /// <param name="metadata">A label (or row of labels) per point, or null.</param>
    /// <param name="sprite">A thumbnail per point, or null.</param>
    /// <returns>The embedding's directory.</returns>
    /// <exception cref="ArgumentException">Not whole rows, NaN or infinity, metadata / sprite counts that differ from N, or a tag whose directory name would be longer than a file system takes (255 bytes of UTF-8).</exception>
    /// <exception cref="FormatException">The existing projector_config.pbtxt cannot be read; it is left unchanged.</exception>
    /// <exception cref="NotSupportedException">The log directory is not local (e.g. s3://).</exception>
    /// <exception cref="IOException">
    /// A directory or the config on the way is a symbolic link, FIFO or device (files are never written through links),
    /// or another writer held the config's lock for too long.
    /// </exception>
    /// <remarks>
    /// On a rank that does not write (<see cref="IsWriting"/> false) nothing is written and the directory is returned.
    /// Files are written to a new temporary file and renamed into place, so a link planted at a file's name is
    /// replaced, never followed, and readers see either the old or the new file.
    /// </remarks>
    public string AddEmbedding(string tag, ReadOnlySpan<float> matrix, int columns, long step, EmbeddingMetadata? metadata = null, EmbeddingSprite? sprite = null)
    {
        Summaries.ValidateTag(tag);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ProjectorFiles.ValidateMatrix(matrix, columns, nameof(matrix));
        int rows = matrix.Length / columns;
        if (metadata is not null && metadata.Count != rows)
        {
            throw new ArgumentException($"The matrix has {rows} rows but the metadata has {metadata.Count}.", nameof(metadata));
        }
        if (sprite is not null && sprite.Count != rows)
        {
            throw new ArgumentException($"The matrix has {rows} rows but the sprite has {sprite.Count} images.", nameof(sprite));
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_storage.IsLocal)
        {
            // The projector reads its files next to the event files; those are written with local file I/O.
            throw new NotSupportedException($"AddEmbedding needs a local log directory; '{LogDirectory}' is in object storage.");
        }

        // Before any directory is made: a name too long for the file system failed only after the step's directory was.
        PathPolicy.ThrowIfSegmentTooLong(ProjectorFiles.DirectoryName(tag), "The tag", nameof(tag));
        string relative = ProjectorFiles.RelativeDirectory(tag, step);
        string root = Path.GetFullPath(LogDirectory);
        // DirectoryName already turns the tag into one plain segment; the policy is the last line of defence.
        string directory = PathPolicy.Resolve(root, relative, $"AddEmbedding tag '{PathPolicy.Printable(tag)}'");
        if (!IsWriting)
        {
            // A rank that does not write (SummaryWriterOptions.RankPolicy) writes no file at all, as for events.
            return directory;
        }
        ProjectorFileSystem.CreateDirectories(root, relative);

        using (var file = ProjectorFileSystem.Replace(Path.Combine(directory, ProjectorFiles.TensorsFileName)))
        {
            using (var tensors = new StreamWriter(file.Stream, s_utf8NoBom, leaveOpen: true))
            {
                ProjectorFiles.WriteTensorsTsv(tensors, matrix, columns);
            }
            file.Commit();
        }
        if (metadata is not null)
        {
            using var file = ProjectorFileSystem.Replace(Path.Combine(directory, ProjectorFiles.MetadataFileName));
            using (var labels = new StreamWriter(file.Stream, s_utf8NoBom, leaveOpen: true))
            {
                ProjectorFiles.WriteMetadataTsv(labels, metadata);
            }
            file.Commit();
        }
        if (sprite is not null)
        {
            using var file = ProjectorFileSystem.Replace(Path.Combine(directory, ProjectorFiles.SpriteFileName));
            file.Stream.Write(sprite.EncodePng());
            file.Commit();
        }

        var info = ProjectorFiles.EmbeddingInfo(tag, step, metadata is not null, sprite);
        string configPath = Path.Combine(root, ProjectorFiles.ConfigFileName);
        // Other writers of this run, in this process or another, update the same config: the lock file serialises
        // read-merge-write across all of them, so no writer's entry is lost.
        using (ProjectorFileSystem.Lock(configPath + ".lock"))
        {
            string? existing = ProjectorFileSystem.ReadConfig(configPath);
            var config = existing is null ? new ProjectorConfig() : ProjectorConfigText.Parse(existing);
            ProjectorFiles.Merge(config, info);
            string text = ProjectorConfigText.Format(config);
            using var file = ProjectorFileSystem.Replace(configPath);
            file.Stream.Write(s_utf8NoBom.GetBytes(text));
            file.Commit();
        }
        return directory;
    }

    /// <summary>Saves an embedding given as a rank-2 tensor [N, D]. See <see cref="AddEmbedding(string, ReadOnlySpan{float}, int, long, EmbeddingMetadata?, EmbeddingSprite?)"/>.</summary>
    /// <param name="tag">The embedding's name.</param>
    /// <param name="matrix">A rank-2 tensor of finite floats.</param>
    /// <param name="step">The global step, not negative.</param>
    /// <param name="metadata">A label (or row of labels) per point, or null.</param>
    /// <param name="sprite">A thumbnail per point, or null.</param>
    /// <returns>The embedding's directory.</returns>
    /// <exception cref="ArgumentException">Not rank 2, NaN or infinity, or counts that differ from N.</exception>
    public string AddEmbedding(string tag, in ReadOnlyTensorSpan<float> matrix, long step, EmbeddingMetadata? metadata = null, EmbeddingSprite? sprite = null)
    {
        TensorInput.RequireRank(matrix.Lengths, 2, "An embedding needs a rank-2 tensor [N, D]", nameof(matrix));
        int columns = TensorInput.Dim(matrix.Lengths, 1, nameof(matrix));
        float[] rented = TensorInput.Flatten(matrix, out int length);
        try
        {
            return AddEmbedding(tag, rented.AsSpan(0, length), columns, step, metadata, sprite);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }
}
