// ──────────────────────────────────────────────────────────────────────────────────────────────────────────────
// HOW TO WRITE A METRIC (read this first)
//
//   public sealed class MyMetric : Metric
//   {
//       private readonly MetricStateVariable _total, _count;   // states are doubles
//       private float[]? _scratch;                              // per-instance scratch, grown once (no per-call allocs)
//       public MyMetric(string? name = null) : base(name ?? "my_metric")
//       {
//           _total = AddState("total", 1, StateMerge.Sum);      // register EVERY state in the constructor
//           _count = AddState("count", 1, StateMerge.Sum);      // Sum / Min / Max (fixed length) or Concatenate
//       }
//       public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
//                                        ReadOnlyTensorSpan<float> sampleWeight = default)
//       {
//           MetricGuard.RequireSameShape(yTrue, yPred);                        // messages name both shapes
//           ReadOnlySpan<float> t = MetricGuard.Flatten(yTrue, ref _scratch);  // zero-copy when dense
//           ... TensorPrimitives math, then _total.Values[0] += ...; _count.Values[0] += ...;
//       }
//       protected override void ComputeResult(Span<double> destination)
//           => destination[0] = MetricMath.DivideNoNan(_total.Values[0], _count.Values[0]);
//       protected override void WriteConfig(Utf8JsonWriter writer) { writer.WriteNumber("k", _k); } // Keras keys
//   }
//
// - ResetState, Merge, SaveState and LoadState are implemented HERE over the registered states; subclasses never
//   override them. A metric is mergeable iff its states are sufficient statistics combined by their StateMerge kind.
// - Result shape: override ResultShape (default: scalar, i.e. an empty span; return a span over a field array, e.g.
//   `private nint[] _shape = [3]; protected override ReadOnlySpan<nint> ResultShape => _shape;`). ComputeResult fills a destination whose
//   length is the product of ResultShape (1 for a scalar). Result() throws InvalidOperationException for non-scalars.
// - Config: GetConfigJson() writes {"name": ..., "dtype": "float32", <your WriteConfig keys>} with snake_case Keras keys.
//   Merge/LoadState require the same concrete type and the same config apart from "name".
// - Lazily sized states (e.g. one value per output, known only at the first update): AddState(name, 0, Sum) and call
//   state.EnsureLength(n) in UpdateState.
// - Register the metric in MetricFactory (MetricFactory.Register) so it can be created by Keras name + config.
// ──────────────────────────────────────────────────────────────────────────────────────────────────────────────
using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Text;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// A stateful metric in the style of Keras 3 (<c>keras.metrics.Metric</c>): <see cref="UpdateState"/> accumulates
/// statistics batch by batch, <see cref="Result"/> reads the current value, and the state can be reset, merged with
/// another worker's state and saved/loaded for exact data-parallel reduction.
/// </summary>
/// <remarks>
/// States are accumulated in double precision, which is at least as exact as Keras's float32 variables.
/// System.Numerics.Tensors has no rank-0 tensors, so <see cref="ResultTensor"/> returns scalars as shape [1].
/// </remarks>
public abstract class Metric
{
    private const uint Magic = 0x534D4254; // "TBMS" little-endian
    private const ushort FormatVersion = 1;

    private readonly List<MetricStateVariable> _states = [];

    /// <summary>Creates the metric with its display name (Keras's <c>name</c> argument).</summary>
    /// <param name="name">The metric's name; must not be empty.</param>
    protected Metric(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The metric's name, as shown in logs (e.g. <c>"binary_accuracy"</c>, or the user's name).</summary>
    public string Name { get; }

    /// <summary>
    /// Keras's <c>dtype</c> as configured (default <c>"float32"</c>), written back by <see cref="GetConfigJson"/> so that a
    /// Keras config round-trips. It does not change the arithmetic: states are double precision whatever the dtype.
    /// </summary>
    public string DType { get; internal set; } = "float32";

    /// <summary>The registered state variables, in registration order.</summary>
    public IReadOnlyList<MetricStateVariable> States => _states;

