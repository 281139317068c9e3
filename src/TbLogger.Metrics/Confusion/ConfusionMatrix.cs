using System.Numerics.Tensors;
using System.Text.Json;

namespace TbLogger.Metrics;

/// <summary>
/// A streaming multi-class confusion matrix, the data of a TensorBoard confusion-matrix image: entry [i, j] is the
/// (weighted) number of samples of true class i predicted as class j (Keras's <c>confusion_matrix</c> layout).
/// </summary>
/// <remarks>
/// Keras has no confusion-matrix metric; this one follows the IoU metrics' inputs (<c>num_classes</c>,
/// <c>ignore_class</c>, <c>sparse_y_true</c>, <c>sparse_y_pred</c>: class indices, or one-hot/probability rows reduced
/// with argmax over the last axis). The result is always [C, C] (use <see cref="Metric.ResultTensor"/>), optionally
/// normalised; an empty row or column normalises to zeros. Counts are accumulated in double, fractional weights kept.
/// </remarks>
public sealed class ConfusionMatrix : Metric, IRegisteredMetric
{
    private readonly ClassConfusion _confusion;
    private readonly MetricStateVariable _matrix;
    private readonly nint[] _resultShape;

    /// <summary>Creates the metric.</summary>
    /// <param name="numClasses">Number of classes C (at least 1).</param>
    /// <param name="normalize">Normalisation of the result (default none: raw counts).</param>
    /// <param name="ignoreClass">A true label to skip (e.g. 255 or −1 for void pixels); null for none.</param>
    /// <param name="sparseYTrue">True when labels are class indices; false for one-hot rows.</param>
    /// <param name="sparseYPred">True when predictions are class indices; false for probability/logit rows (default).</param>
    /// <param name="name">Metric name; default <c>"confusion_matrix"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">numClasses &lt; 1 or &gt; 46,340 (the numClasses² counts must fit in one array), or an undefined normalisation.</exception>
    public ConfusionMatrix(int numClasses, ConfusionMatrixNormalization normalize = ConfusionMatrixNormalization.None,
                           int? ignoreClass = null, bool sparseYTrue = true, bool sparseYPred = false, string? name = null)
        : base(name ?? "confusion_matrix")
    {
        if (!Enum.IsDefined(normalize)) throw new ArgumentOutOfRangeException(nameof(normalize), normalize, "Undefined normalisation.");
        _confusion = new ClassConfusion(numClasses, ignoreClass, sparseYTrue, sparseYPred);
        NumClasses = numClasses;
        Normalize = normalize;
        IgnoreClass = ignoreClass;
        SparseYTrue = sparseYTrue;
        SparseYPred = sparseYPred;
        _matrix = AddState("total_confusion_matrix", checked(numClasses * numClasses), StateMerge.Sum);
        _resultShape = [numClasses, numClasses];
    }

    /// <summary>Number of classes C.</summary>
    public int NumClasses { get; }

    /// <summary>The normalisation applied by the result.</summary>
    public ConfusionMatrixNormalization Normalize { get; }

    /// <summary>The ignored true label, or null.</summary>
    public int? IgnoreClass { get; }

    /// <summary>Whether labels are class indices.</summary>
    public bool SparseYTrue { get; }

    /// <summary>Whether predictions are class indices.</summary>
    public bool SparseYPred { get; }

    /// <inheritdoc/>
    protected override ReadOnlySpan<nint> ResultShape => _resultShape;

    /// <inheritdoc/>
    public override void UpdateState(ReadOnlyTensorSpan<float> yTrue, ReadOnlyTensorSpan<float> yPred,
                                     ReadOnlyTensorSpan<float> sampleWeight = default)
        => _confusion.Update(yTrue, yPred, sampleWeight, _matrix.Values);

    /// <inheritdoc/>
    protected override void ComputeResult(Span<double> destination)
    {
        ReadOnlySpan<double> m = _matrix.Values;
        int c = NumClasses;
        m.CopyTo(destination);
        switch (Normalize)
        {
            case ConfusionMatrixNormalization.True:
                for (int i = 0; i < c; i++)
                {
                    var row = destination.Slice(i * c, c);
                    double sum = TensorPrimitives.Sum<double>(row);
                    for (int j = 0; j < c; j++) row[j] = MetricMath.DivideNoNan(row[j], sum);
                }
                break;
            case ConfusionMatrixNormalization.Pred:
                for (int j = 0; j < c; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < c; i++) sum += m[i * c + j];
                    for (int i = 0; i < c; i++) destination[i * c + j] = MetricMath.DivideNoNan(m[i * c + j], sum);
                }
                break;
            case ConfusionMatrixNormalization.All:
                double total = TensorPrimitives.Sum(m);
                for (int k = 0; k < destination.Length; k++) destination[k] = MetricMath.DivideNoNan(m[k], total);
                break;
        }
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, required keys); MetricFactory looks this up.
    static Metric IRegisteredMetric.FromConfig(MetricConfig c)
        => new ConfusionMatrix(
            c.GetRequiredInt32("num_classes"),
            ParseNormalization(c.GetString("normalize", null)),
            c.GetNullableInt32("ignore_class", null),
            c.GetBoolean("sparse_y_true", true),
            c.GetBoolean("sparse_y_pred", false),
            c.Name);

    private static ConfusionMatrixNormalization ParseNormalization(string? value) => value switch
    {
        null => ConfusionMatrixNormalization.None,
        "true" => ConfusionMatrixNormalization.True,
        "pred" => ConfusionMatrixNormalization.Pred,
        "all" => ConfusionMatrixNormalization.All,
        _ => throw new ArgumentException($"Invalid normalize value: \"{value}\". Expected null, \"true\", \"pred\" or \"all\".", "configJson"),
    };

    /// <inheritdoc/>
    protected override void WriteConfig(Utf8JsonWriter writer)
    {
        writer.WriteNumber("num_classes", NumClasses);
        if (Normalize == ConfusionMatrixNormalization.None) writer.WriteNull("normalize");
        else writer.WriteString("normalize", Normalize.ToString().ToLowerInvariant());
        if (IgnoreClass is int ic) writer.WriteNumber("ignore_class", ic); else writer.WriteNull("ignore_class");
        writer.WriteBoolean("sparse_y_true", SparseYTrue);
        writer.WriteBoolean("sparse_y_pred", SparseYPred);
    }
}
