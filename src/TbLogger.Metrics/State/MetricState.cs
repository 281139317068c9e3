using System.Buffers.Binary;
using System.Text;

namespace TbLogger.Metrics;

/// <summary>
/// A metric's state, reached through <see cref="Metric.State"/>: its registered variables (each one says how it
/// merges, <see cref="StateMerge"/>), saving and loading them, and the flat vector a data-parallel all-reduce combines.
/// </summary>
/// <remarks>
/// Everything here works over the variables the metric registered with <c>AddState</c>; no metric overrides it.
/// Two ways to combine workers: gather <see cref="Save"/> blobs and <see cref="Metric.Merge"/> them (every kind,
/// including <see cref="StateMerge.Concatenate"/>), or all-reduce <see cref="ToVector"/> element by element with
/// <see cref="GetReductions"/> and <see cref="LoadVector"/> the result (Sum, Min and Max states).
/// </remarks>
public sealed class MetricState
{
    private const uint Magic = 0x534D4254; // "TBMS" little-endian
    private const ushort FormatVersion = 1;

    private readonly Metric _metric;
    private readonly List<MetricStateVariable> _variables = [];

    internal MetricState(Metric metric) => _metric = metric;

    /// <summary>The registered state variables, in registration order: name, length and how each merges.</summary>
    public IReadOnlyList<MetricStateVariable> Variables => _variables;

    internal List<MetricStateVariable> Registered => _variables;

