using Parquet;
using Parquet.Schema;

namespace TbLogger.Parquet;

/// <summary>
/// One row group's worth of rows of one run, as column arrays; written by the exporter's single writer, then reused for
/// another row group (<see cref="Reuse"/>), so an export allocates its column arrays once, not once per row group.
/// </summary>
/// <typeparam name="TPoint">The point type read from the log.</typeparam>
internal abstract class RowBatch<TPoint>
{
    private ReadOnlyMemory<char>[] _runs = [];

    protected RowBatch(string run)
    {
        Run = run;
    }

    /// <summary>The run every row belongs to (a row group never mixes runs, so its dictionary holds one entry).</summary>
    public string Run { get; private set; }

    public abstract int Rows { get; }

    public abstract bool IsFull { get; }

    public abstract void Add(in TPoint point);

    /// <summary>Empties the batch for a row group of <paramref name="run"/>, keeping its arrays.</summary>
    /// <returns>This batch.</returns>
    public RowBatch<TPoint> Reuse(string run)
    {
        Run = run;
        Clear();
        return this;
    }

    /// <summary>Removes every row, keeping the arrays that held them.</summary>
    protected abstract void Clear();

    /// <summary>Writes the batch's columns, in schema order.</summary>
    public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField[] fields);

    protected Task WriteRunAsync(ParquetRowGroupWriter rowGroup, DataField field)
    {
        if (_runs.Length < Rows)
        {
            _runs = new ReadOnlyMemory<char>[Rows];
        }
        _runs.AsSpan(0, Rows).Fill(Run.AsMemory());
        return WriteStringsAsync(rowGroup, field, _runs.AsMemory(0, Rows));
    }

    /// <summary>
    /// Writes a string column given as memory (the fields are required): the string overload would copy the rows
    /// into nullable values and back for every row group.
    /// </summary>
    protected static Task WriteStringsAsync(ParquetRowGroupWriter rowGroup, DataField field, ReadOnlyMemory<ReadOnlyMemory<char>> values) =>
        rowGroup.WriteAsync(field, values);
}
