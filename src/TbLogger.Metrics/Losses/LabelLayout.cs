namespace TbLogger.Metrics.Losses;

/// <summary>What shape a loss expects <c>yTrue</c> to have relative to <c>yPred</c>.</summary>
internal enum LabelLayout
{
    /// <summary>Same shape as yPred, up to one trailing dimension of length 1 (Keras's squeeze_or_expand_to_same_rank).</summary>
    Dense,

    /// <summary>One integer class index per per-sample value: yPred's shape without the class axis (or with it as 1).</summary>
    Sparse,

    /// <summary>Not checked: the loss (a user function) interprets the labels itself.</summary>
    Any,
}
