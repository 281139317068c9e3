using System.Collections.Concurrent;
using System.IO.Compression;
using System.Threading.Channels;
using Parquet;
using Parquet.Schema;
using TbLogger.Reading;
using TbLogger.Storage;

namespace TbLogger.Parquet;

/// <summary>
/// Exports a log directory to Parquet, the format DuckDB, Spark, pandas and polars read natively: a scalars table
/// (run, tag, step, wall_time, value), and on request a histograms table (the statistics, then bucket_left,
/// bucket_right and bucket_count as list columns) and a PR curves table (num_thresholds and the six rows as list
/// columns). Runs are read in parallel, each into row groups of its own, and one writer appends row groups as they
/// are ready: memory stays at a few row groups per run being read, whatever the logs' size. Rows of a run keep
/// their order; row groups of different runs may interleave.
/// </summary>
/// <example>
/// <code>
/// var result = ParquetExporter.Export("runs", "sweep.parquet", new ParquetExportOptions { IncludeHistograms = true });
/// // DuckDB: SELECT run, max(value) FROM 'sweep.parquet' WHERE tag = 'epoch_accuracy/validation' GROUP BY run;
/// </code>
/// </example>
public static class ParquetExporter
{
    /// <summary>The file extension of every table.</summary>
    public const string Extension = ".parquet";

    /// <summary>Where the histograms table goes for a scalars file: "out.parquet" → "out.histograms.parquet".</summary>
    /// <param name="scalarsPath">The scalars table's path.</param>
    /// <returns>The histograms table's path.</returns>
    public static string HistogramsPathFor(string scalarsPath) => Sibling(scalarsPath, "histograms");

    /// <summary>Where the PR curves table goes for a scalars file: "out.parquet" → "out.pr_curves.parquet".</summary>
    /// <param name="scalarsPath">The scalars table's path.</param>
    /// <returns>The PR curves table's path.</returns>
    public static string PrCurvesPathFor(string scalarsPath) => Sibling(scalarsPath, "pr_curves");

    /// <summary>
    /// Exports into new files (replaced if they exist): the scalars table at <paramref name="outputPath"/>, the others
    /// next to it. The tables are written under hidden temporary names and moved into place once all are complete, so an
    /// export that fails or is cancelled leaves the previous files (or none), never a table holding part of the rows.
    /// </summary>
    /// <param name="logDirectory">The log directory (local, s3://, az://, …).</param>
    /// <param name="outputPath">The scalars table, a local path ending in .parquet.</param>
    /// <param name="options">What to write; null for all scalars.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentException">The output path does not end in .parquet.</exception>
    public static ParquetExportResult Export(string logDirectory, string outputPath, ParquetExportOptions? options = null) =>
        ExportAsync(logDirectory, outputPath, options).GetAwaiter().GetResult();

