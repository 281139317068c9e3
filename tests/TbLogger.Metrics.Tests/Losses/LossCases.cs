
namespace TbLogger.Metrics.Tests.Losses;

// Inside the namespace so the loss classes win over the metric classes of the same Keras names.
using TbLogger.Metrics.Losses;

/// <summary>
/// One random, fixed-seed input per built-in configuration, kept away from each loss's kinks and clipping edges so that
/// central finite differences are meaningful there.
/// </summary>
public sealed record LossCase(
    string Label, Func<Reduction, Loss> Create, float[] YTrue, nint[] TrueShape, float[] YPred, nint[] PredShape,
    float[] Weights, nint[] WeightShape)
{
    public override string ToString() => Label;

    public static IEnumerable<LossCase> All()
    {
        const int n = 3, c = 4;
        nint[] shape = [n, c];
        nint[] perSample = [n];
        float[] sampleWeights = [1.5f, 0f, 0.75f];

        LossCase Dense(string label, Func<Reduction, Loss> create, Func<Random, float> truth, Func<Random, float, float> pred,
                       nint[]? weightShape = null, float[]? weights = null, nint[]? s = null)
        {
            var random = new Random(StableSeed(label));
            s ??= shape;
            int total = 1;
            foreach (var d in s) total *= (int)d;
            var t = new float[total];
            var p = new float[total];
            for (int i = 0; i < total; i++)
            {
                t[i] = truth(random);
                p[i] = pred(random, t[i]);
            }
            return new LossCase(label, create, t, s, p, s, weights ?? sampleWeights, weightShape ?? perSample);
        }

        static float U(Random r, float lo, float hi) => lo + (float)r.NextDouble() * (hi - lo);
        static float Sign(Random r) => r.Next(2) == 0 ? -1f : 1f;
        static float Bit(Random r) => r.Next(2);
        // Offsets away from 0 and away from HuberLoss's δ = 0.5.
        static float Offset(Random r) => Sign(r) * (r.Next(2) == 0 ? U(r, 0.15f, 0.4f) : U(r, 0.6f, 0.9f));

        yield return Dense("mse", r => new MeanSquaredErrorLoss(r), r => U(r, -2, 2), (r, t) => t + Offset(r));
        yield return Dense("mae", r => new MeanAbsoluteErrorLoss(r), r => U(r, -2, 2), (r, t) => t + Offset(r));
        yield return Dense("mape", r => new MeanAbsolutePercentageErrorLoss(r), r => Sign(r) * U(r, 0.5f, 2), (r, t) => t + Offset(r));
        yield return Dense("msle", r => new MeanSquaredLogarithmicErrorLoss(r), r => U(r, 0.1f, 3), (r, t) => U(r, 0.1f, 3));
        yield return Dense("huber", r => new HuberLoss(0.5f, r), r => U(r, -2, 2), (r, t) => t + Offset(r));
        yield return Dense("log_cosh", r => new LogCoshLoss(r), r => U(r, -2, 2), (r, t) => t + 3 * Offset(r));
        yield return Dense("poisson", r => new PoissonLoss(r), r => r.Next(4), (r, t) => U(r, 0.3f, 4));
        yield return Dense("kl_divergence", r => new KLDivergenceLoss(r), r => U(r, 0.05f, 1), (r, t) => U(r, 0.2f, 0.9f));
        yield return Dense("hinge", r => new HingeLoss(r), Bit, (r, t) => Sign(r) * (r.Next(2) == 0 ? U(r, 0, 0.8f) : U(r, 1.2f, 2)));
        yield return Dense("hinge_pm1", r => new HingeLoss(r), r => Sign(r) * 0.5f, (r, t) => U(r, -1.5f, 1.5f));
        yield return Dense("squared_hinge", r => new SquaredHingeLoss(r), Bit, (r, t) => U(r, -2, 2));
        yield return Dense("bce", r => new BinaryCrossentropyLoss(reduction: r), Bit, (r, t) => U(r, 0.2f, 0.8f));
        yield return Dense("bce_soft_smoothed", r => new BinaryCrossentropyLoss(labelSmoothing: 0.2f, reduction: r), r => U(r, 0, 1), (r, t) => U(r, 0.2f, 0.8f));
        yield return Dense("bce_logits", r => new BinaryCrossentropyLoss(fromLogits: true, labelSmoothing: 0.1f, reduction: r), Bit, (r, t) => U(r, -3, 3));
        yield return Dense("bce_logits_axis0", r => new BinaryCrossentropyLoss(fromLogits: true, axis: 0, reduction: r), Bit, (r, t) => U(r, -3, 3),
                           weightShape: [c], weights: [1f, 2f, 0f, 0.5f]);
        yield return Dense("binary_focal", r => new BinaryFocalCrossentropyLoss(gamma: 2f, reduction: r), Bit, (r, t) => U(r, 0.2f, 0.8f));
        yield return Dense("binary_focal_balanced_logits",
                           r => new BinaryFocalCrossentropyLoss(applyClassBalancing: true, alpha: 0.3f, gamma: 1.5f, fromLogits: true, labelSmoothing: 0.1f, reduction: r),
                           Bit, (r, t) => U(r, -3, 3));
        yield return Dense("cosine", r => new CosineSimilarityLoss(reduction: r), r => U(r, -1, 1), (r, t) => U(r, -1, 1));
        yield return Dense("cosine_axis1_rank3", r => new CosineSimilarityLoss(axis: 1, reduction: r), r => U(r, -1, 1), (r, t) => U(r, -1, 1),
                           weightShape: [n, 1], weights: [1f, 2f, 0.5f], s: [n, c, 2]);
        yield return Dense("dice_all", r => new DiceLoss(reduction: r), Bit, (r, t) => U(r, 0.05f, 1), weightShape: [1], weights: [1.25f]);
        yield return Dense("dice_per_sample", r => new DiceLoss(axis: [1], reduction: r), Bit, (r, t) => U(r, 0.05f, 1));
        yield return Dense("tversky_trailing", r => new TverskyLoss(0.3f, 0.7f, axis: [1, 2], reduction: r), Bit, (r, t) => U(r, 0.05f, 1),
                           s: [n, 2, 2]);
        yield return Dense("absolute_difference", r => new AbsoluteDifferenceLoss(r), r => U(r, -2, 2), (r, t) => t + Offset(r),
                           weightShape: [n, 1], weights: [1f, 0f, 2f]);
        yield return Dense("sigmoid_cross_entropy", r => new SigmoidCrossEntropyLoss(0.2f, r), Bit, (r, t) => U(r, -3, 3),
                           weightShape: [1, c], weights: [0.5f, 1f, 0f, 2f]);

        foreach (var item in Categorical()) yield return item;

        IEnumerable<LossCase> Categorical()
        {
            var random = new Random(7);
            float[] OneHot(int rows, int classes, out float[] indices)
            {
                var t = new float[rows * classes];
                indices = new float[rows];
                for (int i = 0; i < rows; i++)
                {
                    int k = random.Next(classes);
                    indices[i] = k;
                    t[i * classes + k] = 1f;
                }
                return t;
            }
            float[] Uniform(int count, float lo, float hi)
            {
                var x = new float[count];
                for (int i = 0; i < x.Length; i++) x[i] = U(random, lo, hi);
                return x;
            }

            var oneHot = OneHot(n, c, out var idx);
            yield return new("cce", r => new CategoricalCrossentropyLoss(reduction: r), oneHot, shape, Uniform(n * c, 0.1f, 1f), shape, sampleWeights, perSample);
            yield return new("cce_smoothed", r => new CategoricalCrossentropyLoss(labelSmoothing: 0.1f, reduction: r), oneHot, shape, Uniform(n * c, 0.1f, 1f), shape, sampleWeights, perSample);
            yield return new("cce_logits", r => new CategoricalCrossentropyLoss(fromLogits: true, labelSmoothing: 0.1f, reduction: r), oneHot, shape, Uniform(n * c, -3f, 3f), shape, sampleWeights, perSample);
            // Class axis 1 of [2, 3, 2]: exercises the transposition to contiguous rows.
            yield return new("cce_logits_axis1", r => new CategoricalCrossentropyLoss(fromLogits: true, axis: 1, reduction: r),
                             [1, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0], [2, 3, 2], Uniform(12, -3f, 3f), [2, 3, 2], [1f, 2f, 0f, 0.5f], [2, 2]);
            yield return new("sparse", r => new SparseCategoricalCrossentropyLoss(reduction: r), idx, perSample, Uniform(n * c, 0.1f, 1f), shape, sampleWeights, perSample);
            yield return new("sparse_logits", r => new SparseCategoricalCrossentropyLoss(fromLogits: true, reduction: r), idx, [n, 1], Uniform(n * c, -3f, 3f), shape, sampleWeights, perSample);
            yield return new("sparse_logits_ignore", r => new SparseCategoricalCrossentropyLoss(fromLogits: true, ignoreClass: -1, reduction: r),
                             [idx[0], -1, idx[2]], perSample, Uniform(n * c, -3f, 3f), shape, [1.5f, 2f, 0.75f], perSample);
            yield return new("categorical_focal", r => new CategoricalFocalCrossentropyLoss(reduction: r), oneHot, shape, Uniform(n * c, 0.1f, 1f), shape, sampleWeights, perSample);
            yield return new("categorical_focal_logits", r => new CategoricalFocalCrossentropyLoss(alpha: 0.4f, gamma: 1.5f, fromLogits: true, labelSmoothing: 0.1f, reduction: r),
                             oneHot, shape, Uniform(n * c, -3f, 3f), shape, sampleWeights, perSample);
            yield return new("softmax_cross_entropy", r => new SoftmaxCrossEntropyLoss(0.1f, r), oneHot, shape, Uniform(n * c, -3f, 3f), shape, sampleWeights, perSample);

            // Categorical hinge: keep the margin and the runner-up gap away from the max's kinks.
            while (true)
            {
                var p = Uniform(n * c, -1f, 1f);
                if (CategoricalHingeIsSmooth(oneHot, p, c))
                {
                    yield return new("categorical_hinge", r => new CategoricalHingeLoss(r), oneHot, shape, p, shape, sampleWeights, perSample);
                    break;
                }
            }
        }
    }

    private static int StableSeed(string label)
    {
        int seed = 17;
        foreach (char ch in label) seed = seed * 31 + ch;
        return seed & 0x7fffffff;
    }

    private static bool CategoricalHingeIsSmooth(float[] t, float[] p, int classes)
    {
        for (int r = 0; r < t.Length / classes; r++)
        {
            float pos = 0, best = float.NegativeInfinity, second = float.NegativeInfinity;
            for (int k = 0; k < classes; k++)
            {
                int i = r * classes + k;
                pos += t[i] * p[i];
                float neg = (1 - t[i]) * p[i];
                if (neg > best) { second = best; best = neg; }
                else if (neg > second) second = neg;
            }
            if (Math.Abs(best - pos + 1) < 0.1f || best - second < 0.05f) return false;
        }
        return true;
    }
}
