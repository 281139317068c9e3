using static TbLogger.Metrics.Tests.TestData;

namespace TbLogger.Metrics.Tests;

[TestClass]
public sealed class MetricFactoryTests
{
    [TestMethod]
    [DataRow("BinaryAccuracy", typeof(BinaryAccuracy), "binary_accuracy")]
    [DataRow("binary_accuracy", typeof(BinaryAccuracy), "binary_accuracy")]
    [DataRow("accuracy", typeof(Accuracy), "accuracy")]
    [DataRow("acc", typeof(Accuracy), "acc")]
    [DataRow("mse", typeof(MeanSquaredError), "mse")]
    [DataRow("MSE", typeof(MeanSquaredError), "MSE")]
    [DataRow("mae", typeof(MeanAbsoluteError), "mae")]
    [DataRow("mape", typeof(MeanAbsolutePercentageError), "mape")]
    [DataRow("msle", typeof(MeanSquaredLogarithmicError), "msle")]
    [DataRow("bce", typeof(BinaryCrossentropy), "bce")]
    [DataRow("binary_crossentropy", typeof(BinaryCrossentropy), "binary_crossentropy")]
    [DataRow("categorical_crossentropy", typeof(CategoricalCrossentropy), "categorical_crossentropy")]
    [DataRow("sparse_categorical_crossentropy", typeof(SparseCategoricalCrossentropy), "sparse_categorical_crossentropy")]
    [DataRow("KLDivergence", typeof(KLDivergence), "kl_divergence")]
    [DataRow("kl_divergence", typeof(KLDivergence), "kl_divergence")]
    [DataRow("kld", typeof(KLDivergence), "kld")]
    [DataRow("R2Score", typeof(R2Score), "r2_score")]
    [DataRow("r2_score", typeof(R2Score), "r2_score")]
    [DataRow("top_k_categorical_accuracy", typeof(TopKCategoricalAccuracy), "top_k_categorical_accuracy")]
    [DataRow("logcosh", typeof(LogCoshError), "logcosh")]
    [DataRow("log_cosh_error", typeof(LogCoshError), "logcosh")]
    [DataRow("pearson_correlation", typeof(PearsonCorrelation), "pearson_correlation")]
    [DataRow("hinge", typeof(Hinge), "hinge")]
    [DataRow("categorical_hinge", typeof(CategoricalHinge), "categorical_hinge")]
    [DataRow("poisson", typeof(Poisson), "poisson")]
    [DataRow("mean", typeof(Mean), "mean")]
    public void CreatesByClassNameSnakeCaseAndAlias(string id, Type type, string name)
    {
        var m = MetricFactory.Create(id);
        Assert.AreEqual(type, m.GetType());
        Assert.AreEqual(name, m.Name);
    }

    [TestMethod]
    public void ConfigKeysAndDefaultsFollowKeras()
    {
        var m = (BinaryAccuracy)MetricFactory.Create("BinaryAccuracy", """{"threshold": 0.7, "name": "acc70", "dtype": "float32"}""");
        Assert.AreEqual(0.7f, m.Threshold);
        Assert.AreEqual("acc70", m.Name);
        var k = (SparseTopKCategoricalAccuracy)MetricFactory.Create("sparse_top_k_categorical_accuracy", """{"k": 3}""");
        Assert.AreEqual(3, k.K);
        var ce = (CategoricalCrossentropy)MetricFactory.Create("CategoricalCrossentropy", """{"from_logits": true, "label_smoothing": 0.1}""");
        Assert.IsTrue(ce.FromLogits);
        Assert.AreEqual(0.1f, ce.LabelSmoothing);
        var r2 = (R2Score)MetricFactory.Create("R2Score", """{"class_aggregation": null}""");
        Assert.IsNull(r2.ClassAggregation);
    }

