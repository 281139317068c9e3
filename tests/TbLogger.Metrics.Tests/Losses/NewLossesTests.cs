using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Issue 16 item 7: CTC and CategoricalGeneralizedCrossEntropy, values from Keras's losses_test.py, brute force and gradients.</summary>
[TestClass]
public sealed class NewLossesTests
{
    [TestMethod]
    public void CtcMatchesKerasTest()
    {
        // losses_test.py CTCTest.test_correctness: logits (arange(24).reshape(2, 4, 3) − 12) / 100.
        float[] logits = [.. Enumerable.Range(0, 24).Select(i => (i - 12) / 100f)];
        float[] labels = [1, 2, 1, 0, 1, 2, 0, 2];
        Close(2.448645, new CtcLoss().Compute(T(labels, 2, 4), T(logits, 2, 4, 3)), rtol: 1e-5);
        Assert.AreEqual("CTC", new CtcLoss().ClassName);
        Assert.AreEqual("ctc", LossFactory.Create("CTC").Name);
    }

    [TestMethod]
    public void CtcEqualsTheSumOverEveryAlignmentByBruteForce()
    {
        // T = 4 frames, C = 3 classes (0 blank): sum the probability of every one of the 3⁴ paths whose collapse
        // (merge repeats, then drop blanks) is the target.
        var rng = new Random(3);
        float[] logits = [.. Enumerable.Range(0, 12).Select(_ => (float)(rng.NextDouble() * 4 - 2))];
        foreach (int[] target in new[] { new[] { 1, 2 }, new[] { 2, 2 }, new[] { 1 } })
        {
            double total = 0;
            for (int path = 0; path < 81; path++)
            {
                int[] symbols = [path % 3, path / 3 % 3, path / 9 % 3, path / 27];
                var collapsed = new List<int>();
                for (int s = 0; s < 4; s++)
                    if (symbols[s] != 0 && (s == 0 || symbols[s] != symbols[s - 1])) collapsed.Add(symbols[s]);
                if (!collapsed.SequenceEqual(target)) continue;
                double p = 1;
                for (int s = 0; s < 4; s++) p *= Softmax(logits, s)[symbols[s]];
                total += p;
            }
            float loss = new CtcLoss(Reduction.Sum).Compute(T([.. target.Select(x => (float)x)], 1, target.Length), T(logits, 1, 4, 3));
            Close(-Math.Log(total), loss, rtol: 1e-5);
        }
    }

    [TestMethod]
    public void CtcGradientMatchesCentralDifferences()
    {
        var rng = new Random(9);
        float[] logits = [.. Enumerable.Range(0, 2 * 5 * 4).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
        float[] labels = [1, 3, 3, 2, 1, 0];   // repeats need a blank; the trailing 0 pads the second sequence to [2, 1]
        var loss = new CtcLoss();
        var grad = new float[logits.Length];
        float value = loss.ComputeWithGradient(T(labels, 2, 3), T(logits, 2, 5, 4), grad, T([0.5f, 2f], 2));
        Close(loss.Compute(T(labels, 2, 3), T(logits, 2, 5, 4), T([0.5f, 2f], 2)), value, rtol: 1e-6);
        for (int i = 0; i < logits.Length; i++)
        {
            float x = logits[i];
            const float h = 1e-2f;
            logits[i] = x + h;
            double plus = loss.Compute(T(labels, 2, 3), T(logits, 2, 5, 4), T([0.5f, 2f], 2));
            logits[i] = x - h;
            double minus = loss.Compute(T(labels, 2, 3), T(logits, 2, 5, 4), T([0.5f, 2f], 2));
            logits[i] = x;
            Close((plus - minus) / (2 * h), grad[i], rtol: 2e-2, atol: 2e-3);
        }
        // Every frame's gradient sums to 0 over the classes (softmax minus a distribution).
        for (int f = 0; f < 10; f++) Close(0, grad.AsSpan(f * 4, 4).ToArray().Sum(), atol: 1e-5);
    }

    [TestMethod]
    public void CtcRejectsBadShapesAndLabelsAndGivesInfinityWithoutAnAlignment()
    {
        var loss = new CtcLoss();
        var e = Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(T([1, 2], 2), T(new float[12], 1, 4, 3)));
        Assert.Contains("[batch, labels]", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(T([1, 5], 1, 2), T(new float[12], 1, 4, 3)));
        Assert.Contains("yTrue[0, 1] is 5", e.Message);
        // Three labels with a repeat need 4 frames; 3 frames have no alignment.
        Assert.AreEqual(float.PositiveInfinity, loss.Compute(T([1, 1, 2], 1, 3), T(new float[9], 1, 3, 3)));
        var grad = new float[9];
        loss.Gradient(T([1, 1, 2], 1, 3), T(new float[9], 1, 3, 3), grad);
        CollectionAssert.AreEqual(new float[9], grad);
    }