    /// <summary>Serialises the state: a versioned binary blob (magic, version, type, config, variables) for <see cref="Load"/>.</summary>
    /// <returns>The bytes.</returns>
    public byte[] Save()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(_metric.GetType().FullName!);
            w.Write(_metric.BuildConfigJson(includeName: false));
            w.Write(_variables.Count);
            foreach (var s in _variables)
            {
                w.Write(s.Name);
                w.Write((byte)s.Merge);
                w.Write(s.Width);
                w.Write(s.Length);
                foreach (var v in s.Values) w.Write(v);
            }
        }
        return ms.ToArray();
    }

    /// <summary>Replaces the state with one saved by <see cref="Save"/> from a metric of the same type and config.</summary>
    /// <param name="state">The saved bytes.</param>
    /// <exception cref="ArgumentException">Corrupt data, another format version, another metric type or config, or other variables.</exception>
    public void Load(ReadOnlySpan<byte> state)
    {
        var reader = new StateReader(state);
        if (reader.UInt32() != Magic) throw new ArgumentException("Not a saved metric state (bad magic).", nameof(state));
        ushort version = reader.UInt16();
        if (version != FormatVersion)
            throw new ArgumentException($"Saved metric state has format version {version}; this library reads version {FormatVersion}.", nameof(state));
        string type = reader.String();
        string expectedType = _metric.GetType().FullName!;
        if (type != expectedType)
            throw new ArgumentException($"Saved state belongs to {type}, not {expectedType}.", nameof(state));
        string config = reader.String();
        string mine = _metric.BuildConfigJson(includeName: false);
        if (config != mine)
            throw new ArgumentException($"Saved state has config {config} but this metric has {mine}.", nameof(state));
        int count = reader.Int32();
        if (count != _variables.Count)
            throw new ArgumentException($"Saved state has {count} state variables; this metric has {_variables.Count}.", nameof(state));
        var loaded = new double[count][];
        for (int i = 0; i < count; i++)
        {
            var s = _variables[i];
            string name = reader.String();
            var merge = (StateMerge)reader.Byte();
            int width = reader.Int32();
            int length = reader.Int32();
            if (name != s.Name || merge != s.Merge || width != s.Width)
                throw new ArgumentException($"Saved state variable {i} is '{name}' ({merge}, width {width}); expected '{s.Name}' ({s.Merge}, width {s.Width}).", nameof(state));
            if (length < 0 || (s.Merge == StateMerge.Concatenate ? length % width != 0
                                : !(length == s.Length || (s.IsLazilySized && (length == 0 || s.Length == 0)))))
                throw new ArgumentException($"Saved state variable '{name}' has {length} values; expected {s.Length}.", nameof(state));
            if ((long)length * sizeof(double) > reader.Remaining) throw new ArgumentException("Saved metric state is truncated.", nameof(state));
            var values = new double[length];
            for (int j = 0; j < length; j++) values[j] = reader.Double();
            loaded[i] = values;
        }
        if (!reader.AtEnd) throw new ArgumentException("Saved metric state has trailing bytes.", nameof(state));
        for (int i = 0; i < count; i++) _variables[i].Load(loaded[i]);
        _metric.StateChanged();
    }

    /// <summary>
    /// Length of the flat state vector (<see cref="ToVector"/>): the values of every variable, in registration order.
    /// Ranks agree on it once lazily sized variables are built (each rank has seen one batch).
    /// </summary>
    /// <exception cref="NotSupportedException">A variable merges by <see cref="StateMerge.Concatenate"/>, which no element-wise all-reduce can combine.</exception>
    public int VectorLength
    {
        get
        {
            int length = 0;
            foreach (var s in _variables)
            {
                RequireReducible(s);
                length += s.Length;
            }
            return length;
        }
    }

    /// <summary>
    /// The state as one flat vector for a data-parallel all-reduce (MPI, NCCL, a gRPC service…): reduce element
    /// <c>i</c> of every rank's vector by <see cref="GetReductions"/>[i] (sum, min or max), then
    /// <see cref="LoadVector"/> (or <see cref="MetricFactory.FromReducedState{TMetric}"/>) gives exactly the result of
    /// one process over all ranks' data.
    /// </summary>
    /// <returns>A new array of <see cref="VectorLength"/> values.</returns>
    /// <exception cref="NotSupportedException">A variable merges by <see cref="StateMerge.Concatenate"/>.</exception>
    public double[] ToVector()
    {
        var vector = new double[VectorLength];
        WriteVector(vector);
        return vector;
    }

    /// <summary>Writes the flat state vector (see <see cref="ToVector"/>) into <paramref name="destination"/>, without allocating.</summary>
    /// <param name="destination">Exactly <see cref="VectorLength"/> values.</param>
    /// <exception cref="ArgumentException">The destination has another length.</exception>
    /// <exception cref="NotSupportedException">A variable merges by <see cref="StateMerge.Concatenate"/>.</exception>
    public void WriteVector(Span<double> destination)
    {
        int length = VectorLength;
        if (destination.Length != length)
            throw new ArgumentException($"Metric '{_metric.Name}' has {length} state values; the destination has {destination.Length}.", nameof(destination));
        int offset = 0;
        foreach (var s in _variables)
        {
            s.Values.CopyTo(destination[offset..]);
            offset += s.Length;
        }
    }

    /// <summary>How each element of the flat state vector reduces across ranks: <see cref="StateMerge.Sum"/>, <see cref="StateMerge.Min"/> or <see cref="StateMerge.Max"/>.</summary>
    /// <returns>A new array of <see cref="VectorLength"/> reductions.</returns>
    /// <exception cref="NotSupportedException">A variable merges by <see cref="StateMerge.Concatenate"/>.</exception>
    public StateMerge[] GetReductions()
    {
        var reductions = new StateMerge[VectorLength];
        int offset = 0;
        foreach (var s in _variables)
        {
            reductions.AsSpan(offset, s.Length).Fill(s.Merge);
            offset += s.Length;
        }
        return reductions;
    }

    /// <summary>Replaces the state with an all-reduced flat state vector, laid out like this state's own.</summary>
    /// <param name="reduced">The reduced vector of <see cref="VectorLength"/> values.</param>
    /// <exception cref="ArgumentException">The vector has another length.</exception>
    /// <exception cref="NotSupportedException">A variable merges by <see cref="StateMerge.Concatenate"/>.</exception>
    public void LoadVector(ReadOnlySpan<double> reduced) => LoadVectorLaidOutAs(reduced, this);

    /// <summary>Loads <paramref name="reduced"/> laid out like <paramref name="layout"/> (a metric of the same type and config, whose lazily sized variables are built).</summary>
    internal void LoadVectorLaidOutAs(ReadOnlySpan<double> reduced, MetricState layout)
    {
        int length = layout.VectorLength;
        if (reduced.Length != length)
            throw new ArgumentException($"Metric '{_metric.Name}' has {length} state values; the reduced vector has {reduced.Length}.", nameof(reduced));
        int offset = 0;
        for (int i = 0; i < _variables.Count; i++)
        {
            int n = layout._variables[i].Length;
            _variables[i].Load(reduced.Slice(offset, n));
            offset += n;
        }
        _metric.StateChanged();
    }

    private static void RequireReducible(MetricStateVariable variable)
    {
        if (variable.Merge == StateMerge.Concatenate)
            throw new NotSupportedException(
                $"State '{variable.Name}' concatenates records, which an element-wise all-reduce cannot combine; gather State.Save() blobs and Merge them instead.");
    }

    private ref struct StateReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly bool AtEnd => _pos == _data.Length;
        public readonly int Remaining => _data.Length - _pos;

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || _pos + n > _data.Length) throw new ArgumentException("Saved metric state is truncated.", "state");
            var s = _data.Slice(_pos, n);
            _pos += n;
            return s;
        }

        public byte Byte() => Take(1)[0];
        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        public string String()
        {
            // BinaryWriter's 7-bit encoded length prefix.
            int length = 0, shift = 0;
            while (true)
            {
                if (shift > 28) throw new ArgumentException("Saved metric state is corrupt (bad string length).", "state");
                byte b = Byte();
                length |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) break;
                shift += 7;
            }
            try { return new UTF8Encoding(false, true).GetString(Take(length)); }
            catch (DecoderFallbackException e) { throw new ArgumentException("Saved metric state is corrupt (bad UTF-8).", "state", e); }
        }
    }
}
