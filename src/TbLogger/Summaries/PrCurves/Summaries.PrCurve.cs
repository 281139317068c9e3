using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.PrCurve;

namespace TbLogger;

public static partial class Summaries
{
    /// <summary>PyTorch's default number of PR curve thresholds (TensorBoard's own summary op defaults to 201).</summary>
    public const int DefaultPrCurveThresholds = 127;

    /// <summary>The most thresholds a PR curve may have here (the tensor is 6 × T floats per step).</summary>
    public const int MaxPrCurveThresholds = 1 << 16;

    /// <summary>
    /// Builds a PR curve summary (PR curves dashboard) from binary labels and predicted probabilities, computed as
    /// TensorBoard's <c>pr_curve</c> summary does: T thresholds i / (T − 1) for i = 0 … T − 1, a prediction counts as
    /// positive at threshold t when it is at least t (after clamping to [0, 1]). The value is a DT_FLOAT tensor of
    /// shape [6, T] with rows TP, FP, TN, FN, precision, recall.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="labels">True for the positive class; as many as <paramref name="predictions"/>.</param>
    /// <param name="predictions">Probabilities of the positive class; not NaN, clamped to [0, 1].</param>
    /// <param name="numThresholds">T, at least 2.</param>
    /// <param name="weights">Empty, or one finite non-negative weight per prediction multiplying its counts.</param>
    /// <returns>A summary with one tensor value.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a prediction is NaN, a weight is negative or not finite, or the weights sum beyond float32's range (the curve's counts would be infinite).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numThresholds"/> is below 2 or above <see cref="MaxPrCurveThresholds"/>.</exception>
    public static Summary PrCurve(string tag, ReadOnlySpan<bool> labels, ReadOnlySpan<float> predictions,
        int numThresholds = DefaultPrCurveThresholds, ReadOnlySpan<float> weights = default)
    {
        ValidateTag(tag);
        return PrCurveSummary(tag, ComputePrCurve(labels, predictions, numThresholds, weights), numThresholds);
    }

    /// <inheritdoc cref="PrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{float}, int, ReadOnlySpan{float})"/>
    public static Summary PrCurve(string tag, ReadOnlySpan<bool> labels, ReadOnlySpan<double> predictions,
        int numThresholds = DefaultPrCurveThresholds, ReadOnlySpan<float> weights = default)
    {
        ValidateTag(tag);
        return PrCurveSummary(tag, ComputePrCurve(labels, predictions, numThresholds, weights), numThresholds);
    }

    /// <summary>Builds a PR curve summary from labels given as numbers, each exactly 0 or 1 (else <see cref="ArgumentException"/>).</summary>
    /// <inheritdoc cref="PrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{float}, int, ReadOnlySpan{float})"/>
    public static Summary PrCurve(string tag, ReadOnlySpan<float> labels, ReadOnlySpan<float> predictions,
        int numThresholds = DefaultPrCurveThresholds, ReadOnlySpan<float> weights = default)
    {
        ValidateTag(tag);
        return PrCurveSummary(tag, ComputePrCurve(labels, predictions, numThresholds, weights), numThresholds);
    }

    /// <summary>Builds a PR curve summary from labels given as numbers, each exactly 0 or 1 (else <see cref="ArgumentException"/>).</summary>
    /// <inheritdoc cref="PrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{float}, int, ReadOnlySpan{float})"/>
    public static Summary PrCurve(string tag, ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions,
        int numThresholds = DefaultPrCurveThresholds, ReadOnlySpan<float> weights = default)
    {
        ValidateTag(tag);
        return PrCurveSummary(tag, ComputePrCurve(labels, predictions, numThresholds, weights), numThresholds);
    }

