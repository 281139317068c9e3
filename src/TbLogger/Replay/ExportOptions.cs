using TbLogger.Reading;

namespace TbLogger.Replay;

/// <summary>What <see cref="LogExporter"/> writes.</summary>
public sealed record ExportOptions
{
    /// <summary>The format (default CSV).</summary>
    public ExportFormat Format { get; init; } = ExportFormat.Csv;

    /// <summary>Runs, tags and steps to export (default all).</summary>
    public ReadFilter Filter { get; init; } = ReadFilter.All;

    /// <summary>
    /// Also export histograms: JSON Lines records with "kind": "histogram", min, max, count and [left, right, count]
    /// buckets; in CSV two more columns, kind and data (the same JSON), are added to every row.
    /// </summary>
    public bool IncludeHistograms { get; init; }

    /// <summary>Also export PR curves ("kind": "pr_curve", the six rows and num_thresholds), like <see cref="IncludeHistograms"/>.</summary>
    public bool IncludePrCurves { get; init; }

    /// <summary>Called with the number of rows written so far, every 65,536 rows and at the end; may be null.</summary>
    public IProgress<long>? Progress { get; init; }
}
