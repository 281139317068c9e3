using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>Huber</c> loss: per element ½e² where |e| ≤ δ, else δ|e| − ½δ², with e = y_pred − y_true, averaged over
/// the last axis (identifiers <c>"huber"</c>, <c>"huber_loss"</c>; config key <c>delta</c>).
/// </summary>
public sealed class HuberLoss : Loss, IRegisteredLoss
{
    private const int ErrorSlot = LossScratch.FirstKernelSlot;

    /// <summary>Creates the loss.</summary>
    /// <param name="delta">Where the loss changes from quadratic to linear (default 1); must be positive.</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"huber_loss"</c>).</param>
    public HuberLoss(float delta = 1f, Reduction reduction = Reduction.SumOverBatchSize, string name = "huber_loss")
        : base(name, reduction)
    {
        if (!(delta > 0f) || float.IsInfinity(delta))
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be a positive finite number.");
        Delta = delta;
    }

    /// <summary>Where the loss changes from quadratic to linear.</summary>
    public float Delta { get; }

    private protected override LossAxes GetAxes(int rank) => LossAxes.Single(-1, rank, Name);

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        ReadOnlySpan<float> t = rows.YTrue, p = rows.YPred;
        Span<float> e = Scratch(ErrorSlot, p.Length);
        float d = Delta;
        for (int i = 0; i < p.Length; i++)
        {
            float a = MathF.Abs(p[i] - t[i]);
            e[i] = a <= d ? 0.5f * a * a : d * a - 0.5f * d * d;
        }
        RowOps.SumRows(e, rows.Length, 1f / rows.Length, values);
    }

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        ReadOnlySpan<float> t = rows.YTrue, p = rows.YPred;
        for (int i = 0; i < p.Length; i++) grad[i] = Math.Clamp(p[i] - t[i], -Delta, Delta);
        RowOps.ScaleRows(grad, rows.Length, upstream, 1f / rows.Length);
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["huber", "huber_loss"];

    static string[] IRegisteredLoss.ConfigKeys => ["delta"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new HuberLoss(c.Float("delta", 1f), c.Reduction(Reduction.SumOverBatchSize), c.Name("huber_loss"));

    private protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("delta", Delta);
}
