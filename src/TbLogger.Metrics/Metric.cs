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
// - ResetState and Merge (here) and State.Save/Load and the all-reduce vector (MetricState) work over the registered
//   states; subclasses never override them. A metric is mergeable iff its states are sufficient statistics combined by their StateMerge kind.
// - Result shape: override ResultShape (default: scalar, i.e. an empty span; return a span over a field array, e.g.
//   `private nint[] _shape = [3]; protected override ReadOnlySpan<nint> ResultShape => _shape;`). ComputeResult fills a destination whose
//   length is the product of ResultShape (1 for a scalar). Result() throws InvalidOperationException for non-scalars.
// - Config: GetConfigJson() writes {"name": ..., "dtype": "float32", <your WriteConfig keys>} with snake_case Keras keys.
//   Merge/State.Load require the same concrete type and the same config apart from "name".
// - Lazily sized states (e.g. one value per output, known only at the first update): AddState(name, 0, Sum) and call
//   state.EnsureLength(n) in UpdateState.
// - Register the metric in MetricFactory (MetricFactory.Register) so it can be created by Keras name + config; a
//   built-in implements IRegisteredMetric.FromConfig next to its WriteConfig and is listed in MetricFactory's constructor.
// ──────────────────────────────────────────────────────────────────────────────────────────────────────────────
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
    /// <summary>Creates the metric with its display name (Keras's <c>name</c> argument).</summary>
    /// <param name="name">The metric's name; must not be empty.</param>
    protected Metric(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        State = new MetricState(this);
    }

    /// <summary>The metric's name, as shown in logs (e.g. <c>"binary_accuracy"</c>, or the user's name).</summary>
    public string Name { get; }

    /// <summary>
    /// Keras's <c>dtype</c> as configured (default <c>"float32"</c>), written back by <see cref="GetConfigJson"/> so that a
    /// Keras config round-trips. It does not change the arithmetic: states are double precision whatever the dtype.
    /// </summary>
    public string DType { get; internal set; } = "float32";

    /// <summary>
    /// The metric's state: its variables and how each merges, <see cref="MetricState.Save"/>/<see cref="MetricState.Load"/>,
    /// and the flat vector a data-parallel all-reduce combines.
    /// </summary>
    public MetricState State { get; }

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

    /// <summary>Called after <see cref="ResetState"/>, <see cref="Merge"/> or a <see cref="MetricState"/> load changed the states, for metrics that cache derived values.</summary>
    protected virtual void OnStateChanged()
    {
    }

    internal void StateChanged() => OnStateChanged();

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
        var states = State.Registered;
        foreach (var s in states)
            if (s.Name == name) throw new ArgumentException($"State '{name}' is already registered.", nameof(name));
        var v = new MetricStateVariable(name, length, merge);
        states.Add(v);
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
        foreach (var s in State.Registered) s.Reset();
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
        List<MetricStateVariable> mineStates = State.Registered, theirStates = other.State.Registered;
        for (int i = 0; i < mineStates.Count; i++)
        {
            var a = mineStates[i]; var b = theirStates[i];
            if (a.Merge != StateMerge.Concatenate && a.Length != 0 && b.Length != 0 && a.Length != b.Length)
                throw new ArgumentException($"State '{a.Name}' has {a.Length} values here but {b.Length} in the other metric.", nameof(other));
        }
        for (int i = 0; i < mineStates.Count; i++) mineStates[i].MergeFrom(theirStates[i]);
        OnStateChanged();
    }

    /// <summary>The Keras config (<c>get_config()</c>) as JSON, snake_case keys, e.g. <c>{"name":"binary_accuracy","dtype":"float32","threshold":0.5}</c>.</summary>
    /// <returns>The JSON text.</returns>
    public string GetConfigJson() => BuildConfigJson(includeName: true);

    internal string BuildConfigJson(bool includeName)
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

}
