using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Intersection-over-union of classes 0 and/or 1 for binary data (Keras <c>keras.metrics.BinaryIoU</c>): predictions ≥ threshold are class 1, below it class 0.
/// </summary>
/// <remarks>
/// IoU = TP / (TP + FP + FN) per class from an accumulated confusion matrix; classes absent from both labels and
/// predictions are left out of the mean. Class-index inputs must be integers in [0, numClasses) (the ignored class
/// excepted): other values throw <see cref="ArgumentException"/> naming the position, where Keras 3.16 silently drops
/// them. Counts are doubles, so fractional sample weights are kept (Keras 3.16's default integer matrix truncates them;
/// this equals Keras with <c>dtype="float32"</c>).
/// </remarks>
public sealed class BinaryIoU : Metric, IRegisteredMetric
{
    private readonly IoUCore _core;

    /// <summary>Creates the metric.</summary>
    /// <param name="targetClassIds">[0], [1] or [0, 1] (default): which class IoUs are averaged.</param>
    /// <param name="threshold">Predictions greater than or equal to it are class 1 (default 0.5).</param>
    /// <param name="name">Metric name; default <c>"binary_io_u"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">numClasses &lt; 1, a target class id outside [0, numClasses).</exception>
    public BinaryIoU(IReadOnlyList<int>? targetClassIds = null, float threshold = 0.5f, string? name = null)
        : base(name ?? "binary_io_u")
    {
        if (float.IsNaN(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a number.");
        _core = new IoUCore(2, targetClassIds ?? [0, 1], null, true, true, -1, AddState);
        Threshold = threshold;
    }

    /// <summary>The prediction threshold (greater or equal is class 1).</summary>
    public float Threshold { get; }

    /// <summary>The class ids whose IoUs are averaged.</summary>
    public IReadOnlyList<int> TargetClassIds => _core.TargetClassIds;

    /// <inheritdoc/>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                     ReadOnlyTensorSpan<float> sampleWeight = default)
        => _core.Update(yTrue, yPred, sampleWeight, Threshold);

    /// <inheritdoc/>
    protected override void ComputeResult(Span<double> destination) => destination[0] = _core.Result();

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new BinaryIoU(
            c.GetInt32Array("target_class_ids") ?? [0, 1], c.GetSingle("threshold", 0.5f), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("target_class_ids");
        foreach (int id in TargetClassIds) writer.WriteNumberValue(id);
        writer.WriteEndArray();
        writer.WriteNumber("threshold", Threshold);
    }
}
