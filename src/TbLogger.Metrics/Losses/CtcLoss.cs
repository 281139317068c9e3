using System.Numerics.Tensors;

namespace TbLogger.Metrics.Losses;

/// <summary>
/// Keras's <c>CTC</c> loss (connectionist temporal classification): −log p(labels | logits) summed over every
/// alignment, by the forward-backward algorithm in log space. yPred holds logits <c>[N, T, C]</c> with class 0 the blank
/// (Keras's <c>mask_index=0</c>); yTrue holds class ids <c>[N, L]</c> padded with 0 at the end: as in Keras, a sequence's
/// labels are its first k entries, k its number of non-zero entries. Two equal consecutive labels need a blank between
/// them. One value per sequence; the gradient is exact.
/// </summary>
/// <remarks>An alignment that cannot exist (T shorter than the labels plus the blanks repeats need) gives +∞; Keras's numpy backend gives about 1e5 there (it uses −1e5 as log 0).</remarks>
public sealed class CtcLoss : Loss, IRegisteredLoss
{
    // Keras's class name is not this type's name less "Loss"; the config and LossFactory's registration both use it.
    private const string KerasName = "CTC";

    private const int AlphaSlot = LossScratch.FirstKernelSlot, BetaSlot = AlphaSlot + 1, LogProbSlot = AlphaSlot + 2;

    /// <summary>Creates the loss.</summary>
    /// <param name="reduction">The reduction (default Keras's <c>sum_over_batch_size</c>).</param>
    /// <param name="name">The name (default <c>"ctc"</c>).</param>
    public CtcLoss(Reduction reduction = Reduction.SumOverBatchSize, string name = "ctc") : base(name, reduction)
    {
    }

    private protected override string? KerasClassName => KerasName;

    private protected override LabelLayout Labels => LabelLayout.Any;

    // One value per sequence: everything after the batch axis is reduced.
    private protected override LossAxes GetAxes(int rank) => new(Math.Min(1, rank), rank);

    private protected override void Forward(in LossRows rows, Span<float> values) => Pass(rows, values, default, default);

    private protected override void Backward(in LossRows rows, ReadOnlySpan<float> upstream, Span<float> grad) => Pass(rows, default, upstream, grad);

    private void Pass(in LossRows rows, Span<float> values, ReadOnlySpan<float> upstream, Span<float> grad)
    {
        var (n, t, c, l) = Dimensions(rows);
        Span<float> logProbs = Scratch(LogProbSlot, t * c);
        Span<float> alphaAll = Scratch(AlphaSlot, t * (2 * l + 1));
        Span<float> betaAll = grad.IsEmpty ? default : Scratch(BetaSlot, t * (2 * l + 1));
        Span<int> all = l <= 256 ? stackalloc int[l] : new int[l];
        for (int b = 0; b < n; b++)
        {
            ReadOnlySpan<float> logits = rows.YPred.Slice(b * t * c, t * c);
            // Keras's label_length: the number of non-zero entries; the labels are that many first entries (0 pads).
            int k = 0;
            for (int i = 0; i < l; i++)
            {
                all[i] = Label(rows.YTrue[b * l + i], c, b, i);
                if (all[i] != 0) k++;
            }
            ReadOnlySpan<int> labels = all[..k];
            int states = 2 * k + 1;
            Span<float> alpha = alphaAll[..(t * states)];
            Span<float> beta = grad.IsEmpty ? default : betaAll[..(t * states)];
            for (int s = 0; s < t; s++) LogSoftmax(logits.Slice(s * c, c), logProbs.Slice(s * c, c));
            float logP = ForwardPass(logProbs, labels, t, c, alpha);
            if (!values.IsEmpty) values[b] = -logP;
            if (grad.IsEmpty) continue;
            BackwardPass(logProbs, labels, t, c, beta);
            Span<float> g = grad.Slice(b * t * c, t * c);
            float u = upstream[b];
            if (float.IsNegativeInfinity(logP))
            {
                g.Clear(); // no alignment: the loss is +∞ and flat
                continue;
            }
            // ∂(−log p)/∂logit[s, k] = softmax[s, k] − Σ over states emitting k of exp(α_s(state) + β_s(state) − log p).
            for (int s = 0; s < t; s++)
            {
                Span<float> gs = g.Slice(s * c, c);
                TensorPrimitives.Exp(logProbs.Slice(s * c, c), gs);
                for (int state = 0; state < states; state++)
                {
                    float occupancy = alpha[s * states + state] + beta[s * states + state] - logP;
                    if (float.IsNegativeInfinity(occupancy)) continue;
                    gs[Symbol(state, labels)] -= MathF.Exp(occupancy);
                }
                TensorPrimitives.Multiply(gs, u, gs);
            }
        }
    }

    // State 2i is a blank, state 2i + 1 emits labels[i].
    private static int Symbol(int state, ReadOnlySpan<int> labels) => (state & 1) == 0 ? 0 : labels[state >> 1];

