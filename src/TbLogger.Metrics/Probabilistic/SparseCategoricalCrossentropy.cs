using System.Text.Json;
using TbLogger.Metrics.Losses;

namespace TbLogger.Metrics;

/// <summary>
/// Keras's <c>SparseCategoricalCrossentropy</c> metric: −log(q[label]) per prediction row along <see cref="Axis"/>,
/// averaged over samples. yTrue holds class indices: yPred's shape without the class axis, or with it as 1.
/// </summary>
/// <remarks>
/// <para>The per-sample values are those of <see cref="SparseCategoricalCrossentropyLoss"/> (one implementation for both).</para>
/// <para>
/// <see cref="IgnoreClass"/> follows Keras 3.16 exactly: rows labelled with it contribute 0; without sample weights they
/// still count in the denominator (Keras applies the mask only to given weights), with sample weights their weight is 0.
/// </para>
/// </remarks>
public sealed class SparseCategoricalCrossentropy : LossFunctionMetric, IRegisteredMetric
{
    /// <summary>Creates the metric.</summary>
    /// <param name="fromLogits">True when yPred holds logits.</param>
    /// <param name="axis">The class axis of yPred (Keras's <c>axis</c>; negative counts from the end).</param>
    /// <param name="ignoreClass">A label value to ignore (Keras's <c>ignore_class</c>), or null.</param>
    /// <param name="name">Metric name; default <c>"sparse_categorical_crossentropy"</c>.</param>
    public SparseCategoricalCrossentropy(bool fromLogits = false, int axis = -1, int? ignoreClass = null, string? name = null)
        : base(name ?? "sparse_categorical_crossentropy",
               new SparseCategoricalCrossentropyLoss(fromLogits, ignoreClass, axis, name: name ?? "sparse_categorical_crossentropy"),
               rankOneIsPerSample: false)
    {
        FromLogits = fromLogits;
        Axis = axis;
        IgnoreClass = ignoreClass;
    }

    /// <summary>True when yPred holds logits.</summary>
    public bool FromLogits { get; }

    /// <summary>The class axis of yPred.</summary>
    public int Axis { get; }

    /// <summary>The ignored label value, or null.</summary>
    public int? IgnoreClass { get; }

    private protected override bool SparseLabels => true;

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new SparseCategoricalCrossentropy(c.GetBoolean("from_logits", false), c.GetInt32("axis", -1),
            c.GetNullableInt32("ignore_class", null), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteBoolean("from_logits", FromLogits);
        if (IgnoreClass is null) writer.WriteNull("ignore_class");
        else writer.WriteNumber("ignore_class", IgnoreClass.Value);
        writer.WriteNumber("axis", Axis);
    }
}