    [TestMethod]
    public void CategoricalGeneralizedCrossEntropyMatchesKerasTest()
    {
        // losses_test.py test_basic_correctness_for_binary.
        float[] p = [0.7f, 0.3f, 0.2f, 0.8f, 0.6f, 0.4f, 0.4f, 0.6f];
        float[] y = [0, 1, 0, 1];
        foreach (float q in new[] { 0.5f, 0.8f })
        {
            double expected = new[] { 0.7, 0.8, 0.6, 0.6 }.Select(v => (1 - Math.Pow(v, q)) / q).Average();
            Close(expected, new CategoricalGeneralizedCrossEntropyLoss(q).Compute(T(y, 4), T(p, 4, 2)), rtol: 1e-6);
            Close(expected, LossFactory.Create("categorical_generalized_cross_entropy", $$"""{"q": {{q}}}""").Compute(T(y, 4, 1), T(p, 4, 2)), rtol: 1e-6);
        }
        var grad = new float[8];
        new CategoricalGeneralizedCrossEntropyLoss(0.5f, Reduction.Sum).Gradient(T(y, 4), T(p, 4, 2), grad);
        float[] expectedGrad = [-1 / MathF.Sqrt(0.7f), 0, 0, -1 / MathF.Sqrt(0.8f), -1 / MathF.Sqrt(0.6f), 0, 0, -1 / MathF.Sqrt(0.6f)];
        AllClose([.. expectedGrad.Select(x => (double)x)], grad, rtol: 1e-6);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CategoricalGeneralizedCrossEntropyLoss(1f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CategoricalGeneralizedCrossEntropyLoss(0f));
        Assert.AreEqual("""{"name":"gce","reduction":"sum_over_batch_size","q":0.1}""", new CategoricalGeneralizedCrossEntropyLoss(0.1f, name: "gce").GetConfigJson());
    }

    private static double[] Softmax(float[] logits, int frame)
    {
        double[] e = [.. Enumerable.Range(0, 3).Select(k => Math.Exp(logits[frame * 3 + k]))];
        double s = e.Sum();
        return [.. e.Select(v => v / s)];
    }
}

/// <summary>Circle loss: Keras's losses_test.py CircleTest numbers and a central-difference gradient check.</summary>
[TestClass]
public sealed class CircleLossTests
{
    private static readonly float[] Labels = [1, 1, 2, 2, 3];
    private static readonly float[] Embeddings =
    [
        0.70014004f, -0.42008403f, 0.14002801f, 0.56011203f,
        0.17609018f, 0.70436073f, -0.52827054f, 0.44022545f,
        -0.34050261f, 0.25537696f, -0.68100522f, 0.59587957f,
        0.32163376f, -0.75047877f, 0.53605627f, -0.21442251f,
        0.51261459f, -0.34174306f, 0.17087153f, 0.76892189f,
    ];
    private static readonly float[] RefLabels = [1, 1, 2, 2, 3, 4];
    private static readonly float[] RefEmbeddings =
    [
        0.40824829f, -0.54433105f, 0.27216553f, 0.68041382f,
        0.76376261f, 0.10910895f, -0.54554473f, 0.32732684f,
        -0.74420841f, 0.24806947f, 0.49613894f, -0.3721042f,
        0.52981294f, -0.13245324f, 0.79471941f, -0.26490647f,
        0.54554473f, -0.32732684f, 0.10910895f, 0.76376261f,
        -0.27216553f, 0.68041382f, 0.40824829f, -0.54433105f,
    ];

    [TestMethod]
    public void MatchesKerasTests()
    {
        var yt = T(Labels, 5);
        var yp = T(Embeddings, 5, 4);
        Close(188.3883, new CircleLoss().Compute(yt, yp), rtol: 1e-5);
        Close(652.7617, new CircleLoss(gamma: 256, margin: 0.25f).Compute(yt, yp), rtol: 1e-5);
        var w = T([2f, 2f, 1f, 1f, 0.5f], 5);
        Close(244.91918, new CircleLoss().Compute(yt, yp, w), rtol: 1e-5);              // divided by the 4 unmasked losses
        Close(163.27948, new CircleLoss(reduction: Reduction.SumOverGivenWeights).Compute(yt, yp, w), rtol: 1e-5);
        AllClose([82.9116, 36.7942, 92.4590, 52.6798, 0.0, 0.0],
                 new CircleLoss(reduction: Reduction.None).ComputeUnreduced(T(RefLabels, 6), T(RefEmbeddings, 6, 4)).ToArray(), rtol: 1e-5, atol: 1e-3);
        Close(264.845, new CircleLoss(reduction: Reduction.Sum).Compute(T(RefLabels, 6), T(RefEmbeddings, 6, 4)), rtol: 1e-5);
        Assert.AreEqual("""{"name":"circle","reduction":"sum_over_batch_size","gamma":80,"margin":0.4,"remove_diagonal":true}""",
                        new CircleLoss().GetConfigJson());
    }

    [TestMethod]
    public void GradientMatchesCentralDifferences()
    {
        // A small gamma keeps the function smooth enough for float differences; remove_diagonal both ways.
        foreach (bool removeDiagonal in new[] { true, false })
        {
            var loss = new CircleLoss(gamma: 2f, margin: 0.25f, removeDiagonal: removeDiagonal, reduction: Reduction.Sum);
            float[] p = (float[])Embeddings.Clone();
            var grad = new float[p.Length];
            loss.Gradient(T(Labels, 5), T(p, 5, 4), grad);
            for (int i = 0; i < p.Length; i++)
            {
                float x = p[i];
                const float h = 1e-3f;
                p[i] = x + h;
                double plus = loss.Compute(T(Labels, 5), T(p, 5, 4));
                p[i] = x - h;
                double minus = loss.Compute(T(Labels, 5), T(p, 5, 4));
                p[i] = x;
                Close((plus - minus) / (2 * h), grad[i], rtol: 2e-2, atol: 2e-3);
            }
        }
    }
}
