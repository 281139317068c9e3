namespace TbLogger.Metrics;

/// <summary>
/// One state variable of a <see cref="Metric"/>, registered with <c>Metric.AddState</c> in the subclass constructor.
/// Values are stored in double precision. A fixed-size variable (<see cref="StateMerge.Sum"/>, <see cref="StateMerge.Min"/>,
/// <see cref="StateMerge.Max"/>) exposes its storage as <see cref="Values"/>; a <see cref="StateMerge.Concatenate"/>
/// variable is a growable store of records of <see cref="Width"/> values each, appended with <see cref="Append(ReadOnlySpan{double})"/>.
/// </summary>
public sealed class MetricStateVariable
{
    private double[] _data;
    private int _count; // number of doubles in use for Concatenate; equals Length otherwise

    internal MetricStateVariable(string name, int length, StateMerge merge)
    {
        Name = name;
        Merge = merge;
        if (merge == StateMerge.Concatenate)
        {
            Width = length;
            _data = new double[Math.Max(16, length * 16)];
            _count = 0;
        }
        else
        {
            Width = 1;
            IsLazilySized = length == 0;
            _data = length == 0 ? [] : new double[length];
            _count = length;
            Fill();
        }
    }

    /// <summary>The variable's name, unique within its metric (Keras's variable names, e.g. <c>"total"</c>, <c>"count"</c>).</summary>
    public string Name { get; }

    /// <summary>How this variable merges with the same variable of another metric.</summary>
    public StateMerge Merge { get; }

    /// <summary>True for a fixed-size variable registered with length 0 and built by <see cref="EnsureLength(int)"/> on first use.</summary>
    public bool IsLazilySized { get; }

    /// <summary>Values per record for <see cref="StateMerge.Concatenate"/> variables; 1 for fixed-size variables.</summary>
    public int Width { get; }

    /// <summary>
    /// Number of values: the fixed length for Sum/Min/Max variables (0 while a lazily sized variable is not yet
    /// built, see <see cref="EnsureLength(int)"/>), or records × <see cref="Width"/> for Concatenate variables.
    /// </summary>
    public int Length => _count;

    /// <summary>Number of records appended to a <see cref="StateMerge.Concatenate"/> variable (Length / Width).</summary>
    public int RecordCount => Width == 0 ? 0 : _count / Width;

    /// <summary>The values, writable. For Concatenate variables these are the records appended so far, row-major.</summary>
    public Span<double> Values => _data.AsSpan(0, _count);

    /// <summary>The value every element takes on reset: 0 for Sum, +∞ for Min, −∞ for Max.</summary>
    public double InitialValue => Merge switch
    {
        StateMerge.Min => double.PositiveInfinity,
        StateMerge.Max => double.NegativeInfinity,
        _ => 0.0,
    };

    /// <summary>
    /// Builds a lazily sized fixed variable (registered with length 0) once the data reveals its size, e.g. the number
    /// of outputs of R2Score. No-op when already that length.
    /// </summary>
    /// <exception cref="ArgumentException">The variable already has a different length.</exception>
    public void EnsureLength(int length)
    {
        if (Merge == StateMerge.Concatenate) throw new InvalidOperationException($"State '{Name}' is a Concatenate variable; use Append.");
        if (_count == length) return;
        if (_count != 0)
            throw new ArgumentException($"State '{Name}' was built with {_count} values but this input needs {length}.");
        _data = new double[length];
        _count = length;
        Fill();
    }

    /// <summary>Appends one or more whole records to a <see cref="StateMerge.Concatenate"/> variable (amortised, no allocation once grown).</summary>
    public void Append(ReadOnlySpan<double> values)
    {
        CheckAppend(values.Length);
        values.CopyTo(Reserve(values.Length));
    }

    /// <summary>Appends one or more whole records given in single precision.</summary>
    public void Append(ReadOnlySpan<float> values)
    {
        CheckAppend(values.Length);
        var dest = Reserve(values.Length);
        for (int i = 0; i < values.Length; i++) dest[i] = values[i];
    }

    private void CheckAppend(int n)
    {
        if (Merge != StateMerge.Concatenate) throw new InvalidOperationException($"State '{Name}' is not a Concatenate variable.");
        if (Width > 0 && n % Width != 0)
            throw new ArgumentException($"State '{Name}' stores records of {Width} values; {n} values is not a whole number of records.");
    }

    private Span<double> Reserve(int n)
    {
        int needed = _count + n;
        if (needed > _data.Length)
        {
            int size = Math.Max(needed, _data.Length * 2);
            Array.Resize(ref _data, size);
        }
        var span = _data.AsSpan(_count, n);
        _count = needed;
        return span;
    }

    internal void Reset()
    {
        if (Merge == StateMerge.Concatenate) _count = 0;
        else Fill();
    }

    private void Fill() => _data.AsSpan(0, _count).Fill(InitialValue);

    internal void MergeFrom(MetricStateVariable other)
    {
        if (Merge == StateMerge.Concatenate)
        {
            Append(other.Values);
            return;
        }
        if (other._count == 0) return;           // the other side was never built: nothing to add
        if (_count == 0) EnsureLength(other._count);
        if (other._count != _count)
            throw new ArgumentException($"State '{Name}' has {_count} values here but {other._count} in the other metric.");
        var mine = Values;
        var theirs = other.Values;
        switch (Merge)
        {
            case StateMerge.Sum: System.Numerics.Tensors.TensorPrimitives.Add(mine, theirs, mine); break;
            case StateMerge.Min: System.Numerics.Tensors.TensorPrimitives.Min(mine, theirs, mine); break;
            case StateMerge.Max: System.Numerics.Tensors.TensorPrimitives.Max(mine, theirs, mine); break;
        }
    }

    internal void Load(ReadOnlySpan<double> values)
    {
        if (Merge == StateMerge.Concatenate)
        {
            _count = 0;
            Append(values);
            return;
        }
        if (_count != values.Length)
        {
            _data = new double[values.Length];
            _count = values.Length;
        }
        values.CopyTo(Values);
    }
}
