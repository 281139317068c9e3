namespace TbLogger.Training;

/// <summary>
/// A model's parameters by name, implemented by the user for whatever holds the weights (arrays, TorchSharp tensors, …):
/// each parameter is a span of floats, row-major, with a shape. Read for weight histograms and images.
/// </summary>
/// <example>
/// <code>
/// sealed class Mlp : IParameterSource
/// {
///     public float[] W1 = new float[64 * 32];
///     public IReadOnlyList&lt;string&gt; ParameterNames { get; } = ["dense/kernel"];
///     public ReadOnlySpan&lt;float&gt; GetValues(string name) =&gt; W1;
///     public ReadOnlySpan&lt;int&gt; GetShape(string name) =&gt; new[] { 64, 32 };
/// }
/// </code>
/// </example>
public interface IParameterSource
{
    /// <summary>The parameter names, e.g. <c>"dense_1/kernel"</c>, in a stable order.</summary>
    IReadOnlyList<string> ParameterNames { get; }

    /// <summary>The values of one parameter, row-major; valid until the model next changes it.</summary>
    /// <param name="name">One of <see cref="ParameterNames"/>.</param>
    /// <returns>The values; the length is the product of <see cref="GetShape"/>.</returns>
    ReadOnlySpan<float> GetValues(string name);

    /// <summary>The shape of one parameter (e.g. <c>[64, 32]</c> for a dense kernel, <c>[32]</c> for a bias).</summary>
    /// <param name="name">One of <see cref="ParameterNames"/>.</param>
    /// <returns>The dimensions.</returns>
    ReadOnlySpan<int> GetShape(string name);
}

/// <summary>A parameter source whose values can also be written, so <see cref="EarlyStopping"/> can restore the best weights.</summary>
public interface IParameterStore : IParameterSource
{
    /// <summary>Overwrites one parameter's values.</summary>
    /// <param name="name">One of <see cref="IParameterSource.ParameterNames"/>.</param>
    /// <param name="values">New values, as many as the parameter has.</param>
    void SetValues(string name, ReadOnlySpan<float> values);
}

/// <summary>Copies of a parameter source's values (Keras's <c>model.get_weights()</c>).</summary>
public sealed class ParameterSnapshot
{
    private readonly Dictionary<string, float[]> _values;

    private ParameterSnapshot(Dictionary<string, float[]> values) => _values = values;

    /// <summary>The names captured.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>The captured values of one parameter.</summary>
    /// <param name="name">A captured name.</param>
    /// <returns>The values.</returns>
    public ReadOnlySpan<float> this[string name] => _values[name];

    /// <summary>Copies every parameter's current values.</summary>
    /// <param name="source">The parameters.</param>
    /// <returns>The snapshot.</returns>
    public static ParameterSnapshot Capture(IParameterSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var d = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var name in source.ParameterNames) d[name] = source.GetValues(name).ToArray();
        return new ParameterSnapshot(d);
    }

    /// <summary>Writes the captured values back (Keras's <c>model.set_weights()</c>).</summary>
    /// <param name="store">The parameters to overwrite.</param>
    public void Restore(IParameterStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        foreach (var (name, values) in _values) store.SetValues(name, values);
    }
}
