using Parquet;
using Parquet.Schema;
using TbLogger.Reading;

namespace TbLogger.Parquet;

/// <summary>
/// The three tables and their schemas. Column names follow tbparse and the CSV export: run, tag, step, wall_time
/// first; run and tag are strings whose pages are dictionary-encoded (one run per row group, few tags).
/// </summary>
internal static class ParquetTables
{
    private const int MaxListElements = 1 << 20;

    public static ParquetSchema Scalars { get; } = new(
        new DataField<string>("run", false), new DataField<string>("tag", false), new DataField<long>("step"),
        new DataField<double>("wall_time"), new DataField<double>("value"));

    public static ParquetSchema Histograms { get; } = new(
        new DataField<string>("run", false), new DataField<string>("tag", false), new DataField<long>("step"),
        new DataField<double>("wall_time"), new DataField<double>("min"), new DataField<double>("max"),
        new DataField<double>("count"), new DataField<double>("sum"), new DataField<double>("sum_squares"),
        new ListField("bucket_left", new DataField<double>("element")),
        new ListField("bucket_right", new DataField<double>("element")),
        new ListField("bucket_count", new DataField<double>("element")));

    public static ParquetSchema PrCurves { get; } = new(
        new DataField<string>("run", false), new DataField<string>("tag", false), new DataField<long>("step"),
        new DataField<double>("wall_time"), new DataField<int>("num_thresholds"),
        new ListField("true_positives", new DataField<float>("element")),
        new ListField("false_positives", new DataField<float>("element")),
        new ListField("true_negatives", new DataField<float>("element")),
        new ListField("false_negatives", new DataField<float>("element")),
        new ListField("precision", new DataField<float>("element")),
        new ListField("recall", new DataField<float>("element")));

    public sealed class ScalarBatch(string run, int capacity) : RowBatch<ScalarPoint>(run)
    {
        private readonly ReadOnlyMemory<char>[] _tags = new ReadOnlyMemory<char>[capacity];
        private readonly long[] _steps = new long[capacity];
        private readonly double[] _wallTimes = new double[capacity];
        private readonly double[] _values = new double[capacity];
        private int _rows;

        public override int Rows => _rows;

        public override bool IsFull => _rows == _tags.Length;

        public override void Add(in ScalarPoint point)
        {
            _tags[_rows] = point.Tag.AsMemory();
            _steps[_rows] = point.Step;
            _wallTimes[_rows] = point.WallTime;
            _values[_rows] = point.Value;
            _rows++;
        }

        protected override void Clear() => _rows = 0;