    /// <summary>
    /// The shape of <see cref="ResultTensor"/>; empty for a scalar metric (the default). Its product is the length of the
    /// destination passed to <see cref="ComputeResult(Span{double})"/>.
    /// </summary>
    protected virtual ReadOnlySpan<nint> ResultShape => [];

    /// <summary>True when the result is a scalar (<see cref="Result"/> works); false for vector results.</summary>
    public bool IsScalar => ResultShape.IsEmpty;

    /// <summary>Accumulates one batch.</summary>
    /// <param name="yTrue">Labels, in the shape Keras expects for this metric.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional weights (default: none), broadcast as in Keras.</param>
    /// <exception cref="ArgumentException">Shapes do not match, labels are out of range, or inputs contain NaN where it matters.</exception>
    public abstract void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                     ReadOnlyTensorSpan<float> sampleWeight = default);

    /// <summary>Computes the current result into <paramref name="destination"/> (length = product of <see cref="ResultShape"/>).</summary>
    /// <param name="destination">Where to write the result, row-major.</param>
    protected abstract void ComputeResult(Span<double> destination);

    /// <summary>Writes the metric's Keras config keys (snake_case) other than <c>name</c> and <c>dtype</c>.</summary>
    /// <param name="writer">A writer positioned inside the config object.</param>
    protected virtual void WriteConfig(Utf8JsonWriter writer)
    {
    }

    /// <summary>Called after <see cref="ResetState"/>, <see cref="Merge"/> or <see cref="LoadState"/> changed the states, for metrics that cache derived values.</summary>
    protected virtual void OnStateChanged()
    {
    }

    /// <summary>Registers a state variable; call only from the constructor.</summary>
    /// <param name="name">Unique name within this metric (Keras's variable name where there is one).</param>
    /// <param name="length">Number of values (0 = sized on first update via <see cref="MetricStateVariable.EnsureLength"/>), or values per record for <see cref="StateMerge.Concatenate"/>.</param>
    /// <param name="merge">How the variable merges across shards.</param>
    /// <returns>The variable, whose <see cref="MetricStateVariable.Values"/> the subclass updates.</returns>
    protected MetricStateVariable AddState(string name, int length, StateMerge merge)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (merge == StateMerge.Concatenate) ArgumentOutOfRangeException.ThrowIfZero(length);
        if (!Enum.IsDefined(merge)) throw new ArgumentOutOfRangeException(nameof(merge));
        foreach (var s in _states)
            if (s.Name == name) throw new ArgumentException($"State '{name}' is already registered.", nameof(name));
        var v = new MetricStateVariable(name, length, merge);
        _states.Add(v);
        return v;
    }

    /// <summary>
    /// A metric from an element-wise function, Keras's <c>MeanMetricWrapper(lambda t, p: ops.mean(f(t, p), axis=-1))</c> in
    /// one line: <c>Metric.FromFunction("cubed", (t, p, v) =&gt; { TensorPrimitives.Subtract(t, p, v); TensorPrimitives.Abs(v, v); TensorPrimitives.Pow(v, 3f, v); })</c>.
    /// The function writes one value per element; the metric averages them over the last axis (unless
    /// <paramref name="meanOverLastAxis"/> is false) and then over samples with Keras's sample weights (one per sample,
    /// one per remaining value such as a time step, or one in all). Allocation-free after the first batch.
    /// </summary>
    /// <param name="name">The metric's name (also its config's <c>fn</c>).</param>
    /// <param name="function">Writes one value per element of yPred, from the flattened inputs.</param>
    /// <param name="meanOverLastAxis">True (default) for Keras's <c>mean(..., axis=-1)</c>; false keeps one value per element (then weights may have yPred's shape).</param>
    /// <returns>The metric.</returns>
    public static Metric FromFunction(string name, ElementwiseMetricFunction function, bool meanOverLastAxis = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(function);
        return new FunctionMetric(name, function, null, meanOverLastAxis);
    }

    /// <summary>
    /// A metric from a per-element expression, the shortest form: <c>Metric.FromFunction("cubed", (t, p) =&gt; MathF.Pow(MathF.Abs(t - p), 3))</c>.
    /// Averaged over the last axis and then over samples as <see cref="FromFunction(string, ElementwiseMetricFunction, bool)"/>
    /// does; called once per element (use the span form to vectorise).
    /// </summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="function">The value of one element from its label and prediction.</param>
    /// <param name="meanOverLastAxis">As for the span form.</param>
    /// <returns>The metric.</returns>
    public static Metric FromFunction(string name, Func<float, float, float> function, bool meanOverLastAxis = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(function);
        return new FunctionMetric(name, null, function, meanOverLastAxis);
    }

    /// <summary>The scalar result (Keras's <c>result()</c>).</summary>
    /// <returns>The current value; 0 where Keras divides by zero with <c>divide_no_nan</c>.</returns>
    /// <exception cref="InvalidOperationException">The metric's result is not a scalar (use <see cref="ResultTensor"/>), or it has no result yet.</exception>
    public double Result()
    {
        if (!ResultShape.IsEmpty)
            throw new InvalidOperationException(
                $"Metric '{Name}' has a result of shape {MetricGuard.FormatShape(ResultShape)}, not a scalar; use ResultTensor().");
        Span<double> one = stackalloc double[1];
        ComputeResult(one);
        return one[0];
    }

    /// <summary>The result as a tensor, for every metric. Scalars are returned with shape [1] (System.Numerics.Tensors has no rank-0 tensors).</summary>
    /// <returns>A new tensor holding the result in single precision.</returns>
    public Tensor<float> ResultTensor()
    {
        ReadOnlySpan<nint> shape = ResultShape;
        nint n = 1;
        foreach (var d in shape) n *= d;
        var values = new double[n];
        ComputeResult(values);
        var data = new float[n];
        for (int i = 0; i < data.Length; i++) data[i] = (float)values[i];
        return shape.IsEmpty ? Tensor.Create(data, [1]) : Tensor.Create(data, shape);
    }

    /// <summary>Resets every state variable to its initial value (Keras's <c>reset_state()</c>).</summary>
    public void ResetState()
    {
        foreach (var s in _states) s.Reset();
        OnStateChanged();
    }

    /// <summary>
    /// Adds another metric's state to this one, so that the result equals one pass over both metrics' data.
    /// </summary>
    /// <param name="other">A metric of the same type and config (the name may differ).</param>
    /// <exception cref="ArgumentException">Different type or config.</exception>
    public void Merge(Metric other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this)) throw new ArgumentException("A metric cannot be merged with itself.", nameof(other));
        if (other.GetType() != GetType())
            throw new ArgumentException($"Cannot merge a {other.GetType().Name} into a {GetType().Name}.", nameof(other));
        string mine = BuildConfigJson(includeName: false), theirs = other.BuildConfigJson(includeName: false);
        if (mine != theirs)
            throw new ArgumentException($"Cannot merge metrics with different configs: {mine} vs {theirs}.", nameof(other));
        // Check lengths first so a failing merge leaves this metric unchanged.
        for (int i = 0; i < _states.Count; i++)
        {
            var a = _states[i]; var b = other._states[i];
            if (a.Merge != StateMerge.Concatenate && a.Length != 0 && b.Length != 0 && a.Length != b.Length)
                throw new ArgumentException($"State '{a.Name}' has {a.Length} values here but {b.Length} in the other metric.", nameof(other));
        }
        for (int i = 0; i < _states.Count; i++) _states[i].MergeFrom(other._states[i]);
        OnStateChanged();
    }

    /// <summary>Serialises the state: a versioned binary blob (magic, version, type, config, states) for <see cref="LoadState"/>.</summary>
    /// <returns>The bytes.</returns>
    public byte[] SaveState()
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(GetType().FullName!);
            w.Write(BuildConfigJson(includeName: false));
            w.Write(_states.Count);
            foreach (var s in _states)
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

    /// <summary>Replaces the state with one saved by <see cref="SaveState"/> from a metric of the same type and config.</summary>
    /// <param name="state">The saved bytes.</param>
    /// <exception cref="ArgumentException">Corrupt data, another format version, another metric type or config, or other states.</exception>
    public void LoadState(ReadOnlySpan<byte> state)
    {
        var reader = new StateReader(state);
        if (reader.UInt32() != Magic) throw new ArgumentException("Not a saved metric state (bad magic).", nameof(state));
        ushort version = reader.UInt16();
        if (version != FormatVersion)
            throw new ArgumentException($"Saved metric state has format version {version}; this library reads version {FormatVersion}.", nameof(state));
        string type = reader.String();
        if (type != GetType().FullName)
            throw new ArgumentException($"Saved state belongs to {type}, not {GetType().FullName}.", nameof(state));
        string config = reader.String();
        string mine = BuildConfigJson(includeName: false);
        if (config != mine)
            throw new ArgumentException($"Saved state has config {config} but this metric has {mine}.", nameof(state));
        int count = reader.Int32();
        if (count != _states.Count)
            throw new ArgumentException($"Saved state has {count} state variables; this metric has {_states.Count}.", nameof(state));
        var loaded = new double[count][];
        for (int i = 0; i < count; i++)
        {
            var s = _states[i];
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
        for (int i = 0; i < count; i++) _states[i].Load(loaded[i]);
        OnStateChanged();
    }

    /// <summary>
    /// Length of the flat state vector (<see cref="GetReducibleState"/>): the values of every state variable, in
    /// registration order. Ranks agree on it once lazily sized states are built (each rank has seen one batch).
    /// </summary>
    /// <exception cref="NotSupportedException">A state merges by <see cref="StateMerge.Concatenate"/>, which no element-wise all-reduce can combine.</exception>
    public int ReducibleStateLength
    {
        get
        {
            int length = 0;
            foreach (var s in _states)
            {
                RequireReducible(s);
                length += s.Length;
            }
            return length;
        }
    }

    /// <summary>
    /// The state as one flat vector for a data-parallel all-reduce (MPI, NCCL, a gRPC service…): reduce element
    /// <c>i</c> of every rank's vector by <see cref="GetStateReductions"/>[i] (sum, min or max), then
    /// <see cref="FromReducedState{TMetric}(TMetric, ReadOnlySpan{double})"/> or <see cref="LoadReducedState"/> gives
    /// exactly the result of one process over all ranks' data.
    /// </summary>
    /// <returns>A new array of <see cref="ReducibleStateLength"/> values.</returns>
    /// <exception cref="NotSupportedException">A state merges by <see cref="StateMerge.Concatenate"/>.</exception>
    public double[] GetReducibleState()
    {
        var vector = new double[ReducibleStateLength];
        WriteReducibleState(vector);
        return vector;
    }

    /// <summary>Writes the flat state vector (see <see cref="GetReducibleState"/>) into <paramref name="destination"/>, without allocating.</summary>
    /// <param name="destination">Exactly <see cref="ReducibleStateLength"/> values.</param>
    /// <exception cref="ArgumentException">The destination has another length.</exception>
    /// <exception cref="NotSupportedException">A state merges by <see cref="StateMerge.Concatenate"/>.</exception>
    public void WriteReducibleState(Span<double> destination)
    {
        int length = ReducibleStateLength;
        if (destination.Length != length)
            throw new ArgumentException($"Metric '{Name}' has {length} state values; the destination has {destination.Length}.", nameof(destination));
        int offset = 0;
        foreach (var s in _states)
        {
            s.Values.CopyTo(destination[offset..]);
            offset += s.Length;
        }
    }

    /// <summary>How each element of the flat state vector reduces across ranks: <see cref="StateMerge.Sum"/>, <see cref="StateMerge.Min"/> or <see cref="StateMerge.Max"/>.</summary>
    /// <returns>A new array of <see cref="ReducibleStateLength"/> reductions.</returns>
    /// <exception cref="NotSupportedException">A state merges by <see cref="StateMerge.Concatenate"/>.</exception>
    public StateMerge[] GetStateReductions()
    {
        var reductions = new StateMerge[ReducibleStateLength];
        int offset = 0;
        foreach (var s in _states)
        {
            reductions.AsSpan(offset, s.Length).Fill(s.Merge);
            offset += s.Length;
        }
        return reductions;
    }

    /// <summary>Replaces this metric's state with an all-reduced flat state vector, laid out like this metric's own.</summary>
    /// <param name="reduced">The reduced vector of <see cref="ReducibleStateLength"/> values.</param>
    /// <exception cref="ArgumentException">The vector has another length.</exception>
    /// <exception cref="NotSupportedException">A state merges by <see cref="StateMerge.Concatenate"/>.</exception>
    public void LoadReducedState(ReadOnlySpan<double> reduced) => LoadReduced(reduced, this);

    /// <summary>
    /// A new metric of <paramref name="like"/>'s type and config whose state is <paramref name="reduced"/>: the
    /// all-reduced <see cref="GetReducibleState"/> vectors of every rank. Its result equals one pass over all the data.
    /// </summary>
    /// <typeparam name="TMetric">The metric type.</typeparam>
    /// <param name="like">A metric with the layout of the vectors (e.g. this rank's metric); it is not changed.</param>
    /// <param name="reduced">The reduced vector.</param>
    /// <returns>The new metric, named like <paramref name="like"/>.</returns>
    /// <exception cref="ArgumentException">The vector's length differs from <paramref name="like"/>'s layout.</exception>
    /// <exception cref="InvalidOperationException">The type is not registered in <see cref="MetricFactory"/>; use <see cref="LoadReducedState"/> on an instance.</exception>
    public static TMetric FromReducedState<TMetric>(TMetric like, ReadOnlySpan<double> reduced) where TMetric : Metric
    {
        ArgumentNullException.ThrowIfNull(like);
        Metric created;
        try
        {
            created = MetricFactory.Create(like.GetType().Name, like.GetConfigJson());
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException(
                $"{like.GetType().Name} cannot be created from its config ({ex.Message}); call LoadReducedState on a new instance instead.", ex);
        }
        if (created is not TMetric metric || created.GetType() != like.GetType())
            throw new InvalidOperationException($"MetricFactory created a {created.GetType().Name} for {like.GetType().Name}; call LoadReducedState on a new instance instead.");
        metric.LoadReduced(reduced, like);
        return metric;
    }

    private void LoadReduced(ReadOnlySpan<double> reduced, Metric layout)
    {
        int length = layout.ReducibleStateLength;
        if (reduced.Length != length)
            throw new ArgumentException($"Metric '{Name}' has {length} state values; the reduced vector has {reduced.Length}.", nameof(reduced));
        int offset = 0;
        for (int i = 0; i < _states.Count; i++)
        {
            int n = layout._states[i].Length;
            _states[i].Load(reduced.Slice(offset, n));
            offset += n;
        }
        OnStateChanged();
    }

    private static void RequireReducible(MetricStateVariable state)
    {
        if (state.Merge == StateMerge.Concatenate)
            throw new NotSupportedException(
                $"State '{state.Name}' concatenates records, which an element-wise all-reduce cannot combine; gather SaveState() blobs and Merge them instead.");
    }

    /// <summary>The Keras config (<c>get_config()</c>) as JSON, snake_case keys, e.g. <c>{"name":"binary_accuracy","dtype":"float32","threshold":0.5}</c>.</summary>
    /// <returns>The JSON text.</returns>
    public string GetConfigJson() => BuildConfigJson(includeName: true);

    private string BuildConfigJson(bool includeName)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (includeName) writer.WriteString("name", Name);
            writer.WriteString("dtype", DType);
            WriteConfig(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}({Name})";

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
