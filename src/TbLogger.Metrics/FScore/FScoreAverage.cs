namespace TbLogger.Metrics;

/// <summary>How <see cref="FBetaScore"/> and <see cref="F1Score"/> average per-class scores (Keras <c>average</c>).</summary>
public enum FScoreAverage
{
    /// <summary>No averaging: one score per class, a vector result. Keras <c>None</c>.</summary>
    None = 0,

    /// <summary>One score from the counts summed over all classes. Keras <c>"micro"</c>.</summary>
    Micro = 1,

    /// <summary>Unweighted mean of the per-class scores. Keras <c>"macro"</c>.</summary>
    Macro = 2,

    /// <summary>Mean of the per-class scores weighted by support (summed label weight per class). Keras <c>"weighted"</c>.</summary>
    Weighted = 3,
}
