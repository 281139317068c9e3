using Parquet;
using Parquet.Schema;

namespace TbLogger.Parquet;

/// <summary>
/// The levels of a row group's list columns (Dremel encoding), computed once for every list column of equal lengths
/// and kept for the next row group: one entry per element, plus one for each empty list. Repetition 0 starts a row's
/// list and 1 continues it; definition is the field's maximum for an element, one less for an empty list (which
/// holds no value).
/// </summary>
internal sealed class ListLevels
{
    private int[] _repetition = [];
    private int[] _definition = [];
    private int _entries;
    private int _maxDefinition;

    /// <summary>Computes the levels of lists of <paramref name="lengths"/> elements.</summary>
    public void Compute(ReadOnlySpan<int> lengths, int maxDefinition)
    {
        int entries = 0;
        foreach (int length in lengths)
        {
            entries += Math.Max(length, 1);
        }
        if (_repetition.Length < entries)
        {
            int size = Math.Max(entries, _repetition.Length * 2);
            _repetition = new int[size];
            _definition = new int[size];
        }
        int position = 0;
        foreach (int length in lengths)
        {
            _repetition[position] = 0;
            _definition[position] = length == 0 ? maxDefinition - 1 : maxDefinition;
            int end = position + Math.Max(length, 1);
            _repetition.AsSpan(position + 1, end - position - 1).Fill(1);
            _definition.AsSpan(position + 1, end - position - 1).Fill(maxDefinition);
            position = end;
        }
        _entries = entries;
        _maxDefinition = maxDefinition;
    }

    /// <summary>Writes one list column: <paramref name="values"/> are the elements of every row, in order.</summary>
    public Task WriteAsync<T>(ParquetRowGroupWriter rowGroup, DataField field, ReadOnlyMemory<T> values)
        where T : struct
    {
        if (field.MaxDefinitionLevel != _maxDefinition)
        {
            throw new InvalidOperationException($"The levels were computed for definition level {_maxDefinition}, not {field.Path}'s {field.MaxDefinitionLevel}.");
        }
        return rowGroup.WriteAllPartsAsync(field, values, _definition.AsMemory(0, _entries), _repetition.AsMemory(0, _entries), CancellationToken.None);
    }
}