    /// <inheritdoc cref="Export"/>
    /// <param name="logDirectory">The log directory (local, s3://, az://, …).</param>
    /// <param name="outputPath">The scalars table, a local path ending in .parquet.</param>
    /// <param name="options">What to write; null for all scalars.</param>
    /// <param name="cancellationToken">Stops the export (nothing is then moved into place).</param>
    public static async Task<ParquetExportResult> ExportAsync(string logDirectory, string outputPath, ParquetExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        if (!outputPath.EndsWith(Extension, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{outputPath}' does not end in {Extension}.", nameof(outputPath));
        }
        options ??= new ParquetExportOptions();
        options.Validate();
        LogStorage storage = options.Storage ?? LogStorageRegistry.Resolve(logDirectory);
        var root = new LogDirReader(storage, logDirectory, options.ReaderOptions);
        IReadOnlyList<RunInfo> runs = root.GetRuns(options.Filter.Runs);
        var progress = new RowCounter(options.Progress);

        using var staged = new StagedFiles();
        long scalars = await WriteFileAsync(staged, outputPath, stream => WriteTableAsync(stream, ParquetTables.Scalars, runs, storage, options, progress,
            static (reader, filter) => reader.ReadScalars(filter), run => new ParquetTables.ScalarBatch(run, options.RowGroupRows), cancellationToken)).ConfigureAwait(false);
        string? histogramsPath = null;
        string? prCurvesPath = null;
        long histograms = 0;
        long prCurves = 0;
        if (options.IncludeHistograms)
        {
            histogramsPath = HistogramsPathFor(outputPath);
            histograms = await WriteFileAsync(staged, histogramsPath, stream => WriteTableAsync(stream, ParquetTables.Histograms, runs, storage, options, progress,
                static (reader, filter) => reader.ReadHistograms(filter), run => new ParquetTables.HistogramBatch(run, options.ListRowGroupRows), cancellationToken)).ConfigureAwait(false);
        }
        if (options.IncludePrCurves)
        {
            prCurvesPath = PrCurvesPathFor(outputPath);
            prCurves = await WriteFileAsync(staged, prCurvesPath, stream => WriteTableAsync(stream, ParquetTables.PrCurves, runs, storage, options, progress,
                static (reader, filter) => reader.ReadPrCurves(filter), run => new ParquetTables.PrCurveBatch(run, options.ListRowGroupRows), cancellationToken)).ConfigureAwait(false);
        }
        staged.Commit();
        return new ParquetExportResult(outputPath, scalars, histogramsPath, histograms, prCurvesPath, prCurves, runs.Count);
    }

    /// <summary>Writes the scalars table of <paramref name="logDirectory"/> to a stream (left open).</summary>
    /// <param name="logDirectory">The log directory.</param>
    /// <param name="output">A writable stream.</param>
    /// <param name="options">What to write; null for all scalars.</param>
    /// <param name="cancellationToken">Stops the export.</param>
    /// <returns>Rows written.</returns>
    public static Task<long> ExportScalarsAsync(string logDirectory, Stream output, ParquetExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new ParquetExportOptions();
        options.Validate();
        LogStorage storage = options.Storage ?? LogStorageRegistry.Resolve(logDirectory);
        var runs = new LogDirReader(storage, logDirectory, options.ReaderOptions).GetRuns(options.Filter.Runs);
        return WriteTableAsync(output, ParquetTables.Scalars, runs, storage, options, new RowCounter(options.Progress),
            static (reader, filter) => reader.ReadScalars(filter), run => new ParquetTables.ScalarBatch(run, options.RowGroupRows), cancellationToken);
    }

    private static async Task<long> WriteFileAsync(StagedFiles staged, string path, Func<Stream, Task<long>> write)
    {
        await using var stream = staged.Create(path, FileShare.Read, bufferSize: 1 << 16);
        return await write(stream).ConfigureAwait(false);
    }

    private static async Task<long> WriteTableAsync<TPoint>(Stream output, ParquetSchema schema, IReadOnlyList<RunInfo> runs, LogStorage storage,
        ParquetExportOptions options, RowCounter progress, Func<LogDirReader, ReadFilter, IEnumerable<TPoint>> read,
        Func<string, RowBatch<TPoint>> newBatch, CancellationToken cancellationToken)
    {
        // Bounded: readers wait for the writer instead of piling up row groups.
        var ready = Channel.CreateBounded<RowBatch<TPoint>>(new BoundedChannelOptions(options.MaxDegreeOfParallelism) { SingleReader = true });
        // Written batches come back for the readers' next row groups: at most one per reader, the channel's and the
        // writer's exist, so an export allocates its column arrays (a megabyte each at the default size) a few
        // times, not once per row group, where each of them was garbage for the large object heap.
        var written = new ConcurrentBag<RowBatch<TPoint>>();
        RowBatch<TPoint> NextBatch(string run) => written.TryTake(out var batch) ? batch.Reuse(run) : newBatch(run);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Each run is read through a reader rooted at its own directory, keeping only that directory's files (".").
        var runFilter = options.Filter with { Runs = TagFilter.Exact(".") };
        var readers = Task.Run(async () =>
        {
            try
            {
                await Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancel.Token }, async (run, token) =>
                {
                    var reader = new LogDirReader(storage, run.Directory, options.ReaderOptions);
                    var batch = NextBatch(run.Name);
                    foreach (TPoint point in read(reader, runFilter))
                    {
                        batch.Add(point);
                        if (batch.IsFull)
                        {
                            await ready.Writer.WriteAsync(batch, token).ConfigureAwait(false);
                            batch = NextBatch(run.Name);
                        }
                    }
                    if (batch.Rows > 0)
                    {
                        await ready.Writer.WriteAsync(batch, token).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
                ready.Writer.Complete();
            }
            catch (Exception ex)
            {
                ready.Writer.Complete(ex);
            }
        }, CancellationToken.None);

        long rows = 0;
        try
        {
            DataField[] fields = schema.GetDataFields();
            var parquetOptions = new ParquetOptions();
            (parquetOptions.CompressionMethod, parquetOptions.CompressionLevel) = Codec(options.Compression);
            // Run and tag repeat on every row: dictionary pages (Parquet.Net dictionary-encodes only the columns it is
            // told to). Its encoder sizes a table for every row of the chunk (about 38 bytes each, garbage for the
            // large object heap at the default group size): most of what an export allocates, and not ours to pool.
            parquetOptions.ColumnEncodingHints[fields[0].Path.ToString()] = EncodingHint.Dictionary;
            parquetOptions.ColumnEncodingHints[fields[1].Path.ToString()] = EncodingHint.Dictionary;
            // Steps grow by small, steady strides: delta pages compress them to a few bits each (10^7 scalars with
            // Snappy: 58 MB against 89 MB), with their statistics. Doubles stay plain: Parquet.Net writes
            // byte-stream-split pages (a further 23 MB less with Snappy) without min/max statistics, which readers use to
            // skip row groups by value.
            foreach (DataField field in fields.Where(f => f.MaxRepetitionLevel == 0 && f.ClrType == typeof(long)))
            {
                parquetOptions.ColumnEncodingHints[field.Path.ToString()] = EncodingHint.DeltaBinaryPacked;
            }
            await using (var writer = await ParquetWriter.CreateAsync(schema, output, parquetOptions, cancellationToken: cancel.Token).ConfigureAwait(false))
            {
                await foreach (var batch in ready.Reader.ReadAllAsync(cancel.Token).ConfigureAwait(false))
                {
                    using (var rowGroup = writer.CreateRowGroup())
                    {
                        await batch.WriteAsync(rowGroup, fields).ConfigureAwait(false);
                    }
                    rows += batch.Rows;
                    progress.Add(batch.Rows);
                    written.Add(batch);
                }
            }
        }
        catch
        {
            // The readers must not stay blocked on a full channel after the writer failed.
            cancel.Cancel();
            await readers.ConfigureAwait(false);
            throw;
        }
        await readers.ConfigureAwait(false);
        return rows;
    }

    /// <summary>
    /// Parquet.Net's codec and level for <paramref name="compression"/>. Its default level is the smallest size, which
    /// for Zstandard is level 19: 16 times slower than level 1 for 16.5 MB instead of 17.8 (10^7 scalars); level 3
    /// made files about 5 % larger than level 1 and took 8-10 % longer.
    /// </summary>
    internal static (CompressionMethod Method, CompressionLevel Level) Codec(ParquetCompression compression) => compression switch
    {
        ParquetCompression.Zstd => (CompressionMethod.Zstd, CompressionLevel.Fastest),
        ParquetCompression.Snappy => (CompressionMethod.Snappy, CompressionLevel.Optimal),
        ParquetCompression.Gzip => (CompressionMethod.Gzip, CompressionLevel.Optimal),
        ParquetCompression.Uncompressed => (CompressionMethod.None, CompressionLevel.NoCompression),
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown ParquetCompression."),
    };

    private static string Sibling(string scalarsPath, string table)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scalarsPath);
        string stem = scalarsPath.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? scalarsPath[..^Extension.Length] : scalarsPath;
        return $"{stem}.{table}{Extension}";
    }

    private sealed class RowCounter(IProgress<long>? progress)
    {
        private long _rows;

        public void Add(int rows) => progress?.Report(Interlocked.Add(ref _rows, rows));
    }
}
