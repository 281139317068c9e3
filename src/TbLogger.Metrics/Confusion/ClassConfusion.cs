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
    private readonly int _axis;
    private float[]? _flatTrue, _flatPred, _flatWeight, _expandedWeight;
    private int[]? _pairs;

    public ClassConfusion(int numClasses, int? ignoreClass, bool sparseYTrue, bool sparseYPred, int axis = -1)
    {
        _axis = axis;
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1, nameof(numClasses));
        ThrowIfTooManyClasses(numClasses);
        _numClasses = numClasses;
        _ignoreClass = ignoreClass;
        _sparseYTrue = sparseYTrue;
        _sparseYPred = sparseYPred;
    }

    /// <summary>
    /// The largest number of classes whose [C, C] matrix fits in one .NET array (C² ≤ <see cref="Array.MaxLength"/>):
    /// 46,340. The metrics keep the matrix as one state variable, so a larger C cannot be built at all.
    /// </summary>
    public static int MaxClasses { get; } = (int)Math.Sqrt(Array.MaxLength);

    /// <summary>Refuses a number of classes whose C² counts would not fit in one array (C² overflowed int or exceeded the array limit).</summary>
    /// <exception cref="ArgumentOutOfRangeException">numClasses &gt; <see cref="MaxClasses"/>.</exception>
    public static void ThrowIfTooManyClasses(int numClasses)
    {
        if (numClasses > MaxClasses)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses,
                $"At most {MaxClasses} classes are accepted: the confusion matrix state holds numClasses² counts, which must fit in one .NET array of at most Array.MaxLength ({Array.MaxLength}) elements.");
        }
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
        int trueWidth = ClassWidth(yTrue, _sparseYTrue, "yTrue", out int trueAxis, out int trueInner);
        int predWidth = ClassWidth(yPred, _sparseYPred, "yPred", out _, out int predInner);
        int count = t.Length / trueWidth;
        if (count != p.Length / predWidth)
            throw MetricGuard.ShapeMismatch("yTrue", yTrue.Lengths, "yPred", yPred.Lengths,
                "they must hold the same number of samples once one-hot rows are reduced with argmax.");
        // The samples' shape: yTrue's without its class axis (Keras's argmax along axis drops it).
        Span<nint> without = stackalloc nint[Math.Max(yTrue.Rank - 1, 0)];
        scoped ReadOnlySpan<nint> sampleShape = yTrue.Lengths;
        if (!_sparseYTrue)
        {
            for (int d = 0, r = 0; d < yTrue.Rank; d++) if (d != trueAxis) without[r++] = yTrue.Lengths[d];
            sampleShape = without;
        }
        ReadOnlySpan<float> w = ConfusionWeights.Expand(sampleWeight, sampleShape, ref _flatWeight, ref _expandedWeight, "yTrue");
        // Resolve and validate every index before touching the matrix, so a bad batch leaves the state unchanged.
        Span<int> pairs = MetricGuard.Scratch(ref _pairs, count);
        int c = _numClasses;
        for (int i = 0; i < count; i++)
        {
            int actual = _sparseYTrue ? SparseIndex(t[i], i, "yTrue", allowIgnored: true) : ArgMaxAlong(t, i, trueWidth, trueInner);
            if (_ignoreClass is int ignored && actual == ignored)
            {
                pairs[i] = -1;
                continue;
            }
            int predicted;
            if (!_sparseYPred) predicted = ArgMaxAlong(p, i, predWidth, predInner);
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

    private int ClassWidth(in ReadOnlyTensorSpan<float> tensor, bool sparse, string name, out int axis, out int inner)
    {
        axis = -1;
        inner = 1;
        if (sparse) return 1;
        int rank = tensor.Rank;
        axis = _axis < 0 ? _axis + rank : _axis;
        if (rank < 1 || (uint)axis >= (uint)rank || tensor.Lengths[axis] != _numClasses)
            throw new ArgumentException(
                $"{name} has shape {MetricGuard.FormatShape(tensor)}; one-hot/probability input needs numClasses = {_numClasses} " +
                $"along axis {_axis}{(_axis == -1 ? " (the last dimension)" : "")}.", name);
        for (int d = axis + 1; d < rank; d++) inner *= checked((int)tensor.Lengths[d]);
        return _numClasses;
    }

    /// <summary>
    /// Keras's argmax along the class axis for sample <paramref name="sample"/> (row-major over the other axes), with
    /// NumPy's rule that the first NaN wins; the class axis has stride <paramref name="inner"/>.
    /// </summary>
    private static int ArgMaxAlong(ReadOnlySpan<float> data, int sample, int classes, int inner)
    {
        if (inner == 1) return TensorPrimitives.IndexOfMax(data.Slice(sample * classes, classes)); // first NaN, as NumPy
        int start = sample / inner * classes * inner + sample % inner;
        int best = 0;
        float max = data[start];
        if (float.IsNaN(max)) return 0;
        for (int k = 1; k < classes; k++)
        {
            float v = data[start + k * inner];
            if (float.IsNaN(v)) return k;
            if (v > max) { max = v; best = k; }
        }
        return best;
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
