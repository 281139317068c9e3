using System.Numerics.Tensors;

namespace TbLogger.Metrics;

/// <summary>
/// Accumulates a dense multi-class confusion matrix (rows = true class, columns = predicted class, as Keras's
/// <c>metrics_utils.confusion_matrix</c>) for <see cref="ConfusionMatrix"/> and the IoU metrics. Labels are either
/// class indices (sparse) or one-hot/probability rows reduced with argmax over the last axis. One instance per
/// metric; scratch buffers grow once.
/// </summary>
internal sealed class ClassConfusion
{
    private readonly int _numClasses;
    private readonly int? _ignoreClass;
    private readonly bool _sparseYTrue;
    private readonly bool _sparseYPred;
    private float[]? _flatTrue, _flatPred, _flatWeight, _expandedWeight;
    private int[]? _pairs;

    public ClassConfusion(int numClasses, int? ignoreClass, bool sparseYTrue, bool sparseYPred)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1, nameof(numClasses));
        _numClasses = numClasses;
        _ignoreClass = ignoreClass;
        _sparseYTrue = sparseYTrue;
        _sparseYPred = sparseYPred;
    }

    /// <summary>
    /// Adds one batch to <paramref name="matrix"/> ([C, C] row-major). <paramref name="predictionThreshold"/>, when
    /// set, turns sparse predictions into class 1 when ≥ threshold and class 0 otherwise (BinaryIoU).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes differ, a class id is NaN, not an integer or out of [0, C) (other than the ignored class).</exception>
    public void Update(in ReadOnlyTensorSpan<float> yTrue, in ReadOnlyTensorSpan<float> yPred, in ReadOnlyTensorSpan<float> sampleWeight,
                       Span<double> matrix, float? predictionThreshold = null)
    {
        ReadOnlySpan<float> t = MetricGuard.Flatten(yTrue, ref _flatTrue);
        ReadOnlySpan<float> p = MetricGuard.Flatten(yPred, ref _flatPred);
        // NaN as in Keras: one-hot rows take their first NaN as argmax (TensorPrimitives.IndexOfMax does, as NumPy),
        // BinaryIoU's NaN ≥ threshold is false (class 0); a NaN class id is no class index and is refused (Keras casts it
        // to an undefined integer).
        int trueWidth = ClassWidth(yTrue, _sparseYTrue, "yTrue");
        int predWidth = ClassWidth(yPred, _sparseYPred, "yPred");
        int count = t.Length / trueWidth;
        if (count != p.Length / predWidth)
            throw MetricGuard.ShapeMismatch("yTrue", yTrue.Lengths, "yPred", yPred.Lengths,
                "they must hold the same number of samples once one-hot rows are reduced with argmax.");
        ReadOnlySpan<nint> sampleShape = _sparseYTrue ? yTrue.Lengths : yTrue.Lengths[..^1];
        ReadOnlySpan<float> w = ConfusionWeights.Expand(sampleWeight, sampleShape, ref _flatWeight, ref _expandedWeight, "yTrue");
        // Resolve and validate every index before touching the matrix, so a bad batch leaves the state unchanged.
        Span<int> pairs = MetricGuard.Scratch(ref _pairs, count);
        int c = _numClasses;
        for (int i = 0; i < count; i++)
        {
            int actual = _sparseYTrue ? SparseIndex(t[i], i, "yTrue", allowIgnored: true) : TensorPrimitives.IndexOfMax(t.Slice(i * trueWidth, trueWidth));
            if (_ignoreClass is int ignored && actual == ignored)
            {
                pairs[i] = -1;
                continue;
            }
            int predicted;
            if (!_sparseYPred) predicted = TensorPrimitives.IndexOfMax(p.Slice(i * predWidth, predWidth));
            else if (predictionThreshold is float threshold) predicted = p[i] >= threshold ? 1 : 0;
            else predicted = SparseIndex(p[i], i, "yPred", allowIgnored: false);
            if ((uint)actual >= (uint)c) throw OutOfRange("yTrue", i, actual);
            if ((uint)predicted >= (uint)c) throw OutOfRange("yPred", i, predicted);
            pairs[i] = actual * c + predicted;
        }
        for (int i = 0; i < count; i++)
        {
            if (pairs[i] >= 0) matrix[pairs[i]] += w.IsEmpty ? 1.0 : w.Length == 1 ? w[0] : w[i];
        }
    }

    private int ClassWidth(in ReadOnlyTensorSpan<float> tensor, bool sparse, string name)
    {
        if (sparse) return 1;
        if (tensor.Rank < 1 || tensor.Lengths[^1] != _numClasses)
            throw new ArgumentException(
                $"{name} has shape {MetricGuard.FormatShape(tensor)}; one-hot/probability input needs a last dimension of numClasses = {_numClasses}.", name);
        return _numClasses;
    }

    private int SparseIndex(float value, int position, string name, bool allowIgnored)
    {
        int index = (int)value;
        if (index != value || (uint)index >= (uint)_numClasses)
        {
            if (allowIgnored && _ignoreClass is int ignored && value == ignored) return ignored;
            throw new ArgumentException(
                $"{name}[{position}] is {value}, not a class index in [0, {_numClasses}).", name);
        }
        return index;
    }

    private ArgumentException OutOfRange(string name, int position, int index)
        => new($"{name}[{position}] is class {index}, outside [0, {_numClasses}).", name);
}
