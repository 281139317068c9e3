using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Bad inputs raise ArgumentException naming the shapes or the offending index.</summary>
[TestClass]
public sealed class BadInputTests
{
    [TestMethod]
    public void ShapeMismatch_NamesBothShapes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new BinaryCrossentropyLoss().Compute(T([0, 1, 2], 3, 1), T(new float[9], 3, 3)));
        Assert.Contains("[3, 1]", e.Message);
        Assert.Contains("[3, 3]", e.Message);
        Assert.AreEqual("yTrue", e.ParamName);
        e = Assert.ThrowsExactly<ArgumentException>(() => new CategoricalCrossentropyLoss().Gradient(T(new float[6], 2, 3), T(new float[6], 3, 2), new float[6]));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[3, 2]", e.Message);
    }

    [TestMethod]
    public void SparseLabels_WithTheWrongShape_NameBothShapes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new SparseCategoricalCrossentropyLoss().Compute(T([0, 1], 2), T(new float[9], 3, 3)));
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[3, 3]", e.Message);
    }

    [TestMethod]
    public void EmptyBatch_IsRejected()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MeanSquaredErrorLoss().Compute(T([], 0, 3), T([], 0, 3)));
        Assert.Contains("empty", e.Message);
        Assert.Contains("[0, 3]", e.Message);
        Assert.ThrowsExactly<ArgumentException>(() => new MeanSquaredErrorLoss().Compute(default, default));
        Assert.ThrowsExactly<ArgumentException>(() => Loss.ComputeWeightedLoss(default));
    }

    [TestMethod]
    public void ClassOutOfRange_NamesTheIndexAndValue()
    {
        var loss = new SparseCategoricalCrossentropyLoss(fromLogits: true);
        var e = Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(T([0, 3, 1]), T(new float[9], 3, 3)));
        Assert.Contains("yTrue[1] is 3", e.Message);
        Assert.Contains("[0, 3)", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => loss.Gradient(T([0, 1, -1]), T(new float[9], 3, 3), new float[9]));
        Assert.Contains("yTrue[2] is -1", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => loss.Compute(T([0, 1.5f, 1]), T(new float[9], 3, 3)));
        Assert.Contains("yTrue[1] is 1.5", e.Message);
        // The ignored class is allowed even though it is out of range.
        Assert.AreEqual(0f, new SparseCategoricalCrossentropyLoss(ignoreClass: 255).Compute(T([255f]), T([0.5f, 0.5f], 1, 2)));
    }

    [TestMethod]
    public void NegativeWeights_AreRejectedOnlyWhereAWeightedMeanNeedsThem()
    {
        float[] t = [1, 2], p = [2, 4];
        var e = Assert.ThrowsExactly<ArgumentException>(() => new MeanSquaredErrorLoss(Reduction.Mean).Compute(T(t, 2, 1), T(p, 2, 1), T([1f, -2f])));
        Assert.Contains("sampleWeight[1] is -2", e.Message);
        Assert.AreEqual("sampleWeight", e.ParamName);
        // Sum-type reductions are defined for any sign, as in Keras and TF.js.
        Assert.AreEqual(1f - 8f, new MeanSquaredErrorLoss(Reduction.Sum).Compute(T(t, 2, 1), T(p, 2, 1), T([1f, -2f])));
    }

    [TestMethod]
    public void WrongDestinationLengths_AreRejected()
    {
        var loss = new MeanSquaredErrorLoss();
        var e = Assert.ThrowsExactly<ArgumentException>(() => loss.ComputePerSample(T(new float[6], 2, 3), T(new float[6], 2, 3), new float[3]));
        Assert.Contains("2 per-sample values", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => loss.Gradient(T(new float[6], 2, 3), T(new float[6], 2, 3), new float[5]));
        Assert.Contains("6 elements", e.Message);
    }

    [TestMethod]
    public void BadConstructorArguments_AreRejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HuberLoss(0f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BinaryCrossentropyLoss(labelSmoothing: 1.5f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BinaryFocalCrossentropyLoss(gamma: -1f));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MeanSquaredErrorLoss((Reduction)42));
        Assert.ThrowsExactly<ArgumentException>(() => new MeanSquaredErrorLoss(name: " "));
        Assert.ThrowsExactly<ArgumentNullException>(() => Loss.FromFunction("f", null!));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new CategoricalCrossentropyLoss(axis: 2).Compute(T(new float[6], 2, 3), T(new float[6], 2, 3)));
        Assert.Contains("axis 2", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => new DiceLoss(axis: [0, 2]).Compute(T(new float[8], 2, 2, 2), T(new float[8], 2, 2, 2)));
        Assert.Contains("trailing", e.Message);
    }
}
