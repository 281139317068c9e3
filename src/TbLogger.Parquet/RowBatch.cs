using Parquet;
using Parquet.Schema;

namespace TbLogger.Parquet;

/// <summary>One row group's worth of rows of one run, as column arrays; written by the exporter's single writer.</summary>
/// <typeparam name="TPoint">The point type read from the log.</typeparam>
internal abstract class RowBatch<TPoint>
{
    protected RowBatch(string run)
    {
        Run = run;
    }

    /// <summary>The run every row belongs to (a row group never mixes runs, so its dictionary holds one entry).</summary>
    public string Run { get; }

    public abstract int Rows { get; }

    public abstract bool IsFull { get; }

    public abstract void Add(in TPoint point);

    /// <summary>Writes the batch's columns, in schema order.</summary>
    public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField[] fields);

    protected Task WriteRunAsync(ParquetRowGroupWriter rowGroup, DataField field)
    {
        var runs = new string[Rows];
        Array.Fill(runs, Run);
        return rowGroup.WriteAsync(field, runs);
    }

    /// <summary>
    /// The levels of list columns (Dremel encoding): one entry per element, plus one for each empty list. Repetition
    /// 0 starts a row's list and 1 continues it; definition is the field's maximum for an element, one less for an
    /// empty list (which holds no value).
    /// </summary>
    protected static (int[] Repetition, int[] Definition) ListLevels(List<int> lengths, int maxDefinition)
    {
        int entries = 0;
        foreach (int length in lengths)
        {
            entries += Math.Max(length, 1);
        }
        var repetition = new int[entries];
        var definition = new int[entries];
        int position = 0;
        foreach (int length in lengths)
        {
            repetition[position] = 0;
            definition[position] = length == 0 ? maxDefinition - 1 : maxDefinition;
            for (int i = 1; i < length; i++)
            {
                repetition[position + i] = 1;
                definition[position + i] = maxDefinition;
            }
            position += Math.Max(length, 1);
        }
        return (repetition, definition);
    }

    /// <summary>Writes one list column: <paramref name="values"/> are the elements of every row, in order.</summary>
    protected static Task WriteListAsync<T>(ParquetRowGroupWriter rowGroup, DataField field, T[] values, List<int> lengths)
        where T : struct
    {
        var (repetition, definition) = ListLevels(lengths, field.MaxDefinitionLevel);
        return rowGroup.WriteAllPartsAsync<T>(field, values, definition, repetition, CancellationToken.None);
    }
}
