namespace TbLogger.Projector;

/// <summary>
/// Labels for the points of an embedding, written as metadata.tsv: either one label per point (one column, no
/// header) or several named columns (a header row, then one row per point), as TensorBoard's projector reads them.
/// Tabs and line breaks inside a value become spaces, because they would split cells or rows.
/// </summary>
public sealed class EmbeddingMetadata
{
    private EmbeddingMetadata(IReadOnlyList<string>? header, List<string[]> rows)
    {
        Header = header;
        Rows = rows;
    }

    /// <summary>The column names; null for a single unnamed column.</summary>
    public IReadOnlyList<string>? Header { get; }

    /// <summary>The rows, one per point, each with one value per column (already cleaned).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; }

    /// <summary>The number of points described.</summary>
    public int Count => Rows.Count;

    /// <summary>One label per point (a single column; TensorBoard shows it as "label").</summary>
    /// <param name="labels">The labels, in point order; none blank (TensorBoard skips blank lines, which would shift every later label).</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="ArgumentException">A label is null, empty or white space.</exception>
    public static EmbeddingMetadata FromLabels(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var rows = new List<string[]>();
        foreach (string label in labels)
        {
            string clean = Clean(label, rows.Count, nameof(labels));
            if (string.IsNullOrWhiteSpace(clean))
            {
                throw new ArgumentException($"Label {rows.Count} is empty or white space; TensorBoard would skip that line and shift every later label.", nameof(labels));
            }
            rows.Add([clean]);
        }
        return new EmbeddingMetadata(null, rows);
    }

    /// <summary>Several named columns: a header row, then one row per point.</summary>
    /// <param name="header">Two or more column names (with one column TensorBoard would read the header as a label: use <see cref="FromLabels"/>).</param>
    /// <param name="rows">One row per point, each with exactly one value per column; empty values are allowed, all-blank rows are not.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="ArgumentException">Fewer than two columns, a row of the wrong width, or an all-blank row.</exception>
    public static EmbeddingMetadata FromColumns(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        if (header.Count < 2)
        {
            throw new ArgumentException($"A metadata header needs at least 2 columns; got {header.Count}. Use FromLabels for a single column.", nameof(header));
        }
        string[] names = new string[header.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = Clean(header[i], i, nameof(header));
        }
        var cleaned = new List<string[]>();
        foreach (var row in rows)
        {
            if (row is null || row.Count != names.Length)
            {
                throw new ArgumentException($"Metadata row {cleaned.Count} has {row?.Count ?? 0} values; the header has {names.Length} columns.", nameof(rows));
            }
            string[] values = new string[row.Count];
            bool blank = true;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Clean(row[i], cleaned.Count, nameof(rows));
                blank &= string.IsNullOrWhiteSpace(values[i]);
            }
            if (blank)
            {
                throw new ArgumentException($"Metadata row {cleaned.Count} is blank; TensorBoard would skip it and shift every later row.", nameof(rows));
            }
            cleaned.Add(values);
        }
        return new EmbeddingMetadata(names, cleaned);
    }

    private static string Clean(string value, int index, string parameterName)
    {
        if (value is null)
        {
            throw new ArgumentException($"Metadata value in row {index} is null.", parameterName);
        }
        return value.AsSpan().IndexOfAny('\t', '\r', '\n') < 0
            ? value
            : value.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
    }
}
