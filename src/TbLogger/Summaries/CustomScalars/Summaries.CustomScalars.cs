using System.Text.RegularExpressions;
using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.CustomScalar;

namespace TbLogger;

public static partial class Summaries
{
    /// <summary>The tag TensorBoard's custom scalars plugin reads its layout from.</summary>
    public const string CustomScalarsConfigTag = "custom_scalars__config__";

    /// <summary>
    /// Builds the custom scalars layout summary: tag <see cref="CustomScalarsConfigTag"/>, a DT_STRING tensor of shape []
    /// holding the serialized <see cref="Layout"/>, plugin "custom_scalars" with empty content, data class TENSOR.
    /// </summary>
    /// <param name="layout">At least one category, each with at least one chart; each chart a multiline chart with at
    /// least one valid tag regular expression or a margin chart with at least one series of three non-empty tags. It is
    /// copied.</param>
    /// <returns>A summary with one tensor value.</returns>
    /// <exception cref="ArgumentException">The layout breaks one of those rules.</exception>
    public static Summary CustomScalarsLayout(Layout layout)
    {
        ValidateCustomScalarsLayout(layout);
        var copy = layout.Clone();
        copy.Version = 0;
        var tensor = new TensorProto { Dtype = Protos.DataType.DtString, TensorShape = new TensorShapeProto() };
        tensor.StringVal.Add(copy.ToByteString());
        return new Summary
        {
            Value =
            {
                new Summary.Types.Value
                {
                    Tag = CustomScalarsConfigTag,
                    Metadata = PluginMetadata(PluginNames.CustomScalars, ByteString.Empty, DataClass.Tensor),
                    Tensor = tensor,
                },
            },
        };
    }

    private static void ValidateCustomScalarsLayout(Layout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.Version != 0)
        {
            throw new ArgumentException($"Layout version {layout.Version} is unknown to TensorBoard; use 0.", nameof(layout));
        }
        if (layout.Category.Count == 0)
        {
            throw new ArgumentException("A layout needs at least one category.", nameof(layout));
        }
        foreach (var category in layout.Category)
        {
            if (category.Chart.Count == 0)
            {
                throw new ArgumentException($"Category '{category.Title}' has no chart.", nameof(layout));
            }
            foreach (var chart in category.Chart)
            {
                string where = $"Chart '{chart.Title}' in category '{category.Title}'";
                switch (chart.ContentCase)
                {
                    case Chart.ContentOneofCase.Multiline:
                        if (chart.Multiline.Tag.Count == 0)
                        {
                            throw new ArgumentException($"{where} has no tag.", nameof(layout));
                        }
                        foreach (string pattern in chart.Multiline.Tag)
                        {
                            ValidateTagRegex(pattern, where);
                        }
                        break;
                    case Chart.ContentOneofCase.Margin:
                        if (chart.Margin.Series.Count == 0)
                        {
                            throw new ArgumentException($"{where} has no series.", nameof(layout));
                        }
                        foreach (var series in chart.Margin.Series)
                        {
                            if (string.IsNullOrEmpty(series.Value) || string.IsNullOrEmpty(series.Lower) || string.IsNullOrEmpty(series.Upper))
                            {
                                throw new ArgumentException($"{where}: a margin series needs value, lower and upper tags.", nameof(layout));
                            }
                        }
                        break;
                    default:
                        throw new ArgumentException($"{where} is neither a multiline nor a margin chart.", nameof(layout));
                }
            }
        }
    }

    private static void ValidateTagRegex(string pattern, string where)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            throw new ArgumentException($"{where} has an empty tag.", "layout");
        }
        try
        {
            // TensorBoard matches in JavaScript; .NET's syntax agrees on everything a tag pattern plausibly uses.
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{where}: '{pattern}' is not a valid regular expression: {ex.Message}", "layout", ex);
        }
    }
}
