using System.Numerics.Tensors;

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
        ArgumentNullException.ThrowIfNull(targetClassIds);
        if (targetClassIds.Count == 0) throw new ArgumentException("At least one target class id is required.", nameof(targetClassIds));
        if (axis != -1) throw new ArgumentOutOfRangeException(nameof(axis), axis, "Only axis = -1 (the last axis holds the classes) is supported.");
        foreach (int id in targetClassIds)
            if ((uint)id >= (uint)numClasses)
                throw new ArgumentOutOfRangeException(nameof(targetClassIds), id, $"Target class id {id} is out of range, which is [0, {numClasses}).");
        _numClasses = numClasses;
        _targets = [.. targetClassIds];
        TargetClassIds = Array.AsReadOnly(_targets);
        _confusion = new ClassConfusion(numClasses, ignoreClass, sparseYTrue, sparseYPred);
        _matrix = addState("total_confusion_matrix", checked(numClasses * numClasses), StateMerge.Sum);
    }

    public IReadOnlyList<int> TargetClassIds { get; }

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
