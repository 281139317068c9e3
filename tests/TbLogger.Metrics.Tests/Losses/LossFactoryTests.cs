using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Creation by Keras identifier and config, and config round trips.</summary>
[TestClass]
public sealed class LossFactoryTests
{
    [TestMethod]
    [DataRow("mse", typeof(MeanSquaredError), "mean_squared_error")]
    [DataRow("MSE", typeof(MeanSquaredError), "mean_squared_error")]
    [DataRow("MeanSquaredError", typeof(MeanSquaredError), "mean_squared_error")]
    [DataRow("mae", typeof(MeanAbsoluteError), "mean_absolute_error")]
    [DataRow("mape", typeof(MeanAbsolutePercentageError), "mean_absolute_percentage_error")]
    [DataRow("msle", typeof(MeanSquaredLogarithmicError), "mean_squared_logarithmic_error")]
    [DataRow("huber", typeof(Huber), "huber_loss")]
    [DataRow("logcosh", typeof(LogCosh), "log_cosh")]
    [DataRow("bce", typeof(BinaryCrossentropy), "binary_crossentropy")]
    [DataRow("categorical_crossentropy", typeof(CategoricalCrossentropy), "categorical_crossentropy")]
    [DataRow("sparse_categorical_crossentropy", typeof(SparseCategoricalCrossentropy), "sparse_categorical_crossentropy")]
    [DataRow("binary_focal_crossentropy", typeof(BinaryFocalCrossentropy), "binary_focal_crossentropy")]
    [DataRow("CategoricalFocalCrossentropy", typeof(CategoricalFocalCrossentropy), "categorical_focal_crossentropy")]
    [DataRow("hinge", typeof(Hinge), "hinge")]
    [DataRow("squared_hinge", typeof(SquaredHinge), "squared_hinge")]
    [DataRow("categorical_hinge", typeof(CategoricalHinge), "categorical_hinge")]
    [DataRow("kld", typeof(KLDivergence), "kl_divergence")]
    [DataRow("kullback_leibler_divergence", typeof(KLDivergence), "kl_divergence")]
    [DataRow("poisson", typeof(Poisson), "poisson")]
    [DataRow("cosine_similarity", typeof(CosineSimilarity), "cosine_similarity")]
    [DataRow("dice", typeof(Dice), "dice")]
    [DataRow("Tversky", typeof(Tversky), "tversky")]
    [DataRow("absoluteDifference", typeof(AbsoluteDifference), "absolute_difference")]
    [DataRow("sigmoid_cross_entropy", typeof(SigmoidCrossEntropy), "sigmoid_cross_entropy")]
    [DataRow("softmaxCrossEntropy", typeof(SoftmaxCrossEntropy), "softmax_cross_entropy")]
    public void Create_ResolvesKerasAndTfjsIdentifiers(string identifier, Type type, string defaultName)
    {
        var loss = LossFactory.Create(identifier);
        Assert.IsInstanceOfType(loss, type);
        Assert.AreEqual(defaultName, loss.Name);
        // Every config round-trips through the factory to an equal config.
        string config = loss.GetConfigJson();
        Assert.AreEqual(config, LossFactory.Create(identifier, config).GetConfigJson());
    }

    [TestMethod]
    public void Create_AppliesConfigKeysAndDefaults()
    {
        var cce = (CategoricalCrossentropy)LossFactory.Create("categorical_crossentropy", """{"from_logits": true, "label_smoothing": 0.1}""");
        Assert.IsTrue(cce.FromLogits);
        Assert.AreEqual(0.1f, cce.LabelSmoothing);
        Assert.AreEqual(-1, cce.Axis);
        Assert.AreEqual(Reduction.SumOverBatchSize, cce.Reduction);
        Assert.AreEqual("""{"name":"categorical_crossentropy","reduction":"sum_over_batch_size","from_logits":true,"label_smoothing":0.1,"axis":-1}""",
                        cce.GetConfigJson());

        var huber = (Huber)LossFactory.Create("Huber", """{"delta": 2.0, "reduction": "sum", "name": "huber"}""");
        Assert.AreEqual(2f, huber.Delta);
        Assert.AreEqual(Reduction.Sum, huber.Reduction);
        Assert.AreEqual("huber", huber.Name);
        Assert.AreEqual("""{"name":"huber","reduction":"sum","delta":2}""", huber.GetConfigJson());

        var scce = (SparseCategoricalCrossentropy)LossFactory.Create("sparse_categorical_crossentropy", """{"from_logits": true, "ignore_class": 3, "axis": 0}""");
        Assert.AreEqual(3, scce.IgnoreClass);
        Assert.AreEqual(0, scce.Axis);

        var focal = (BinaryFocalCrossentropy)LossFactory.Create("binary_focal_crossentropy", """{"apply_class_balancing": true, "gamma": 3}""");
        Assert.IsTrue(focal.ApplyClassBalancing);
        Assert.AreEqual(0.25f, focal.Alpha);
        Assert.AreEqual(3f, focal.Gamma);

        var dice = (Dice)LossFactory.Create("dice", """{"axis": [1, 2, 3]}""");
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, dice.Axes!.ToArray());
        Assert.AreEqual("""{"name":"dice","reduction":"sum_over_batch_size","axis":[1,2,3]}""", dice.GetConfigJson());

        Assert.AreEqual(Reduction.Mean, LossFactory.Create("mse", """{"reduction": "mean_with_sample_weight"}""").Reduction);
        Assert.AreEqual(Reduction.SumOverBatchSize, LossFactory.Create("mse", """{"reduction": "mean"}""").Reduction);
        Assert.AreEqual(Reduction.None, LossFactory.Create("mse", """{"reduction": null}""").Reduction);
        Assert.AreEqual(Reduction.SumByNonzeroWeights, LossFactory.Create("softmax_cross_entropy").Reduction);
        // TF.js's camelCase option names are accepted too.
        Assert.AreEqual(0.2f, ((SigmoidCrossEntropy)LossFactory.Create("sigmoidCrossEntropy", """{"labelSmoothing": 0.2}""")).LabelSmoothing);
        Assert.AreEqual(Reduction.Sum, LossFactory.Create("mse", """{"dtype": "float32", "reduction": "sum"}""").Reduction);
    }

    [TestMethod]
    public void Create_FromConfigGivesTheSameNumbers()
    {
        var loss = LossFactory.Create("categorical_crossentropy", """{"from_logits": true}""");
        Close(0.0573, loss.Compute(T([1, 0, 0, 0, 1, 0, 0, 0, 1], 3, 3), T([8, 1, 1, 0, 9, 1, 2, 3, 5], 3, 3)), atol: 1e-4);
    }

    [TestMethod]
    public void Create_RejectsUnknownNamesAndKeysListingTheValidOnes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Create("nope"));
        Assert.Contains("'nope'", e.Message);
        Assert.Contains("categorical_crossentropy", e.Message);

        e = Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Create("categorical_crossentropy", """{"from_logit": true}"""));
        Assert.Contains("'from_logit'", e.Message);
        Assert.Contains("from_logits, label_smoothing, axis", e.Message);

        e = Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Create("mse", """{"reduction": "abc"}"""));
        Assert.Contains("mean_with_sample_weight", e.Message);
        Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Create("huber", """{"delta": "big"}"""));
        Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Create("huber", """{"delta": -1}"""));
        Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Create("huber", "[1]"));
        Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Create("huber", "{not json"));
        Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Create("mse", """{"dtype": "float64"}"""));
        Assert.IsTrue(LossFactory.Identifiers.Contains("mse"));
    }
}
