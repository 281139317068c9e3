using TbLogger.Metrics.Losses;

namespace TbLogger.Metrics.Tests;

/// <summary>
/// Issue 16 item 8: every config Keras's get_config() writes loads and round-trips — dtype strings (IoU metrics write
/// "int32"), DTypePolicy objects, the nested {"class_name", "config"} form, and null for optional keys.
/// </summary>
[TestClass]
public sealed class ConfigRoundTripTests
{
    // Keys a class needs beyond Keras's defaults (its constructor has required arguments).
    private static readonly Dictionary<string, string> Required = new(StringComparer.Ordinal)
    {
        ["IoU"] = """{"num_classes": 3, "target_class_ids": [0, 2]}""",
        ["MeanIoU"] = """{"num_classes": 3}""",
        ["OneHotIoU"] = """{"num_classes": 3, "target_class_ids": [1]}""",
        ["OneHotMeanIoU"] = """{"num_classes": 3}""",
        ["ConfusionMatrix"] = """{"num_classes": 3}""",
        ["PrecisionAtRecall"] = """{"recall": 0.5}""",
        ["RecallAtPrecision"] = """{"precision": 0.5}""",
        ["SensitivityAtSpecificity"] = """{"specificity": 0.5}""",
        ["SpecificityAtSensitivity"] = """{"sensitivity": 0.5}""",
        ["MeanRelativeError"] = """{"normalizer": [1.0, 2.0]}""",
    };

    public static IEnumerable<object[]> MetricClasses()
        => MetricFactory.Identifiers.Where(id => char.IsUpper(id[0]) && !id.Contains('_') && id.Any(char.IsLower) && id != "Accuracy" || id == "Accuracy")
                                    .Distinct().Select(id => new object[] { id });

    [TestMethod]
    [DynamicData(nameof(MetricClasses))]
    public void EveryMetricConfigRoundTripsWithAnyDtypeAndInKerasSerializedForm(string className)
    {
        Metric metric;
        try
        {
            metric = MetricFactory.Create(className, Required.GetValueOrDefault(className));
        }
        catch (ArgumentException e)
        {
            Assert.Fail($"{className}: {e.Message}");
            return;
        }
        string json = metric.GetConfigJson();
        StringAssert.Contains(json, "\"dtype\":\"float32\"");
        foreach (string dtype in new[] { "int32", "float64", "float16" })
        {
            string other = json.Replace("\"dtype\":\"float32\"", $"\"dtype\":\"{dtype}\"", StringComparison.Ordinal);
            var back = MetricFactory.Create(className, other);
            Assert.AreEqual(other, back.GetConfigJson(), className);
            Assert.AreEqual(dtype, back.DType);
            string serialized = $$"""{"module": "keras.metrics", "class_name": "{{className}}", "config": {{other}}, "registered_name": null}""";
            Assert.AreEqual(other, MetricFactory.Deserialize(serialized).GetConfigJson(), className);
        }
        string policy = json.Replace("\"dtype\":\"float32\"",
            "\"dtype\":{\"module\":\"keras\",\"class_name\":\"DTypePolicy\",\"config\":{\"name\":\"mixed_float16\"},\"registered_name\":null}",
            StringComparison.Ordinal);
        Assert.AreEqual("mixed_float16", MetricFactory.Create(className, policy).DType, className);
    }

    [TestMethod]
    public void KerasWrittenConfigsThatUsedToBeRefusedLoad()
    {
        // As Keras 3.16's get_config() writes them (iou_metrics.py, probabilistic_metrics.py, regression_metrics_test.py).
        (string Class, string Json)[] configs =
        [
            ("IoU", """{"name": "io_u", "dtype": "int32", "num_classes": 3, "target_class_ids": [0, 2], "ignore_class": null, "sparse_y_true": true, "sparse_y_pred": true, "axis": -1}"""),
            ("MeanIoU", """{"name": "mean_io_u", "dtype": "int32", "num_classes": 2, "ignore_class": null, "sparse_y_true": true, "sparse_y_pred": true, "axis": -1}"""),
            ("BinaryIoU", """{"name": "binary_io_u", "dtype": "int32", "target_class_ids": [0, 1], "threshold": 0.5}"""),
            ("OneHotIoU", """{"name": "one_hot_io_u", "dtype": "int32", "num_classes": 3, "target_class_ids": [0, 2], "ignore_class": null, "sparse_y_pred": false, "axis": -1}"""),
            ("OneHotMeanIoU", """{"name": "one_hot_mean_io_u", "dtype": "int32", "num_classes": 3, "ignore_class": null, "sparse_y_pred": false, "axis": -1}"""),
            ("SparseCategoricalCrossentropy", """{"name": "sparse_categorical_crossentropy", "dtype": "float32", "from_logits": false, "ignore_class": null, "axis": -1}"""),
            ("CosineSimilarity", """{"name": "my_cos", "dtype": "int32", "axis": 2}"""),
            ("MeanAbsoluteError", """{"name": "my_mae", "dtype": "int32"}"""),
            ("F1Score", """{"name": "f1_score", "dtype": "float32", "average": null, "threshold": null}"""),
        ];
        foreach (var (cls, json) in configs)
        {
            var metric = MetricFactory.Create(cls, json);
            string ours = metric.GetConfigJson();
            using var expected = System.Text.Json.JsonDocument.Parse(json);
            using var actual = System.Text.Json.JsonDocument.Parse(ours);
            foreach (var property in expected.RootElement.EnumerateObject())
                Assert.AreEqual(property.Value.GetRawText().Replace(" ", ""), actual.RootElement.GetProperty(property.Name).GetRawText(), $"{cls}.{property.Name}");
        }
    }

    [TestMethod]
    public void EveryLossConfigRoundTripsAndLoadsFromKerasSerializedForm()
    {
        foreach (string id in LossFactory.Identifiers.Where(i => char.IsUpper(i[0]) && !i.Contains('_')))
        {
            Loss loss = LossFactory.Create(id);
            string json = loss.GetConfigJson();
            Assert.AreEqual(id, loss.ClassName);
            Assert.AreEqual(json, LossFactory.Create(id, json).GetConfigJson(), id);
            string serialized = $$"""{"module": "keras.losses", "class_name": "{{loss.ClassName}}", "config": {{json}}, "registered_name": null}""";
            Assert.AreEqual(json, LossFactory.Deserialize(serialized).GetConfigJson(), id);
            Assert.AreEqual(json, LossFactory.Create(id, json.Replace("{", "{\"dtype\":\"float16\",")).GetConfigJson(), id);
        }
        var e = Assert.ThrowsExactly<ArgumentException>(() => LossFactory.Deserialize("""{"config": {}}"""));
        Assert.Contains("class_name", e.Message);
        Assert.AreEqual("huber_loss", LossFactory.Deserialize("\"Huber\"").Name);
        e = Assert.ThrowsExactly<ArgumentException>(() => MetricFactory.Deserialize("""{"class_name": "AUC", "config": [1]}"""));
        Assert.Contains("config", e.Message);
    }
}
