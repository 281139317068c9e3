using System.Globalization;
using System.Text;
using TbLogger.Protos.Plugins.Projector;

namespace TbLogger.Projector;

/// <summary>
/// The pure parts of the embedding projector's files, as PyTorch's <c>add_embedding</c> lays them out in a run
/// directory: <c>{step:D5}/{tag}/tensors.tsv</c>, <c>metadata.tsv</c>, <c>sprite.png</c>, and one
/// <c>projector_config.pbtxt</c> listing every embedding. Nothing here touches the disk.
/// </summary>
public static class ProjectorFiles
{
    /// <summary>The config file's name in the run directory.</summary>
    public const string ConfigFileName = "projector_config.pbtxt";

    /// <summary>The matrix file's name.</summary>
    public const string TensorsFileName = "tensors.tsv";

    /// <summary>The labels file's name.</summary>
    public const string MetadataFileName = "metadata.tsv";

    /// <summary>The thumbnails file's name.</summary>
    public const string SpriteFileName = "sprite.png";

    /// <summary>
    /// Turns a tag into one safe directory name: like PyTorch, '%', '/' and '\' become %25, %2f and %5c; so do
    /// characters no file system accepts (control characters, <c>" &lt; &gt; | : * ?</c>), dots that would make
    /// "." or "..", and a trailing dot or space. The result never contains a path separator.
    /// </summary>
    /// <param name="tag">The embedding's tag.</param>
    /// <returns>The directory name.</returns>
    public static string DirectoryName(string tag)
    {
        Summaries.ValidateTag(tag);
        var name = new StringBuilder(tag.Length);
        foreach (char c in tag)
        {
            if (c is '%' or '/' or '\\' or '"' or '<' or '>' or '|' or ':' or '*' or '?' || char.IsControl(c))
            {
                Escape(name, c);
            }
            else
            {
                name.Append(c);
            }
        }
        if (name.ToString().All(c => c == '.'))
        {
            return name.Replace(".", "%2e").ToString();
        }
        // Windows drops a trailing dot or space, which would merge distinct tags into one directory.
        if (name[^1] is '.' or ' ')
        {
            char last = name[^1];
            name.Length--;
            Escape(name, last);
        }
        return name.ToString();
    }

    /// <summary>The embedding's directory relative to the run directory, with '/' separators: <c>{step:D5}/{tag}</c>.</summary>
    /// <param name="tag">The embedding's tag.</param>
    /// <param name="step">The global step, not negative.</param>
    /// <returns>E.g. "00000/emb".</returns>
    public static string RelativeDirectory(string tag, long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return step.ToString("D5", CultureInfo.InvariantCulture) + "/" + DirectoryName(tag);
    }

    /// <summary>
    /// Writes the matrix as tensors.tsv: one row per point, values separated by tabs, each formatted like Python's
    /// repr of the float ("1.0", "0.5", "-2.5e-07"), with the shortest digits that read back exactly.
    /// </summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="matrix">Rows × columns finite floats, row by row.</param>
    /// <param name="columns">The dimension D.</param>
    /// <exception cref="ArgumentException">The matrix is empty, not whole rows, or holds NaN or an infinity.</exception>
    public static void WriteTensorsTsv(TextWriter writer, ReadOnlySpan<float> matrix, int columns)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ValidateMatrix(matrix, columns, nameof(matrix));
        for (int i = 0; i < matrix.Length; i++)
        {
            writer.Write(PythonFloat.Format(matrix[i]));
            writer.Write((i + 1) % columns == 0 ? '\n' : '\t');
        }
    }

    /// <summary>Writes metadata.tsv: the header row if there is one, then one line per point, each ending in a newline.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="metadata">The labels.</param>
    public static void WriteMetadataTsv(TextWriter writer, EmbeddingMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Header is { } header)
        {
            writer.Write(string.Join('\t', header));
            writer.Write('\n');
        }
        foreach (var row in metadata.Rows)
        {
            writer.Write(string.Join('\t', row));
            writer.Write('\n');
        }
    }

    /// <summary>
    /// The config entry for one embedding, as PyTorch writes it: tensor_name "{tag}:{step:D5}", paths relative to
    /// the run directory, and the sprite's single_image_dim as [width, height].
    /// </summary>
    /// <param name="tag">The embedding's tag (kept as given in tensor_name).</param>
    /// <param name="step">The global step.</param>
    /// <param name="hasMetadata">Whether metadata.tsv is written.</param>
    /// <param name="sprite">The thumbnails, or null.</param>
    /// <returns>The entry.</returns>
    public static EmbeddingInfo EmbeddingInfo(string tag, long step, bool hasMetadata, EmbeddingSprite? sprite)
    {
        string directory = RelativeDirectory(tag, step);
        var info = new EmbeddingInfo
        {
            TensorName = tag + ":" + step.ToString("D5", CultureInfo.InvariantCulture),
            TensorPath = directory + "/" + TensorsFileName,
        };
        if (hasMetadata)
        {
            info.MetadataPath = directory + "/" + MetadataFileName;
        }
        if (sprite is not null)
        {
            info.Sprite = new SpriteMetadata
            {
                ImagePath = directory + "/" + SpriteFileName,
                SingleImageDim = { (uint)sprite.ImageWidth, (uint)sprite.ImageHeight },
            };
        }
        return info;
    }

    /// <summary>
    /// Adds an embedding to a config: an entry with the same tensor_name is replaced in place (the same tag and step
    /// logged again), otherwise the entry is appended. Everything else in the config is kept.
    /// </summary>
    /// <param name="config">The config to change.</param>
    /// <param name="embedding">The entry.</param>
    public static void Merge(ProjectorConfig config, EmbeddingInfo embedding)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(embedding);
        for (int i = 0; i < config.Embeddings.Count; i++)
        {
            if (config.Embeddings[i].TensorName == embedding.TensorName)
            {
                config.Embeddings[i] = embedding;
                return;
            }
        }
        config.Embeddings.Add(embedding);
    }

    internal static void ValidateMatrix(ReadOnlySpan<float> matrix, int columns, string parameterName)
    {
        if (columns <= 0)
        {
            throw new ArgumentException($"An embedding needs at least one column; got {columns}.", parameterName);
        }
        if (matrix.IsEmpty || matrix.Length % columns != 0)
        {
            throw new ArgumentException(
                $"Expected an N x {columns} matrix (N >= 1); got {matrix.Length} values, not a positive multiple of {columns}.", parameterName);
        }
        for (int i = 0; i < matrix.Length; i++)
        {
            if (!float.IsFinite(matrix[i]))
            {
                throw new ArgumentException($"Embedding values must be finite; value [{i / columns}, {i % columns}] is {matrix[i]}.", parameterName);
            }
        }
    }

    private static void Escape(StringBuilder name, char c)
    {
        if (c < 0x100)
        {
            name.Append('%').Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
        }
        else
        {
            name.Append("%u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
    }
}