    /// <summary>
    /// Builds a PR curve summary with float64 weights (as PyTorch accepts any weight dtype); weights are summed in
    /// double either way. See <see cref="PrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{float}, int, ReadOnlySpan{float})"/>.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="labels">True for the positive class; as many as <paramref name="predictions"/>.</param>
    /// <param name="predictions">Probabilities of the positive class; not NaN, clamped to [0, 1].</param>
    /// <param name="weights">One finite non-negative weight per prediction, or empty.</param>
    /// <param name="numThresholds">T, at least 2.</param>
    /// <returns>A summary with one tensor value.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a prediction is NaN, a weight is negative or not finite, or the weights sum beyond float32's range (the curve's counts would be infinite).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numThresholds"/> is out of range.</exception>
    public static Summary PrCurve(string tag, ReadOnlySpan<bool> labels, ReadOnlySpan<double> predictions, ReadOnlySpan<double> weights,
        int numThresholds = DefaultPrCurveThresholds)
    {
        ValidateTag(tag);
        return PrCurveSummary(tag, ComputePrCurve(labels, predictions, numThresholds, weights), numThresholds);
    }

    /// <summary>Builds a PR curve summary from 0/1 labels given as numbers, with float64 weights.</summary>
    /// <inheritdoc cref="PrCurve(string, ReadOnlySpan{bool}, ReadOnlySpan{double}, ReadOnlySpan{double}, int)"/>
    public static Summary PrCurve(string tag, ReadOnlySpan<double> labels, ReadOnlySpan<double> predictions, ReadOnlySpan<double> weights,
        int numThresholds = DefaultPrCurveThresholds)
    {
        ValidateTag(tag);
        return PrCurveSummary(tag, ComputePrCurve(labels, predictions, numThresholds, weights), numThresholds);
    }

    /// <summary>
    /// Builds a PR curve summary from precomputed rows (PyTorch's <c>add_pr_curve_raw</c>); T is their common length.
    /// </summary>
    /// <param name="tag">The series name.</param>
    /// <param name="truePositives">TP per threshold.</param>
    /// <param name="falsePositives">FP per threshold.</param>
    /// <param name="trueNegatives">TN per threshold.</param>
    /// <param name="falseNegatives">FN per threshold.</param>
    /// <param name="precision">Precision per threshold.</param>
    /// <param name="recall">Recall per threshold.</param>
    /// <returns>A summary with one tensor value.</returns>
    /// <exception cref="ArgumentException">The rows differ in length, are shorter than 2, or hold a value that is not finite.</exception>
    public static Summary PrCurveRaw(string tag, ReadOnlySpan<float> truePositives, ReadOnlySpan<float> falsePositives,
        ReadOnlySpan<float> trueNegatives, ReadOnlySpan<float> falseNegatives, ReadOnlySpan<float> precision, ReadOnlySpan<float> recall)
    {
        ValidateTag(tag);
        return PrCurveSummary(tag, StackPrCurveRows(truePositives, falsePositives, trueNegatives, falseNegatives, precision, recall), truePositives.Length);
    }

    /// <summary>The metadata every PR curve value carries: plugin "pr_curves", <c>PrCurvePluginData{version 0, num_thresholds}</c>, data class TENSOR.</summary>
    /// <param name="numThresholds">T.</param>
    /// <returns>A new metadata message.</returns>
    public static SummaryMetadata PrCurveMetadata(int numThresholds) =>
        PluginMetadata(PluginNames.PrCurves, new PrCurvePluginData { Version = 0, NumThresholds = (uint)numThresholds }.ToByteString(), DataClass.Tensor);

    /// <summary>Validates and computes the 6 × T rows; O(N + T) on the calling thread, O(T) memory.</summary>
    internal static float[] ComputePrCurve<TLabel, TPrediction, TWeight>(ReadOnlySpan<TLabel> labels, ReadOnlySpan<TPrediction> predictions,
        int numThresholds, ReadOnlySpan<TWeight> weights)
        where TLabel : unmanaged
        where TPrediction : unmanaged, System.Numerics.IFloatingPointIeee754<TPrediction>
        where TWeight : unmanaged, System.Numerics.IFloatingPointIeee754<TWeight>
    {
        ValidatePrCurveShape(labels.Length, predictions.Length, weights.Length, numThresholds);
        var data = new float[PrCurveKernel.Rows * numThresholds];
        PrCurveKernel.Compute(labels, predictions, weights, numThresholds, data);
        return data;
    }

