namespace TbLogger.Metrics;

// Factory registrations of the confusion family (Keras class names, config keys and defaults).
public static partial class MetricFactory
{
    static partial void RegisterConfusionMetrics()
    {
        Register("TruePositives", c => new TruePositives(c.GetSingleArray("thresholds"), c.Name));
        Register("FalsePositives", c => new FalsePositives(c.GetSingleArray("thresholds"), c.Name));
        Register("TrueNegatives", c => new TrueNegatives(c.GetSingleArray("thresholds"), c.Name));
        Register("FalseNegatives", c => new FalseNegatives(c.GetSingleArray("thresholds"), c.Name));
        Register("Precision", c => new Precision(c.GetSingleArray("thresholds"), c.GetNullableInt32("top_k", null), c.GetNullableInt32("class_id", null), c.Name));
        Register("Recall", c => new Recall(c.GetSingleArray("thresholds"), c.GetNullableInt32("top_k", null), c.GetNullableInt32("class_id", null), c.Name));
        Register("SensitivityAtSpecificity", c => new SensitivityAtSpecificity(
            RequiredDouble(c, "specificity"), c.GetInt32("num_thresholds", 200), c.GetNullableInt32("class_id", null), c.Name));
        Register("SpecificityAtSensitivity", c => new SpecificityAtSensitivity(
            RequiredDouble(c, "sensitivity"), c.GetInt32("num_thresholds", 200), c.GetNullableInt32("class_id", null), c.Name));
        Register("PrecisionAtRecall", c => new PrecisionAtRecall(
            RequiredDouble(c, "recall"), c.GetInt32("num_thresholds", 200), c.GetNullableInt32("class_id", null), c.Name));
        Register("RecallAtPrecision", c => new RecallAtPrecision(
            RequiredDouble(c, "precision"), c.GetInt32("num_thresholds", 200), c.GetNullableInt32("class_id", null), c.Name));
        Register("AUC", c => new AUC(
            c.GetInt32("num_thresholds", 200),
            ParseAucCurve(c.GetString("curve", "ROC")),
            ParseSummationMethod(c.GetString("summation_method", "interpolation")),
            c.GetSingleArray("thresholds"),
            c.GetBoolean("multi_label", false),
            c.GetNullableInt32("num_labels", null),
            c.GetSingleArray("label_weights"),
            c.GetBoolean("from_logits", false),
            c.Name));
        Register("ConfusionMatrix", c => new ConfusionMatrix(
            RequiredInt32(c, "num_classes"),
            ParseNormalization(c.GetString("normalize", null)),
            c.GetNullableInt32("ignore_class", null),
            c.GetBoolean("sparse_y_true", true),
            c.GetBoolean("sparse_y_pred", false),
            c.Name));
    }

    private static double RequiredDouble(MetricConfig c, string key)
        => c.Has(key) ? c.GetDouble(key, 0) : throw new ArgumentException($"Config key '{key}' of '{c.Identifier}' is required.", "configJson");

    private static int RequiredInt32(MetricConfig c, string key)
        => c.Has(key) ? c.GetInt32(key, 0) : throw new ArgumentException($"Config key '{key}' of '{c.Identifier}' is required.", "configJson");

    private static AucCurve ParseAucCurve(string? value) => value switch
    {
        "ROC" or "roc" => AucCurve.Roc,
        "PR" or "pr" => AucCurve.PR,
        "PRGAIN" or "prgain" => AucCurve.PRGain,
        _ => throw new ArgumentException($"Invalid AUC curve value: \"{value}\". Expected values are [\"PR\", \"ROC\", \"PRGAIN\"].", "configJson"),
    };

    private static AucSummationMethod ParseSummationMethod(string? value) => value switch
    {
        "interpolation" or "Interpolation" => AucSummationMethod.Interpolation,
        "majoring" or "Majoring" => AucSummationMethod.Majoring,
        "minoring" or "Minoring" => AucSummationMethod.Minoring,
        _ => throw new ArgumentException(
            $"Invalid AUC summation method value: \"{value}\". Expected values are [\"interpolation\", \"majoring\", \"minoring\"].", "configJson"),
    };

    private static ConfusionMatrixNormalization ParseNormalization(string? value) => value switch
    {
        null => ConfusionMatrixNormalization.None,
        "true" => ConfusionMatrixNormalization.True,
        "pred" => ConfusionMatrixNormalization.Pred,
        "all" => ConfusionMatrixNormalization.All,
        _ => throw new ArgumentException($"Invalid normalize value: \"{value}\". Expected null, \"true\", \"pred\" or \"all\".", "configJson"),
    };
}
