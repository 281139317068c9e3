using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// The best precision TP / (TP + FP) at a recall TP / (TP + FN) of at least the target (Keras <c>keras.metrics.PrecisionAtRecall</c>).
/// </summary>
/// <remarks>
/// Accumulates TP/FP/TN/FN over <c>numThresholds</c> thresholds exactly 0, 1/(T−1), …, 1 (one threshold: 0.5) and
/// returns the best precision rate among the thresholds whose recall rate is at least the target, or 0 when none is. A
/// prediction is positive when strictly greater than the threshold. Counts are accumulated in double.
/// </remarks>
public sealed class PrecisionAtRecall : Metric
{
    private readonly OperatingPointCurve _curve;

    /// <summary>Creates the metric.</summary>
    /// <param name="recall">The target recall in [0, 1].</param>
    /// <param name="numThresholds">Number of thresholds (default 200, at least 1).</param>
    /// <param name="classId">Consider only this class (column) of [samples, classes] data; null for all.</param>
    /// <param name="name">Metric name; default <c>"precision_at_recall"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The target is outside [0, 1], numThresholds &lt; 1 or classId &lt; 0.</exception>
    public PrecisionAtRecall(double recall, int numThresholds = 200, int? classId = null, string? name = null)
        : base(name ?? "precision_at_recall")
    {
        _curve = new OperatingPointCurve(recall, "recall", numThresholds, classId, OperatingRate.Recall, OperatingRate.Precision, AddState);
        Recall = recall;
        NumThresholds = numThresholds;
        ClassId = classId;
    }

    /// <summary>The target recall.</summary>
    public double Recall { get; }

    /// <summary>The number of thresholds.</summary>
    public int NumThresholds { get; }

    /// <summary>The class restriction, or null.</summary>
    public int? ClassId { get; }

    /// <inheritdoc/>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                     ReadOnlyTensorSpan<float> sampleWeight = default)
        => _curve.Update(yTrue, yPred, sampleWeight);

    /// <inheritdoc/>
    protected override void ComputeResult(Span<double> destination) => destination[0] = _curve.Result();

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        if (ClassId is int c) writer.WriteNumber("class_id", c); else writer.WriteNull("class_id");
        writer.WriteNumber("num_thresholds", NumThresholds);
        writer.WriteNumber("recall", Recall);
    }
}
