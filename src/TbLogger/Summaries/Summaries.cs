using System.Text;
using Google.Protobuf;
using TbLogger.Protos;

namespace TbLogger;

/// <summary>
/// Pure functions that build <see cref="Summary"/> protos, one per kind of data. They touch no disk and keep no
/// state, so every encoding is testable on its own; the writer only frames and stores what they return.
/// </summary>
public static partial class Summaries
{
    /// <summary>Builds a scalar summary.</summary>
    /// <param name="tag">The series name, e.g. "train/loss".</param>
    /// <param name="value">The value; NaN and infinities are legal and TensorBoard plots them.</param>
    /// <param name="encoding">How to store it; see <see cref="ScalarEncoding"/>.</param>
    /// <returns>A summary with one value.</returns>
    public static Summary Scalar(string tag, double value, ScalarEncoding encoding = ScalarEncoding.Float32Tensor)
    {
        ValidateTag(tag);
        var summaryValue = new Summary.Types.Value { Tag = tag, Metadata = ScalarMetadata() };
        // No tensor_shape: an absent shape is rank 0 to both loaders (data_compat.rs says so) and saves 2 bytes a value.
        switch (encoding)
        {
            case ScalarEncoding.Float32Tensor:
                summaryValue.Tensor = new TensorProto { Dtype = DataType.DtFloat, FloatVal = { (float)value } };
                break;
            case ScalarEncoding.Float64Tensor:
                summaryValue.Tensor = new TensorProto { Dtype = DataType.DtDouble, DoubleVal = { value } };
                break;
            case ScalarEncoding.SimpleValue:
                summaryValue.SimpleValue = (float)value;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown scalar encoding.");
        }
        return new Summary { Value = { summaryValue } };
    }

    /// <summary>
    /// Builds a text summary: a DT_STRING tensor of shape [1] holding the UTF-8 text, plugin "text" (TensorBoard
    /// renders it as Markdown). The tag is kept as given.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="text">The text, Markdown allowed.</param>
    /// <returns>A summary with one value.</returns>
    public static Summary Text(string tag, string text)
    {
        ValidateTag(tag);
        ArgumentNullException.ThrowIfNull(text);
        var tensor = new TensorProto
        {
            Dtype = DataType.DtString,
            TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 1 } } },
        };
        tensor.StringVal.Add(ByteString.CopyFrom(Encoding.UTF8.GetBytes(text)));
        return new Summary
        {
            Value =
            {
                new Summary.Types.Value
                {
                    Tag = tag,
                    Metadata = PluginMetadata(PluginNames.Text, ByteString.Empty, DataClass.Tensor),
                    Tensor = tensor,
                },
            },
        };
    }

    /// <summary>The metadata every scalar value carries: plugin "scalars" (empty content) and data class SCALAR.</summary>
    /// <returns>A new metadata message.</returns>
    public static SummaryMetadata ScalarMetadata() => PluginMetadata(PluginNames.Scalars, ByteString.Empty, DataClass.Scalar);

    /// <summary>Builds metadata naming a plugin, its content and the data class of the series.</summary>
    /// <param name="pluginName">The plugin, e.g. "text".</param>
    /// <param name="content">Plugin-specific content (usually a serialized plugin proto; empty for version 0).</param>
    /// <param name="dataClass">How TensorBoard's data layer stores the series.</param>
    /// <returns>A new metadata message.</returns>
    public static SummaryMetadata PluginMetadata(string pluginName, ByteString content, DataClass dataClass) => new()
    {
        PluginData = new SummaryMetadata.Types.PluginData { PluginName = pluginName, Content = content },
        DataClass = dataClass,
    };

    /// <summary>Throws when a tag is null, empty or only white space.</summary>
    /// <param name="tag">The tag to check.</param>
    /// <param name="parameterName">The parameter name reported in the exception.</param>
    // Inlined into AddScalar's optimised code whatever the runtime's settings: without profile-guided optimisation
    // (DOTNET_TieredPGO=0) it was called, as tier-0 code, on every scalar of a short run (issue 19).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void ValidateTag(string tag, string parameterName = "tag")
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            throw tag is null
                ? new ArgumentNullException(parameterName)
                : new ArgumentException("A tag must not be empty or white space.", parameterName);
        }
    }
}
