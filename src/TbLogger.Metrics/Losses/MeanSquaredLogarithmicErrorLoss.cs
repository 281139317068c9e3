using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>MeanSquaredLogarithmicError</c>: <c>mean(square(log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1)), axis=-1)</c>
/// (identifiers <c>"msle"</c>, <c>"mean_squared_logarithmic_error"</c>).
/// </summary>
public sealed class MeanSquaredLogarithmicErrorLoss : Loss, IRegisteredLoss
{
    private const int ErrorSlot = LossScratch.FirstKernelSlot;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"mean_squared_logarithmic_error"</c>).</param>
    public MeanSquaredLogarithmicErrorLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "mean_squared_logarithmic_error")
        : base(name, reduction)
    {
    }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        Span<float> e = Scratch(ErrorSlot, rows.YPred.Length), second = Scratch(ErrorSlot + 1, rows.YPred.Length);
        // log(max(p, ε) + 1) − log(max(t, ε) + 1), squared; vectorised pass by pass.
        TensorPrimitives.Max(rows.YPred, Epsilon, e);
        TensorPrimitives.Add(e, 1f, e);
        TensorPrimitives.Log(e, e);
        TensorPrimitives.Max(rows.YTrue, Epsilon, second);
        TensorPrimitives.Add(second, 1f, second);
        TensorPrimitives.Log(second, second);
        TensorPrimitives.Subtract(e, second, e);
        TensorPrimitives.Multiply(e, e, e);
        RowOps.SumRows(e, rows.Length, 1f / rows.Length, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = rows.YTrue, p = rows.YPred;
        // Below ε the prediction is clamped, so it has no influence there.
        for (int i = 0; i < p.Length; i++) grad[i] = p[i] > Epsilon ? 2f * LogDiff(t[i], p[i]) / (p[i] + 1f) : 0f;
        RowOps.ScaleRows(grad, rows.Length, upstream, 1f / rows.Length);
    }

    private static float LogDiff(float t, float p) => MathF.Log(MathF.Max(p, Epsilon) + 1f) - MathF.Log(MathF.Max(t, Epsilon) + 1f);

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["mean_squared_logarithmic_error", "msle"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new MeanSquaredLogarithmicErrorLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("mean_squared_logarithmic_error"));
}
