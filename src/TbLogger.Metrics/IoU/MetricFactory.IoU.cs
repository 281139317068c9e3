namespace TbLogger.Metrics;

// Factory registrations of the IoU family (Keras class names, config keys and defaults).
public static partial class MetricFactory
{
    static partial void RegisterIoUMetrics()
    {
        Register("IoU", c => new IoU(
            RequiredInt32(c, "num_classes"), c.GetInt32Array("target_class_ids") ?? throw new ArgumentException($"Config key 'target_class_ids' of '{c.Identifier}' is required.", "configJson"), c.GetNullableInt32("ignore_class", null),
            c.GetBoolean("sparse_y_true", true), c.GetBoolean("sparse_y_pred", true), c.GetInt32("axis", -1), c.Name));
        Register("MeanIoU", c => new MeanIoU(
            RequiredInt32(c, "num_classes"), c.GetNullableInt32("ignore_class", null),
            c.GetBoolean("sparse_y_true", true), c.GetBoolean("sparse_y_pred", true), c.GetInt32("axis", -1), c.Name));
        Register("BinaryIoU", c => new BinaryIoU(
            c.GetInt32Array("target_class_ids") ?? [0, 1], c.GetSingle("threshold", 0.5f), c.Name));
        Register("OneHotIoU", c => new OneHotIoU(
            RequiredInt32(c, "num_classes"), c.GetInt32Array("target_class_ids") ?? throw new ArgumentException($"Config key 'target_class_ids' of '{c.Identifier}' is required.", "configJson"), c.GetNullableInt32("ignore_class", null),
            c.GetBoolean("sparse_y_pred", false), c.GetInt32("axis", -1), c.Name));
        Register("OneHotMeanIoU", c => new OneHotMeanIoU(
            RequiredInt32(c, "num_classes"), c.GetNullableInt32("ignore_class", null),
            c.GetBoolean("sparse_y_pred", false), c.GetInt32("axis", -1), c.Name));
    }
}