        public override async Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField[] fields)
        {
            await WriteRunAsync(rowGroup, fields[0]).ConfigureAwait(false);
            await WriteStringsAsync(rowGroup, fields[1], _tags.AsMemory(0, _rows)).ConfigureAwait(false);
            await rowGroup.WriteAsync<long>(fields[2], _steps.AsMemory(0, _rows)).ConfigureAwait(false);
            await rowGroup.WriteAsync<double>(fields[3], _wallTimes.AsMemory(0, _rows)).ConfigureAwait(false);
            await rowGroup.WriteAsync<double>(fields[4], _values.AsMemory(0, _rows)).ConfigureAwait(false);
        }
    }

    public sealed class HistogramBatch(string run, int capacity) : RowBatch<HistogramPoint>(run)
    {
        private readonly ColumnBuffer<ReadOnlyMemory<char>> _tags = new(capacity);
        private readonly ColumnBuffer<long> _steps = new(capacity);
        private readonly ColumnBuffer<double> _wallTimes = new(capacity);
        private readonly ColumnBuffer<double>[] _stats = [new(capacity), new(capacity), new(capacity), new(capacity), new(capacity)];
        private readonly ColumnBuffer<int> _lengths = new(capacity);
        private readonly ColumnBuffer<double> _left = new(capacity);
        private readonly ColumnBuffer<double> _right = new(capacity);
        private readonly ColumnBuffer<double> _count = new(capacity);
        private readonly ListLevels _levels = new();
        private readonly int _capacity = capacity;

        public override int Rows => _tags.Count;

        public override bool IsFull => _tags.Count >= _capacity || _left.Count >= MaxListElements;

        public override void Add(in HistogramPoint point)
        {
            _tags.Add(point.Tag.AsMemory());
            _steps.Add(point.Step);
            _wallTimes.Add(point.WallTime);
            _stats[0].Add(point.Min);
            _stats[1].Add(point.Max);
            _stats[2].Add(point.Count);
            _stats[3].Add(point.Sum);
            _stats[4].Add(point.SumSquares);
            _lengths.Add(point.Buckets.Count);
            foreach (var bucket in point.Buckets)
            {
                _left.Add(bucket.Left);
                _right.Add(bucket.Right);
                _count.Add(bucket.Count);
            }
        }

        protected override void Clear()
        {
            foreach (var column in (ReadOnlySpan<ColumnBuffer<double>>)[_wallTimes, .. _stats, _left, _right, _count])
            {
                column.Clear();
            }
            _tags.Clear();
            _steps.Clear();
            _lengths.Clear();
        }

        public override async Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField[] fields)
        {
            await WriteRunAsync(rowGroup, fields[0]).ConfigureAwait(false);
            await WriteStringsAsync(rowGroup, fields[1], _tags.Memory).ConfigureAwait(false);
            await rowGroup.WriteAsync(fields[2], _steps.Memory).ConfigureAwait(false);
            await rowGroup.WriteAsync(fields[3], _wallTimes.Memory).ConfigureAwait(false);
            for (int i = 0; i < _stats.Length; i++)
            {
                await rowGroup.WriteAsync(fields[4 + i], _stats[i].Memory).ConfigureAwait(false);
            }
            // The three list columns have the same lengths, so the same levels.
            _levels.Compute(_lengths.Span, fields[9].MaxDefinitionLevel);
            await _levels.WriteAsync(rowGroup, fields[9], _left.Memory).ConfigureAwait(false);
            await _levels.WriteAsync(rowGroup, fields[10], _right.Memory).ConfigureAwait(false);
            await _levels.WriteAsync(rowGroup, fields[11], _count.Memory).ConfigureAwait(false);
        }
    }

    public sealed class PrCurveBatch(string run, int capacity) : RowBatch<PrCurvePoint>(run)
    {
        private readonly ColumnBuffer<ReadOnlyMemory<char>> _tags = new(capacity);
        private readonly ColumnBuffer<long> _steps = new(capacity);
        private readonly ColumnBuffer<double> _wallTimes = new(capacity);
        private readonly ColumnBuffer<int> _thresholds = new(capacity);
        private readonly ColumnBuffer<int> _lengths = new(capacity);
        private readonly ColumnBuffer<float>[] _rows = [new(capacity), new(capacity), new(capacity), new(capacity), new(capacity), new(capacity)];
        private readonly ListLevels _levels = new();
        private readonly int _capacity = capacity;

        public override int Rows => _tags.Count;

        public override bool IsFull => _tags.Count >= _capacity || _rows[0].Count >= MaxListElements;

        public override void Add(in PrCurvePoint point)
        {
            IReadOnlyList<float>[] rows = [point.TruePositives, point.FalsePositives, point.TrueNegatives, point.FalseNegatives, point.Precision, point.Recall];
            int length = rows[0].Count;
            if (rows.Any(r => r.Count != length))
            {
                return; // not a [6, T] tensor: the reader never returns one, but rows of unequal length cannot share levels
            }
            _tags.Add(point.Tag.AsMemory());
            _steps.Add(point.Step);
            _wallTimes.Add(point.WallTime);
            _thresholds.Add(point.NumThresholds);
            _lengths.Add(length);
            for (int i = 0; i < rows.Length; i++)
            {
                _rows[i].AddRange(rows[i]);
            }
        }

        protected override void Clear()
        {
            foreach (var row in _rows)
            {
                row.Clear();
            }
            _tags.Clear();
            _steps.Clear();
            _wallTimes.Clear();
            _thresholds.Clear();
            _lengths.Clear();
        }

        public override async Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField[] fields)
        {
            await WriteRunAsync(rowGroup, fields[0]).ConfigureAwait(false);
            await WriteStringsAsync(rowGroup, fields[1], _tags.Memory).ConfigureAwait(false);
            await rowGroup.WriteAsync(fields[2], _steps.Memory).ConfigureAwait(false);
            await rowGroup.WriteAsync(fields[3], _wallTimes.Memory).ConfigureAwait(false);
            await rowGroup.WriteAsync(fields[4], _thresholds.Memory).ConfigureAwait(false);
            // The six list columns have the same lengths, so the same levels.
            _levels.Compute(_lengths.Span, fields[5].MaxDefinitionLevel);
            for (int i = 0; i < _rows.Length; i++)
            {
                await _levels.WriteAsync(rowGroup, fields[5 + i], _rows[i].Memory).ConfigureAwait(false);
            }
        }
    }
}
