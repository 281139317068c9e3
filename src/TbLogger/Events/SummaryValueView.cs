using System.Text;
using TbLogger.Protos;
using TbLogger.Reading;

namespace TbLogger.Events;

/// <summary>
/// One <c>Summary.Value</c> of an <see cref="EventView"/>, decoded in place; valid only until the reader moves on.
/// Its fields equal those of the protobuf <see cref="Summary.Types.Value"/> decoded from the same bytes.
/// </summary>
public readonly ref struct SummaryValueView
{
    private readonly ValueInfo _info;
    private readonly Utf8StringCache? _names;

    internal SummaryValueView(ReadOnlySpan<byte> value, scoped in ValueInfo info, Utf8StringCache? names)
    {
        Bytes = value;
        _info = info;
        _names = names;
    }

    /// <summary>The value's protobuf encoding.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    /// <summary>The tag's UTF-8 bytes.</summary>
    public ReadOnlySpan<byte> TagUtf8 => Bytes.Slice(_info.TagStart, _info.TagLength);

    /// <summary>The tag; the same string instance for every value with the same short tag (no allocation after the first).</summary>
    public string Tag
    {
        get
        {
            ReadOnlySpan<byte> utf8 = TagUtf8;
            return _names is not null && utf8.Length <= EventFileReader.MaxCachedTagBytes ? _names.Get(utf8) : Encoding.UTF8.GetString(utf8);
        }
    }

    /// <summary>Which member of the value's one-of is set.</summary>
    public Summary.Types.Value.ValueOneofCase ValueCase => (Summary.Types.Value.ValueOneofCase)_info.ValueField;

    /// <summary>True when the value carries <c>metadata</c> (TensorFlow and TbLogger write it on a tag's first value in a file only).</summary>
    public bool HasMetadata => _info.HasMetadata;

    /// <summary>UTF-8 bytes of <c>metadata.plugin_data.plugin_name</c>; empty when absent.</summary>
    public ReadOnlySpan<byte> PluginNameUtf8 => _info.PluginStart < 0 ? default : Bytes.Slice(_info.PluginStart, _info.PluginLength);

    /// <summary><c>metadata.plugin_data.content</c>; empty when absent.</summary>
    public ReadOnlySpan<byte> PluginContent => _info.ContentStart < 0 ? default : Bytes.Slice(_info.ContentStart, _info.ContentLength);

    /// <summary>
    /// The encoded one-of member for <c>image</c>, <c>histo</c>, <c>audio</c>, <c>tensor</c> and
    /// <c>obsolete_old_style_histogram</c>; empty for <c>simple_value</c> and when none is set.
    /// </summary>
    public ReadOnlySpan<byte> ValueBytes => _info.ValueField is 0 or 2 ? default : Bytes.Slice(_info.PayloadStart, _info.PayloadLength);

    /// <summary>
    /// The value as a number: <c>simple_value</c>, or a tensor holding exactly one numeric element (float, double,
    /// half, bfloat16, the integer types, bool; from the typed fields or <c>tensor_content</c>), as scalars are
    /// written by TensorFlow 2, PyTorch and TbLogger. False for anything else (images, histograms, strings, several elements).
    /// </summary>
    /// <param name="value">The number, widened to double.</param>
    /// <returns>True when the value is a single number.</returns>
    public bool TryGetScalar(out double value) =>
        // The reader's own rule (ReadScalars uses it too): the in-place read of the usual tensor layouts, and the
        // protobuf parser for the unusual ones (split packed chunks, empty fields of other types). The view wraps only
        // values the parser accepted, so that fallback cannot throw here.
        LogDirReader.TryScalarCore(_info, Bytes, out value);

    /// <summary>Parses the value into protobuf objects (allocates; the result may be kept).</summary>
    /// <returns>The value.</returns>
    public Summary.Types.Value ToValue() => Summary.Types.Value.Parser.ParseFrom(Bytes);
}
