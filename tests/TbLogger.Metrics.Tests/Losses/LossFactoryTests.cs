using static TbLogger.Metrics.Tests.Losses.LossTestHelpers;

namespace TbLogger.Metrics.Tests.Losses;

using TbLogger.Metrics.Losses;

/// <summary>Creation by Keras identifier and config, and config round trips.</summary>
[TestClass]
public sealed class LossFactoryTests
{
    [TestMethod]
    [DataRow("mse", typeof(MeanSquaredErrorLoss), "mean_squared_error")]
    [DataRow("MSE", typeof(MeanSquaredErrorLoss), "mean_squared_error")]
    [DataRow("MeanSquaredError", typeof(MeanSquaredErrorLoss), "mean_squared_error")]
    [DataRow("mae", typeof(MeanAbsoluteErrorLoss), "mean_absolute_error")]
    [DataRow("mape", typeof(MeanAbsolutePercentageErrorLoss), "mean_absolute_percentage_error")]
    [DataRow("msle", typeof(MeanSquaredLogarithmicErrorLoss), "mean_squared_logarithmic_error")]
    [DataRow("huber", typeof(HuberLoss), "huber_loss")]
    [DataRow("logcosh", typeof(LogCoshLoss), "log_cosh")]
    [DataRow("bce", typeof(BinaryCrossentropyLoss), "binary_crossentropy")]
    [DataRow("categorical_crossentropy", typeof(CategoricalCrossentropyLoss), "categorical_crossentropy")]
    [DataRow("sparse_categorical_crossentropy", typeof(SparseCategoricalCrossentropyLoss), "sparse_categorical_crossentropy")]
    [DataRow("binary_focal_crossentropy", typeof(BinaryFocalCrossentropyLoss), "binary_focal_crossentropy")]
    [DataRow("CategoricalFocalCrossentropy", typeof(CategoricalFocalCrossentropyLoss), "categorical_focal_crossentropy")]
    [DataRow("hinge", typeof(HingeLoss), "hinge")]
    [DataRow("squared_hinge", typeof(SquaredHingeLoss), "squared_hinge")]
    [DataRow("categorical_hinge", typeof(CategoricalHingeLoss), "categorical_hinge")]
    [DataRow("kld", typeof(KLDivergenceLoss), "kl_divergence")]
    [DataRow("kullback_leibler_divergence", typeof(KLDivergenceLoss), "kl_divergence")]
    [DataRow("poisson", typeof(PoissonLoss), "poisson")]
    [DataRow("cosine_similarity", typeof(CosineSimilarityLoss), "cosine_similarity")]
    [DataRow("dice", typeof(DiceLoss), "dice")]
    [DataRow("Tversky", typeof(TverskyLoss), "tversky")]
    [DataRow("absoluteDifference", typeof(AbsoluteDifferenceLoss), "absolute_difference")]
    [DataRow("sigmoid_cross_entropy", typeof(SigmoidCrossEntropyLoss), "sigmoid_cross_entropy")]
    [DataRow("softmaxCrossEntropy", typeof(SoftmaxCrossEntropyLoss), "softmax_cross_entropy")]
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
        var cce = (CategoricalCrossentropyLoss)LossFactory.Create("categorical_crossentropy", """{"from_logits": true, "label_smoothing": 0.1}""");
        Assert.IsTrue(cce.FromLogits);
        Assert.AreEqual(0.1f, cce.LabelSmoothing);
        Assert.AreEqual(-1, cce.Axis);
        Assert.AreEqual(Reduction.SumOverBatchSize, cce.Reduction);
        Assert.AreEqual("""{"name":"categorical_crossentropy","reduction":"sum_over_batch_size","from_logits":true,"label_smoothing":0.1,"axis":-1}""",
                        cce.GetConfigJson());

        var huber = (HuberLoss)LossFactory.Create("Huber", """{"delta": 2.0, "reduction": "sum", "name": "huber"}""");
        Assert.AreEqual(2f, huber.Delta);
        Assert.AreEqual(Reduction.Sum, huber.Reduction);
        Assert.AreEqual("huber", huber.Name);
        Assert.AreEqual("""{"name":"huber","reduction":"sum","delta":2}""", huber.GetConfigJson());

        var scce = (SparseCategoricalCrossentropyLoss)LossFactory.Create("sparse_categorical_crossentropy", """{"from_logits": true, "ignore_class": 3, "axis": 0}""");
        Assert.AreEqual(3, scce.IgnoreClass);
        Assert.AreEqual(0, scce.Axis);

        var focal = (BinaryFocalCrossentropyLoss)LossFactory.Create("binary_focal_crossentropy", """{"apply_class_balancing": true, "gamma": 3}""");
        Assert.IsTrue(focal.ApplyClassBalancing);
        Assert.AreEqual(0.25f, focal.Alpha);
        Assert.AreEqual(3f, focal.Gamma);

        var dice = (DiceLoss)LossFactory.Create("dice", """{"axis": [1, 2, 3]}""");
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, dice.Axes!.ToArray());
        Assert.AreEqual("""{"name":"dice","reduction":"sum_over_batch_size","axis":[1,2,3]}""", dice.GetConfigJson());

        Assert.AreEqual(Reduction.SumOverGivenWeights, LossFactory.Create("mse", """{"reduction": "mean_with_sample_weight"}""").Reduction);
        Assert.AreEqual(Reduction.SumOverBroadcastWeights, LossFactory.Create("absoluteDifference", """{"reduction": "MEAN"}""").Reduction);
        Assert.AreEqual(Reduction.SumOverBatchSize, LossFactory.Create("mse", """{"reduction": "mean"}""").Reduction);
        Assert.AreEqual(Reduction.None, LossFactory.Create("mse", """{"reduction": null}""").Reduction);
        Assert.AreEqual(Reduction.SumByNonzeroWeights, LossFactory.Create("softmax_cross_entropy").Reduction);
        // TF.js's camelCase option names are accepted too.
        Assert.AreEqual(0.2f, ((SigmoidCrossEntropyLoss)LossFactory.Create("sigmoidCrossEntropy", """{"labelSmoothing": 0.2}""")).LabelSmoothing);
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
        Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Create("mse", """{"dtype": 64}"""));
        Assert.IsTrue(LossFactory.Identifiers.Contains("mse"));
    }
}
