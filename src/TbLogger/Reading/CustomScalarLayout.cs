namespace TbLogger.Reading;

/// <summary>The custom scalars dashboard's layout (tensorboard.Layout), as one run declared it.</summary>
/// <param name="Run">The run holding the layout.</param>
/// <param name="Step">The step of the layout event.</param>
/// <param name="Version">Layout.version.</param>
/// <param name="Categories">The categories in order.</param>
public sealed record CustomScalarLayout(string Run, long Step, int Version, IReadOnlyList<CustomScalarCategory> Categories);

/// <summary>A category (a collapsible section) of charts.</summary>
/// <param name="Title">The title.</param>
/// <param name="Closed">Whether it starts collapsed.</param>
/// <param name="Charts">The charts.</param>
public sealed record CustomScalarCategory(string Title, bool Closed, IReadOnlyList<CustomScalarChart> Charts);

/// <summary>A chart: either several tags (regexes) as lines, or margin series (value with a lower/upper band).</summary>
/// <param name="Title">The title.</param>
/// <param name="MultilineTags">Tag regexes of a multiline chart, or empty.</param>
/// <param name="MarginSeries">Series of a margin chart, or empty.</param>
public sealed record CustomScalarChart(string Title, IReadOnlyList<string> MultilineTags, IReadOnlyList<MarginSeries> MarginSeries)
{
    /// <summary>"multiline" or "margin", as TensorBoard's custom_scalars plugin names the chart type.</summary>
    public string Type => MarginSeries.Count > 0 ? "margin" : "multiline";
}

/// <summary>A margin chart's series.</summary>
/// <param name="Value">Tag of the line.</param>
/// <param name="Lower">Tag of the band's lower edge.</param>
/// <param name="Upper">Tag of the band's upper edge.</param>
public sealed record MarginSeries(string Value, string Lower, string Upper);
