using System.Collections;
using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// Several metrics updated from one batch (what Keras's <c>compile(metrics=[...])</c> keeps per output), with results
/// as a name → value dictionary. Names must be unique.
/// </summary>
public sealed class MetricCollection : IReadOnlyList<Metric>
{
    private readonly List<Metric> _metrics = [];

    /// <summary>Creates an empty collection.</summary>
    public MetricCollection()
    {
    }

    /// <summary>Creates a collection of the given metrics.</summary>
    /// <param name="metrics">Metrics with unique names.</param>
    /// <exception cref="ArgumentException">Two metrics share a name.</exception>
    public MetricCollection(IEnumerable<Metric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        foreach (var m in metrics) Add(m);
    }

    /// <inheritdoc/>
    public int Count => _metrics.Count;

    /// <inheritdoc/>
    public Metric this[int index] => _metrics[index];

    /// <summary>The metric with the given name.</summary>
    /// <param name="name">Metric name.</param>
    /// <returns>The metric.</returns>
    /// <exception cref="KeyNotFoundException">No metric has that name.</exception>
    public Metric this[string name] => _metrics.Find(m => m.Name == name)
        ?? throw new KeyNotFoundException($"No metric named '{name}'. Names: {string.Join(", ", _metrics.Select(m => m.Name))}.");

    /// <summary>Adds a metric.</summary>
    /// <param name="metric">A metric whose name is not yet in the collection.</param>
    /// <exception cref="ArgumentException">The name is taken.</exception>
    public void Add(Metric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (_metrics.Exists(m => m.Name == metric.Name))
            throw new ArgumentException($"The collection already has a metric named '{metric.Name}'.", nameof(metric));
        _metrics.Add(metric);
    }

    /// <summary>Updates every metric with the same batch.</summary>
    /// <param name="yTrue">Labels.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">Optional weights.</param>
    public void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred, ReadOnlyTensorSpan<float> sampleWeight = default)
    {
        foreach (var m in _metrics) m.UpdateState(yTrue, yPred, sampleWeight);
    }

    /// <summary>The scalar results by metric name, in insertion order (metrics with vector results are left out; see <see cref="ResultTensors"/>).</summary>
    /// <returns>A new dictionary.</returns>
    public Dictionary<string, double> Results()
    {
        var d = new Dictionary<string, double>(_metrics.Count, StringComparer.Ordinal);
        foreach (var m in _metrics)
            if (m.IsScalar) d[m.Name] = m.Result();
        return d;
    }

    /// <summary>Every result as a tensor, by metric name.</summary>
    /// <returns>A new dictionary.</returns>
    public Dictionary<string, Tensor<float>> ResultTensors()
    {
        var d = new Dictionary<string, Tensor<float>>(_metrics.Count, StringComparer.Ordinal);
        foreach (var m in _metrics) d[m.Name] = m.ResultTensor();
        return d;
    }

    /// <summary>Resets every metric.</summary>
    public void ResetState()
    {
        foreach (var m in _metrics) m.ResetState();
    }

    /// <summary>Merges another collection's metrics into these, matched by name.</summary>
    /// <param name="other">A collection with the same metric names, types and configs.</param>
    /// <exception cref="ArgumentException">The collections differ.</exception>
    public void Merge(MetricCollection other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count != Count) throw new ArgumentException($"Cannot merge a collection of {other.Count} metrics into one of {Count}.", nameof(other));
        var pairs = new List<(Metric Mine, Metric Theirs)>(Count);
        foreach (var m in _metrics)
        {
            var o = other._metrics.Find(x => x.Name == m.Name)
                ?? throw new ArgumentException($"The other collection has no metric named '{m.Name}'.", nameof(other));
            if (o.GetType() != m.GetType() || o.GetConfigJson() != m.GetConfigJson())
                throw new ArgumentException($"Metric '{m.Name}' differs in type or config between the collections.", nameof(other));
            pairs.Add((m, o));
        }
        foreach (var (mine, theirs) in pairs) mine.Merge(theirs);
    }

    /// <inheritdoc/>
    public IEnumerator<Metric> GetEnumerator() => _metrics.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
