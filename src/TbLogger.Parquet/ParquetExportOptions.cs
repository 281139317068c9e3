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
    /// Scalar rows per row group (default 65,536: about 3 MB of column data in memory). Memory stays at a few row
    /// groups per run being read, whatever the logs' size, and follows the group size: Parquet.Net's dictionary encoder
    /// sizes a table for every row of a group's run and tag columns (10^7 scalars peaked at a GC heap of 130-190 MB
    /// with 131,072 rows, 90-140 with 65,536, 50-60 with 32,768). Larger groups compress a little better; DuckDB scans
    /// groups of 65,536 as fast as larger ones (32,768 took 8-35 % longer in two measurements). At most
    /// <see cref="MaxRowGroupRows"/>.
    /// </summary>
    public int RowGroupRows { get; init; } = 64 * 1024;

    /// <summary>Histogram or PR-curve rows per row group (default 8,192, at most <see cref="MaxRowGroupRows"/>); a group is also closed once it holds 1M list elements.</summary>
    public int ListRowGroupRows { get; init; } = 8 * 1024;

    /// <summary>The pages' compression (default <see cref="ParquetCompression.Zstd"/>; <see cref="ParquetCompression.Snappy"/> for readers without Zstandard).</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Zstd;

    /// <summary>Runs read at once (default: the processor count, at least 2).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>The store of the log directory; null to choose it by the path's scheme (local, s3://, az://).</summary>
    public LogStorage? Storage { get; init; }

    /// <summary>How event files are read (purges, corrupt records); null for the defaults.</summary>
    public LogDirReaderOptions? ReaderOptions { get; init; }

    /// <summary>Called with the number of rows written so far, after every row group; may be null.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>The most rows <see cref="RowGroupRows"/> and <see cref="ListRowGroupRows"/> accept (4,194,304).</summary>
    public const int MaxRowGroupRows = 1 << 22;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Filter, nameof(Filter));
        ArgumentOutOfRangeException.ThrowIfLessThan(RowGroupRows, 1, nameof(RowGroupRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(ListRowGroupRows, 1, nameof(ListRowGroupRows));
        // A group's columns are arrays of this many rows, a few of them at once: beyond this an export would rather run
        // out of memory than write.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RowGroupRows, MaxRowGroupRows, nameof(RowGroupRows));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ListRowGroupRows, MaxRowGroupRows, nameof(ListRowGroupRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDegreeOfParallelism, 1, nameof(MaxDegreeOfParallelism));
        if (Compression is not (ParquetCompression.Zstd or ParquetCompression.Snappy or ParquetCompression.Gzip or ParquetCompression.Uncompressed))
        {
            throw new ArgumentOutOfRangeException(nameof(Compression), Compression, "Unknown ParquetCompression.");
        }
    }
}
