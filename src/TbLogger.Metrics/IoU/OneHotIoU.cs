using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// Intersection-over-union of target classes for one-hot labels (Keras <c>keras.metrics.OneHotIoU</c>): labels and, by default, predictions are reduced with argmax over the last axis.
/// </summary>
/// <remarks>
/// IoU = TP / (TP + FP + FN) per class from an accumulated confusion matrix; classes absent from both labels and
/// predictions are left out of the mean. Class-index inputs must be integers in [0, numClasses) (the ignored class
/// excepted): other values throw <see cref="ArgumentException"/> naming the position, where Keras 3.16 silently drops
/// them. Counts are doubles, so fractional sample weights are kept (Keras 3.16's default integer matrix truncates them;
/// this equals Keras with <c>dtype="float32"</c>).
/// </remarks>
public sealed class OneHotIoU : Metric, IRegisteredMetric
{
    private readonly IoUCore _core;

    /// <summary>Creates the metric.</summary>
    /// <param name="numClasses">Number of classes C.</param>
    /// <param name="targetClassIds">Classes whose IoUs are averaged (one id: that class's IoU).</param>
    /// <param name="ignoreClass">A true label to skip (e.g. 255 or −1 for void pixels); null for none.</param>
    /// <param name="sparseYPred">True when predictions are class indices; false for probability rows (argmax over the last axis).</param>
    /// <param name="axis">The class axis of one-hot inputs (Keras's argmax axis; negative counts from the end).</param>
    /// <param name="name">Metric name; default <c>"one_hot_io_u"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">numClasses &lt; 1 or &gt; 46,340 (the numClasses² counts must fit in one array), a target class id outside [0, numClasses).</exception>
    public OneHotIoU(int numClasses, IReadOnlyList<int> targetClassIds, int? ignoreClass = null, bool sparseYPred = false, int axis = -1,
                     string? name = null)
        : base(name ?? "one_hot_io_u")
        => _core = new IoUCore(numClasses, targetClassIds, ignoreClass, false, sparseYPred, axis, AddState);

    /// <summary>Number of classes C.</summary>
    public int NumClasses => _core.NumClasses;

    /// <summary>The ignored true label, or null.</summary>
    public int? IgnoreClass => _core.IgnoreClass;

    /// <summary>Whether labels are class indices.</summary>
    public bool SparseYTrue => _core.SparseYTrue;

    /// <summary>Whether predictions are class indices.</summary>
    public bool SparseYPred => _core.SparseYPred;

    /// <summary>The class axis of one-hot inputs.</summary>
    public int Axis => _core.Axis;

    /// <summary>The class ids whose IoUs are averaged.</summary>
    public IReadOnlyList<int> TargetClassIds => _core.TargetClassIds;

    /// <inheritdoc/>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                     ReadOnlyTensorSpan<float> sampleWeight = default)
        => _core.Update(yTrue, yPred, sampleWeight);

    /// <inheritdoc/>
    protected override void ComputeResult(Span<double> destination) => destination[0] = _core.Result();

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new OneHotIoU(
            c.GetRequiredInt32("num_classes"), c.GetInt32Array("target_class_ids") ?? throw new ArgumentException($"Config key 'target_class_ids' of '{c.Identifier}' is required.", "configJson"), c.GetNullableInt32("ignore_class", null),
            c.GetBoolean("sparse_y_pred", false), c.GetInt32("axis", -1), c.Name);

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer) => _core.WriteConfig(writer, writeTargets: true, writeSparseYTrue: false);
}