    /// <summary>The checks of a PR curve's input that need no values: the threshold count and the lengths.</summary>
    internal static void ValidatePrCurveShape(int labels, int predictions, int weights, int numThresholds)
    {
        ValidatePrCurveThresholds(numThresholds);
        if (labels != predictions)
        {
            throw new ArgumentException($"labels has {labels} entries but predictions has {predictions}; they must match.", nameof(labels));
        }
        if (weights != 0 && weights != predictions)
        {
            throw new ArgumentException($"weights has {weights} entries but predictions has {predictions}; pass one weight per prediction or none.", nameof(weights));
        }
    }

    internal static float[] StackPrCurveRows(ReadOnlySpan<float> truePositives, ReadOnlySpan<float> falsePositives,
        ReadOnlySpan<float> trueNegatives, ReadOnlySpan<float> falseNegatives, ReadOnlySpan<float> precision, ReadOnlySpan<float> recall)
    {
        int t = truePositives.Length;
        ValidatePrCurveThresholds(t, "truePositives");
        if (falsePositives.Length != t || trueNegatives.Length != t || falseNegatives.Length != t || precision.Length != t || recall.Length != t)
        {
            throw new ArgumentException(
                $"All six rows must have the same length; got TP {t}, FP {falsePositives.Length}, TN {trueNegatives.Length}, FN {falseNegatives.Length}, precision {precision.Length}, recall {recall.Length}.",
                nameof(falsePositives));
        }
        var data = new float[PrCurveKernel.Rows * t];
        truePositives.CopyTo(data);
        falsePositives.CopyTo(data.AsSpan(t));
        trueNegatives.CopyTo(data.AsSpan(2 * t));
        falseNegatives.CopyTo(data.AsSpan(3 * t));
        precision.CopyTo(data.AsSpan(4 * t));
        recall.CopyTo(data.AsSpan(5 * t));
        int bad = FirstNonFinitePrCurveValue(data);
        if (bad >= 0)
        {
            throw new ArgumentException($"Row {bad / t}, threshold {bad % t} is {data[bad]}; PR curve values must be finite.", nameof(truePositives));
        }
        return data;
    }

    private static int FirstNonFinitePrCurveValue(float[] data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private static void ValidatePrCurveThresholds(int numThresholds, string parameterName = "numThresholds")
    {
        if (numThresholds < 2 || numThresholds > MaxPrCurveThresholds)
        {
            throw new ArgumentOutOfRangeException(parameterName, numThresholds, $"A PR curve needs 2 to {MaxPrCurveThresholds} thresholds.");
        }
    }

    /// <summary>Wraps 6 × T rows (owned by the caller of this method from now on) in a summary; T = data.Length / 6.</summary>
    internal static Summary PrCurveSummary(string tag, float[] data, int numThresholds)
    {
        ValidateTag(tag);
        var tensor = new TensorProto
        {
            Dtype = DataType.DtFloat,
            TensorShape = new TensorShapeProto
            {
                Dim =
                {
                    new TensorShapeProto.Types.Dim { Size = PrCurveKernel.Rows },
                    new TensorShapeProto.Types.Dim { Size = numThresholds },
                },
            },
        };
        tensor.FloatVal.Capacity = data.Length;
        foreach (float value in data)
        {
            tensor.FloatVal.Add(value);
        }
        return new Summary { Value = { new Summary.Types.Value { Tag = tag, Metadata = PrCurveMetadata(numThresholds), Tensor = tensor } } };
    }
}
