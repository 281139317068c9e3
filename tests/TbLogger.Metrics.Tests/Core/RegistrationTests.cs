using TbLogger.Metrics.Losses;

namespace TbLogger.Metrics.Tests;

/// <summary>
/// Every built-in metric and loss registers itself next to its config (IRegisteredMetric / IRegisteredLoss), and the
/// factories create exactly that class from its Keras class name. A new built-in that forgets its entry fails here.
/// </summary>
[TestClass]
public sealed class RegistrationTests
{
    // Public metrics that are not Keras classes: wrappers built from a function or a loss, created in code only.
    private static readonly HashSet<Type> NotRegistered = [typeof(MeanMetricWrapper), typeof(LossMetric)];

    private static List<Type> Concrete(Type baseType) => [.. typeof(Metric).Assembly.GetTypes()
        .Where(t => baseType.IsAssignableFrom(t) && !t.IsAbstract && t.IsPublic)
        .OrderBy(t => t.Name, StringComparer.Ordinal)];

    [TestMethod]
    public void Every_public_metric_registers_itself_and_the_factory_creates_that_class()
    {
        var metrics = Concrete(typeof(Metric)).Where(t => !NotRegistered.Contains(t)).ToList();
        Assert.HasCount(46, metrics);
        var unregistered = metrics.Where(t => !typeof(IRegisteredMetric).IsAssignableFrom(t)).Select(t => t.Name).ToList();
        Assert.IsEmpty(unregistered, "no IRegisteredMetric: " + string.Join(", ", unregistered));
        foreach (var type in metrics)
        {
            string config = type.Name switch
            {
                "ConfusionMatrix" or "MeanIoU" or "OneHotMeanIoU" => """{"num_classes": 3}""",
                "IoU" or "OneHotIoU" => """{"num_classes": 3, "target_class_ids": [1]}""",
                "MeanRelativeError" => """{"normalizer": [1.0]}""",
                "PrecisionAtRecall" => """{"recall": 0.5}""",
                "RecallAtPrecision" => """{"precision": 0.5}""",
                "SensitivityAtSpecificity" => """{"specificity": 0.5}""",
                "SpecificityAtSensitivity" => """{"sensitivity": 0.5}""",
                _ => "{}",
            };
            Assert.AreSame(type, MetricFactory.Create(type.Name, config).GetType(), type.Name);
        }
        Assert.IsTrue(NotRegistered.All(t => !typeof(IRegisteredMetric).IsAssignableFrom(t)));
    }

    [TestMethod]
    public void Every_public_loss_registers_itself_and_the_factory_creates_that_class()
    {
        var losses = Concrete(typeof(Loss));
        Assert.HasCount(25, losses);
        var unregistered = losses.Where(t => !typeof(IRegisteredLoss).IsAssignableFrom(t)).Select(t => t.Name).ToList();
        Assert.IsEmpty(unregistered, "no IRegisteredLoss: " + string.Join(", ", unregistered));
        foreach (var type in losses)
        {
            Loss loss = LossFactory.Create(type == typeof(CtcLoss) ? "CTC" : type.Name[..^"Loss".Length]);
            Assert.AreSame(type, loss.GetType(), type.Name);
            Assert.AreSame(type, LossFactory.Create(loss.ClassName, loss.GetConfigJson()).GetType(), type.Name);
        }
    }
}
