using TbLogger.Protos.Plugins.CustomScalar;

namespace TbLogger;

/// <summary>
/// Short factories for the custom scalars <see cref="Layout"/> protos, e.g.
/// <c>CustomScalarCharts.Layout(CustomScalarCharts.Category("Training", CustomScalarCharts.Multiline("losses", "train/loss", "val/loss")))</c>.
/// </summary>
public static class CustomScalarCharts
{
    /// <summary>A layout of categories, rendered from top to bottom.</summary>
    /// <param name="categories">The categories.</param>
    /// <returns>A new layout (version 0).</returns>
    public static Layout Layout(params ReadOnlySpan<Category> categories)
    {
        var layout = new Layout();
        foreach (var category in categories)
        {
            layout.Category.Add(category ?? throw new ArgumentNullException(nameof(categories)));
        }
        return layout;
    }

    /// <summary>A collapsible group of charts.</summary>
    /// <param name="title">Shown atop the group.</param>
    /// <param name="charts">The charts.</param>
    /// <returns>A new category.</returns>
    public static Category Category(string title, params ReadOnlySpan<Chart> charts) => Category(title, closed: false, charts);

    /// <summary>A collapsible group of charts.</summary>
    /// <param name="title">Shown atop the group.</param>
    /// <param name="closed">Whether it starts collapsed.</param>
    /// <param name="charts">The charts.</param>
    /// <returns>A new category.</returns>
    public static Category Category(string title, bool closed, params ReadOnlySpan<Chart> charts)
    {
        ArgumentNullException.ThrowIfNull(title);
        var category = new Category { Title = title, Closed = closed };
        foreach (var chart in charts)
        {
            category.Chart.Add(chart ?? throw new ArgumentNullException(nameof(charts)));
        }
        return category;
    }

    /// <summary>A line chart with a line for every scalar tag matching any of the regular expressions (from the tag's start).</summary>
    /// <param name="title">Shown atop the chart.</param>
    /// <param name="tagRegexes">Regular expressions, e.g. "train/loss" or "loss/.*".</param>
    /// <returns>A new chart.</returns>
    public static Chart Multiline(string title, params ReadOnlySpan<string> tagRegexes)
    {
        ArgumentNullException.ThrowIfNull(title);
        var content = new MultilineChartContent();
        foreach (string tag in tagRegexes)
        {
            content.Tag.Add(tag ?? throw new ArgumentNullException(nameof(tagRegexes)));
        }
        return new Chart { Title = title, Multiline = content };
    }

    /// <summary>A chart drawing each series' value with a filled band between its lower and upper bound.</summary>
    /// <param name="title">Shown atop the chart.</param>
    /// <param name="series">The series, from <see cref="MarginSeries"/>.</param>
    /// <returns>A new chart.</returns>
    public static Chart Margin(string title, params ReadOnlySpan<MarginChartContent.Types.Series> series)
    {
        ArgumentNullException.ThrowIfNull(title);
        var content = new MarginChartContent();
        foreach (var item in series)
        {
            content.Series.Add(item ?? throw new ArgumentNullException(nameof(series)));
        }
        return new Chart { Title = title, Margin = content };
    }

    /// <summary>One margin series: three exact scalar tags (not regular expressions).</summary>
    /// <param name="value">The tag of the middle line.</param>
    /// <param name="lower">The tag of the lower bound.</param>
    /// <param name="upper">The tag of the upper bound.</param>
    /// <returns>A new series.</returns>
    public static MarginChartContent.Types.Series MarginSeries(string value, string lower, string upper)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        return new MarginChartContent.Types.Series { Value = value, Lower = lower, Upper = upper };
    }
}