    // A label state may be entered from two states back (skipping a blank) when its label differs from the previous one.
    private static bool CanSkip(int state, ReadOnlySpan<int> labels) => (state & 1) == 1 && state >= 3 && labels[state >> 1] != labels[(state >> 1) - 1];

    /// <summary>α_s(state) = log p(first s+1 frames end in state), including frame s's emission; returns log p(labels).</summary>
    private static float ForwardPass(ReadOnlySpan<float> logProbs, ReadOnlySpan<int> labels, int t, int c, Span<float> alpha)
    {
        int states = 2 * labels.Length + 1;
        alpha.Fill(float.NegativeInfinity);
        alpha[0] = logProbs[0];
        if (states > 1) alpha[1] = logProbs[labels[0]];
        for (int s = 1; s < t; s++)
        {
            ReadOnlySpan<float> prev = alpha.Slice((s - 1) * states, states);
            Span<float> cur = alpha.Slice(s * states, states);
            for (int state = 0; state < states; state++)
            {
                float a = prev[state];
                if (state >= 1) a = LogAdd(a, prev[state - 1]);
                if (CanSkip(state, labels)) a = LogAdd(a, prev[state - 2]);
                cur[state] = a + logProbs[s * c + Symbol(state, labels)];
            }
        }
        ReadOnlySpan<float> last = alpha.Slice((t - 1) * states, states);
        return states > 1 ? LogAdd(last[states - 1], last[states - 2]) : last[0];
    }

    /// <summary>β_s(state) = log p(frames after s | state at s), excluding frame s's emission.</summary>
    private static void BackwardPass(ReadOnlySpan<float> logProbs, ReadOnlySpan<int> labels, int t, int c, Span<float> beta)
    {
        int states = 2 * labels.Length + 1;
        beta.Fill(float.NegativeInfinity);
        beta[(t - 1) * states + states - 1] = 0f;
        if (states > 1) beta[(t - 1) * states + states - 2] = 0f;
        for (int s = t - 2; s >= 0; s--)
        {
            ReadOnlySpan<float> next = beta.Slice((s + 1) * states, states);
            Span<float> cur = beta.Slice(s * states, states);
            for (int state = 0; state < states; state++)
            {
                float b = next[state] + logProbs[(s + 1) * c + Symbol(state, labels)];
                if (state + 1 < states) b = LogAdd(b, next[state + 1] + logProbs[(s + 1) * c + Symbol(state + 1, labels)]);
                if (state + 2 < states && CanSkip(state + 2, labels))
                    b = LogAdd(b, next[state + 2] + logProbs[(s + 1) * c + Symbol(state + 2, labels)]);
                cur[state] = b;
            }
        }
    }

    private static float LogAdd(float a, float b)
    {
        if (float.IsNegativeInfinity(a)) return b;
        if (float.IsNegativeInfinity(b)) return a;
        return a > b ? a + MathF.Log(1f + MathF.Exp(b - a)) : b + MathF.Log(1f + MathF.Exp(a - b));
    }

    private static void LogSoftmax(ReadOnlySpan<float> x, Span<float> destination)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, destination);
        float sum = 0f;
        foreach (float v in destination) sum += MathF.Exp(v);
        TensorPrimitives.Subtract(destination, MathF.Log(sum), destination);
    }

    private (int N, int T, int C, int L) Dimensions(in LossRows rows)
    {
        ReadOnlySpan<nint> p = rows.PredShape, y = rows.TrueShape;
        if (p.Length != 3 || y.Length != 2 || y[0] != p[0])
            throw new ArgumentException(
                $"Loss '{Name}' needs yTrue of shape [batch, labels] and yPred of shape [batch, frames, classes]; got yTrue " +
                $"{LossGeometry.Format(y)} and yPred {LossGeometry.Format(p)}.", "yTrue");
        if (y[1] == 0) throw new ArgumentException($"Loss '{Name}' needs at least one label per sequence; yTrue has shape {LossGeometry.Format(y)}.", "yTrue");
        return ((int)p[0], (int)p[1], (int)p[2], (int)y[1]);
    }

    private int Label(float value, int classes, int sequence, int position)
    {
        if (!(value >= 0f && value < classes) || value != MathF.Floor(value))
            throw new ArgumentException(
                $"yTrue[{sequence}, {position}] is {value}, which is not a class id in [0, {classes}) for loss '{Name}'.", "yTrue");
        return (int)value;
    }

    // Reads back the Keras config GetConfigJson writes (keys, defaults, reduction); LossFactory looks this up.
    static string IRegisteredLoss.ClassName => KerasName;

    static string[] IRegisteredLoss.Aliases => ["ctc"];

    static Loss IRegisteredLoss.FromConfig(LossConfig c)
        => new CtcLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("ctc"));
}
