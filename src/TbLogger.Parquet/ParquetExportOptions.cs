using TbLogger.Reading;
using TbLogger.Storage;

namespace TbLogger.Parquet;

/// <summary>What <see cref="ParquetExporter"/> writes and how.</summary>
public sealed record ParquetExportOptions
{
    /// <summary>Runs, tags and steps to export (default all).</summary>
    public ReadFilter Filter { get; init; } = ReadFilter.All;

    /// <summary>Also write the histograms table (NAME.histograms.parquet next to the scalars file).</summary>
    public bool IncludeHistograms { get; init; }

    /// <summary>Also write the PR curves table (NAME.pr_curves.parquet next to the scalars file).</summary>
    public bool IncludePrCurves { get; init; }

    /// <summary>
    /// Scalar rows per row group (default 131,072: about 5 MB of column data). Memory stays at a few row groups per
    /// run being read, whatever the logs' size; larger groups compress a little better.
    /// </summary>
    public int RowGroupRows { get; init; } = 128 * 1024;

    /// <summary>Histogram or PR-curve rows per row group (default 8,192); a group is also closed once it holds 1M list elements.</summary>
    public int ListRowGroupRows { get; init; } = 8 * 1024;

    /// <summary>Runs read at once (default: the processor count, at least 2).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>The store of the log directory; null to choose it by the path's scheme (local, s3://, az://).</summary>
    public LogStorage? Storage { get; init; }

    /// <summary>How event files are read (purges, corrupt records); null for the defaults.</summary>
    public LogDirReaderOptions? ReaderOptions { get; init; }

    /// <summary>Called with the number of rows written so far, after every row group; may be null.</summary>
    public IProgress<long>? Progress { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Filter, nameof(Filter));
        ArgumentOutOfRangeException.ThrowIfLessThan(RowGroupRows, 1, nameof(RowGroupRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(ListRowGroupRows, 1, nameof(ListRowGroupRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDegreeOfParallelism, 1, nameof(MaxDegreeOfParallelism));
    }
}
