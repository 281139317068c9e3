namespace TbLogger.Parquet;

/// <summary>How the pages of an exported Parquet table are compressed (the file's codec, one for every column).</summary>
public enum ParquetCompression
{
    /// <summary>
    /// Zstandard at its fastest level (the default): a third to a half of Snappy's size for exported scalars (their
    /// wall times and float32-derived values repeat high bytes that only an entropy coder shrinks), in 5-12 % more
    /// time. DuckDB, Apache Arrow (pyarrow, pandas), Polars and Spark 3.2+ read it.
    /// </summary>
    Zstd,

    /// <summary>Snappy: every Parquet reader, including old ones without Zstandard, reads it; files 2-3x Zstandard's.</summary>
    Snappy,

    /// <summary>Gzip at zlib's default level: as widely read as Snappy, smaller than it, slower to write than either.</summary>
    Gzip,

    /// <summary>No compression.</summary>
    Uncompressed,
}