    [TestMethod]
    public void UnknownIdentifierListsTheValidOnes()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("BinaryAcuracy"));
        StringAssert.Contains(e.Message, "Unknown metric 'BinaryAcuracy'");
        StringAssert.Contains(e.Message, "BinaryAccuracy");
        StringAssert.Contains(e.Message, "mse");
    }

    [TestMethod]
    public void UnknownConfigKeyListsTheValidKeys()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("BinaryAccuracy", """{"treshold": 0.7}"""));
        StringAssert.Contains(e.Message, "Unknown config key 'treshold' for 'BinaryAccuracy'. Valid keys: name, dtype, threshold.");
    }

    [TestMethod]
    public void BadConfigValuesAreArgumentExceptions()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("BinaryAccuracy", """{"threshold": "high"}""")).Message, "'threshold'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("Mean", "[1]")).Message, "JSON object");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("Mean", "{")).Message, "not valid JSON");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("Mean", """{"dtype": "float33"}""")).Message, "float32");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MetricFactory.Create("BinaryAccuracy", """{"threshold": 1.5}"""));
        Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("R2Score", """{"class_aggregation": "median"}"""));
        Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Create("MeanRelativeError"));
    }

    [TestMethod]
    [DataRow(new[] { 8, 1 }, new[] { 8, 1 }, typeof(BinaryAccuracy))]
    [DataRow(new[] { 8 }, new[] { 8, 1 }, typeof(BinaryAccuracy))]
    [DataRow(new[] { 8 }, new[] { 8 }, typeof(BinaryAccuracy))]
    [DataRow(new[] { 8 }, new[] { 8, 10 }, typeof(SparseCategoricalAccuracy))]
    [DataRow(new[] { 8, 1 }, new[] { 8, 10 }, typeof(SparseCategoricalAccuracy))]
    [DataRow(new[] { 8, 10 }, new[] { 8, 10 }, typeof(CategoricalAccuracy))]
    public void ResolvePicksAccuracyByShapesAndKeepsTheUsersName(int[] yTrue, int[] yPred, Type expected)
    {
        foreach (var id in new[] { "accuracy", "acc", "Accuracy" })
        {
            var m = MetricFactory.Resolve(id, yTrue.Select(d => (nint)d).ToArray(), yPred.Select(d => (nint)d).ToArray());
            Assert.AreEqual(expected, m.GetType());
            Assert.AreEqual(id, m.Name);
        }
    }

    [TestMethod]
    public void ResolvePassesOtherIdentifiersThroughKeepingTheName()
    {
        var m = MetricFactory.Resolve("mean_squared_error", [4, 1], [4, 1]);
        Assert.IsInstanceOfType<MeanSquaredError>(m);
        Assert.AreEqual("mean_squared_error", m.Name);
        Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Resolve("nope", [4], [4]));
    }

    [TestMethod]
    public void SnakeCaseFollowsKeras()
    {
        Assert.AreEqual("binary_accuracy", MetricFactory.ToSnakeCase("BinaryAccuracy"));
        Assert.AreEqual("auc", MetricFactory.ToSnakeCase("AUC"));
        Assert.AreEqual("kl_divergence", MetricFactory.ToSnakeCase("KLDivergence"));
        Assert.AreEqual("r2_score", MetricFactory.ToSnakeCase("R2Score"));
        Assert.AreEqual("mean_io_u", MetricFactory.ToSnakeCase("MeanIoU"));
    }

    [TestMethod]
    public void RegisteredCustomMetricsCanBeCreated()
    {
        MetricFactory.Register("TestOnlyMetric", c => new Mean(c.Name ?? "test_only_metric"), "test_only_alias");
        Assert.AreEqual("test_only_metric", MetricFactory.Create("TestOnlyMetric").Name);
        Assert.AreEqual("test_only_alias", MetricFactory.Create("test_only_alias").Name);
        Assert.IsTrue(MetricFactory.Identifiers.Contains("test_only_metric"));
    }
}
