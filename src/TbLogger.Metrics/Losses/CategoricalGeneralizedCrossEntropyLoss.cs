using System.Text.Json;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>CategoricalGeneralizedCrossEntropy</c> (Zhang &amp; Sabuncu 2018): <c>(1 − p^q) / q</c> with p the predicted
/// probability of the true class (no clipping, as Keras). yTrue holds class indices (<c>[N]</c> or <c>[N, 1]</c>),
/// yPred probabilities <c>[N, C]</c> (identifier <c>"categorical_generalized_cross_entropy"</c>).
/// </summary>
public sealed class CategoricalGeneralizedCrossEntropyLoss : Loss, IRegisteredLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="q">The noise parameter in (0, 1): towards 0 crossentropy, towards 1 mean absolute error.</param>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"categorical_generalized_cross_entropy"</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="q"/> is not in (0, 1).</exception>
    public CategoricalGeneralizedCrossEntropyLoss(float q = 0.5f, Reduction reduction = Reduction.SumOverBatchSize,
                                                  string name = "categorical_generalized_cross_entropy")
        : base(name, reduction)
    {
        if (!(q > 0f && q < 1f)) throw new ArgumentOutOfRangeException(nameof(q), q, "q must be in the interval (0, 1).");
        Q = q;
    }

    /// <summary>The noise parameter.</summary>
    public float Q { get; }

    private protected override LabelLayout Labels => LabelLayout.Sparse;

    private protected override void Forward(in LossRows rows, Span<float> values)
    {
        for (int r = 0; r < rows.Count; r++) values[r] = (1f - MathF.Pow(TrueProbability(rows, r, out _), Q)) / Q;
    }

    // d/dp (1 − p^q)/q = −p^(q−1), on the true class only.
    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        grad.Clear();
        for (int r = 0; r < rows.Count; r++)
        {
            float p = TrueProbability(rows, r, out int label);
            grad[r * rows.Length + label] = -upstream[r] * MathF.Pow(p, Q - 1f);
        }
    }

    private float TrueProbability(in LossRows rows, int r, out int label)
    {
        float y = rows.YTrue[r];
        if (!(y >= 0f && y < rows.Length) || y != MathF.Floor(y))
            throw new ArgumentException($"yTrue[{r}] is {y}, which is not a class index in [0, {rows.Length}) for loss '{Name}'.", "yTrue");
        label = (int)y;
        return rows.YPred[r * rows.Length + label];
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string[] IRegisteredLoss.Aliases => ["categorical_generalized_cross_entropy"];

    static string[] IRegisteredLoss.ConfigKeys => ["q"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new CategoricalGeneralizedCrossEntropyLoss(c.Float("q", 0.5f), c.Reduction(Reduction.SumOverBatchSize),
            c.Name("categorical_generalized_cross_entropy"));

    private protected override void WriteConfig(Utf8JsonWriter writer) => writer.WriteNumber("q", Q);
}
