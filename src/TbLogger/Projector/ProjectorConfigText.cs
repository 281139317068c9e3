using System.Globalization;
using System.Text;
using TbLogger.Protos.Plugins.Projector;

namespace TbLogger.Projector;

/// <summary>
/// Reads and writes projector_config.pbtxt (a ProjectorConfig in protobuf text format) the way Python's
/// text_format does: fields in number order, two-space indent, strings C-escaped. The reader accepts what
/// TensorFlow's and PyTorch's writers produce (and hand edits: comments, single quotes, [a, b] lists, optional
/// colons before messages); fields it does not know are skipped.
/// </summary>
public static class ProjectorConfigText
{
    /// <summary>
    /// The longest config text accepted, in characters (16 Mi: about 80,000 embeddings). Longer text, and messages
    /// nested more than 100 deep, are a <see cref="FormatException"/>: the file may come from anyone.
    /// </summary>
    public const int MaxTextLength = 16 * 1024 * 1024;

    /// <summary>Formats a config as text.</summary>
    /// <param name="config">The config.</param>
    /// <returns>The text, ending with a newline (empty for an empty config).</returns>
    public static string Format(ProjectorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = new StringBuilder();
        StringField(text, 0, "model_checkpoint_path", config.ModelCheckpointPath);
        foreach (var embedding in config.Embeddings)
        {
            text.Append("embeddings {\n");
            StringField(text, 1, "tensor_name", embedding.TensorName);
            StringField(text, 1, "metadata_path", embedding.MetadataPath);
            StringField(text, 1, "bookmarks_path", embedding.BookmarksPath);
            foreach (uint size in embedding.TensorShape)
            {
                text.Append("  tensor_shape: ").Append(size.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            if (embedding.Sprite is { } sprite)
            {
                text.Append("  sprite {\n");
                StringField(text, 2, "image_path", sprite.ImagePath);
                foreach (uint size in sprite.SingleImageDim)
                {
                    text.Append("    single_image_dim: ").Append(size.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
                text.Append("  }\n");
            }
            StringField(text, 1, "tensor_path", embedding.TensorPath);
            text.Append("}\n");
        }
        StringField(text, 0, "model_checkpoint_dir", config.ModelCheckpointDir);
        return text.ToString();
    }

    /// <summary>Parses text-format config.</summary>
    /// <param name="text">The file's content.</param>
    /// <returns>The config.</returns>
    /// <exception cref="FormatException">
    /// The text is not valid text format for a ProjectorConfig, is longer than <see cref="MaxTextLength"/>, or nests
    /// messages more than 100 deep.
    /// </exception>
    public static ProjectorConfig Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxTextLength)
        {
            throw new FormatException($"projector_config.pbtxt is {text.Length} characters; at most {MaxTextLength} are read.");
        }
        var reader = new TextFormatReader(text);
        var config = new ProjectorConfig();
        while (!reader.AtEnd)
        {
            string name = reader.FieldName();
            switch (name)
            {
                case "model_checkpoint_path": config.ModelCheckpointPath = reader.StringValue(); break;
                case "model_checkpoint_dir": config.ModelCheckpointDir = reader.StringValue(); break;
                case "embeddings": config.Embeddings.Add(ParseEmbedding(reader)); break;
                default: reader.SkipValue(); break;
            }
        }
        return config;
    }

    private static EmbeddingInfo ParseEmbedding(TextFormatReader reader)
    {
        var info = new EmbeddingInfo();
        char close = reader.OpenMessage();
        while (!reader.TryClose(close))
        {
            string name = reader.FieldName();
            switch (name)
            {
                case "tensor_name": info.TensorName = reader.StringValue(); break;
                case "metadata_path": info.MetadataPath = reader.StringValue(); break;
                case "bookmarks_path": info.BookmarksPath = reader.StringValue(); break;
                case "tensor_path": info.TensorPath = reader.StringValue(); break;
                case "tensor_shape": reader.UInt32Values(info.TensorShape); break;
                case "sprite": info.Sprite = ParseSprite(reader); break;
                default: reader.SkipValue(); break;
            }
        }
        return info;
    }

    private static SpriteMetadata ParseSprite(TextFormatReader reader)
    {
        var sprite = new SpriteMetadata();
        char close = reader.OpenMessage();
        while (!reader.TryClose(close))
        {
            string name = reader.FieldName();
            switch (name)
            {
                case "image_path": sprite.ImagePath = reader.StringValue(); break;
                case "single_image_dim": reader.UInt32Values(sprite.SingleImageDim); break;
                default: reader.SkipValue(); break;
            }
        }
        return sprite;
    }

    private static void StringField(StringBuilder text, int depth, string name, string value)
    {
        if (value.Length == 0)
        {
            return;
        }
        text.Append(' ', 2 * depth).Append(name).Append(": \"");
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            switch (b)
            {
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case (byte)'"': text.Append("\\\""); break;
                case (byte)'\'': text.Append("\\'"); break;
                case (byte)'\\': text.Append("\\\\"); break;
                default:
                    // Like Python's text_format (as_utf8=False): anything outside printable ASCII as a 3-digit octal escape.
                    if (b < 0x20 || b >= 0x7F)
                    {
                        text.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
                    }
                    else
                    {
                        text.Append((char)b);
                    }
                    break;
            }
        }
        text.Append("\"\n");
    }
}
