using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// The shared body of the IoU metrics (Keras's <c>_IoUBase</c> and <c>IoU.result</c>): a [C, C] confusion matrix state
/// <c>total_confusion_matrix</c> and the mean IoU over the target classes.
/// </summary>
/// <remarks>
/// Keras 3.16 keeps the matrix in an integer dtype by default, which truncates fractional sample weights (0.3 → 0) and
/// warns. Here counts are doubles: fractional weights are kept — Keras's result with <c>dtype="float32"</c> — and
/// integer counts stay exact up to 2^53, beyond float32's 2^24.
/// </remarks>
internal sealed class IoUCore
{
    private readonly int _numClasses;
    private readonly int[] _targets;
    private readonly ClassConfusion _confusion;
    private readonly MetricStateVariable _matrix;

    public IoUCore(int numClasses, IReadOnlyList<int> targetClassIds, int? ignoreClass, bool sparseYTrue, bool sparseYPred, int axis,
                   Func<string, int, StateMerge, MetricStateVariable> addState)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1, nameof(numClasses));
        ClassConfusion.ThrowIfTooManyClasses(numClasses);
        ArgumentNullException.ThrowIfNull(targetClassIds);
        if (targetClassIds.Count == 0) throw new ArgumentException("At least one target class id is required.", nameof(targetClassIds));
        foreach (int id in targetClassIds)
            if ((uint)id >= (uint)numClasses)
                throw new ArgumentOutOfRangeException(nameof(targetClassIds), id, $"Target class id {id} is out of range, which is [0, {numClasses}).");
        _numClasses = numClasses;
        IgnoreClass = ignoreClass;
        SparseYTrue = sparseYTrue;
        SparseYPred = sparseYPred;
        Axis = axis;
        _targets = [.. targetClassIds];
        TargetClassIds = Array.AsReadOnly(_targets);
        _confusion = new ClassConfusion(numClasses, ignoreClass, sparseYTrue, sparseYPred, axis);
        _matrix = addState("total_confusion_matrix", checked(numClasses * numClasses), StateMerge.Sum);
    }

    public IReadOnlyList<int> TargetClassIds { get; }

    public int NumClasses => _numClasses;

    public int? IgnoreClass { get; }

    public bool SparseYTrue { get; }

    public bool SparseYPred { get; }

    public int Axis { get; }

    /// <summary>Every class id 0 … numClasses − 1 (the targets of <see cref="MeanIoU"/> and <see cref="OneHotMeanIoU"/>).</summary>
    public static int[] AllClasses(int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1, nameof(numClasses));
        // Checked here too: the metrics build this list before IoUCore, and int.MaxValue ids alone exceed an array.
        ClassConfusion.ThrowIfTooManyClasses(numClasses);
        var ids = new int[numClasses];
        for (int i = 0; i < ids.Length; i++) ids[i] = i;
        return ids;
    }

    /// <summary>
    /// The Keras config of the multi-class IoU metrics, in Keras's key order: <c>num_classes</c>, <c>target_class_ids</c>
    /// (when <paramref name="writeTargets"/>), <c>ignore_class</c>, <c>sparse_y_true</c> (when
    /// <paramref name="writeSparseYTrue"/>; the one-hot metrics fix it), <c>sparse_y_pred</c>, <c>axis</c>.
    /// </summary>
    public void WriteConfig(Utf8JsonWriter writer, bool writeTargets, bool writeSparseYTrue)
    {
        writer.WriteNumber("num_classes", NumClasses);
        if (writeTargets)
        {
            writer.WriteStartArray("target_class_ids");
            foreach (int id in TargetClassIds) writer.WriteNumberValue(id);
            writer.WriteEndArray();
        }
        if (IgnoreClass is int ic) writer.WriteNumber("ignore_class", ic); else writer.WriteNull("ignore_class");
        if (writeSparseYTrue) writer.WriteBoolean("sparse_y_true", SparseYTrue);
        writer.WriteBoolean("sparse_y_pred", SparseYPred);
        writer.WriteNumber("axis", Axis);
    }

    public void Update(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in ReadOnlyTensorSpan<float> sampleWeight,
                       float? predictionThreshold = null)
        => _confusion.Update(yTrue, yPred, sampleWeight, _matrix.Values, predictionThreshold);

    /// <summary>
    /// IoU_k = TP_k / (row_k + col_k − TP_k + ε) for each target class whose denominator exceeds 1e-9; absent classes
    /// contribute 0 and are not counted; result = Σ IoU_k / (valid + ε), ε = 1e-7 (Keras 3.16).
    /// </summary>
    public double Result()
    {
        ReadOnlySpan<double> m = _matrix.Values;
        int c = _numClasses;
        double sum = 0, valid = 0;
        foreach (int k in _targets)
        {
            double row = 0, col = 0;
            for (int j = 0; j < c; j++)
            {
                row += m[k * c + j];
                col += m[j * c + k];
            }
            double tp = m[k * c + k];
            double denominator = row + col - tp;
            if (denominator > 1e-9)
            {
                valid++;
                sum += tp / (denominator + MetricMath.Epsilon);
            }
        }
        return sum / (valid + MetricMath.Epsilon);
    }
}
