namespace TbLogger.Metrics;

/// <summary>Which cell of the binary confusion matrix a count metric accumulates.</summary>
internal enum ConfusionCondition
{
    TruePositives,
    FalsePositives,
    TrueNegatives,
    FalseNegatives,
}
