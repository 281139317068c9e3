namespace TbLogger.Metrics;

/// <summary>How <see cref="ConfusionMatrix"/> normalises its counts (scikit-learn's <c>normalize</c> values).</summary>
public enum ConfusionMatrixNormalization
{
    /// <summary>Raw (weighted) counts.</summary>
    None = 0,

    /// <summary>Each row (true class) sums to 1: row i is the distribution of predictions for class i. <c>"true"</c>.</summary>
    True = 1,

    /// <summary>Each column (predicted class) sums to 1. <c>"pred"</c>.</summary>
    Pred = 2,

    /// <summary>The whole matrix sums to 1. <c>"all"</c>.</summary>
    All = 3,
}
