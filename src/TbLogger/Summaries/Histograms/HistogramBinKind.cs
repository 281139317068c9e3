namespace TbLogger;

/// <summary>How <see cref="HistogramBins"/> places bucket edges.</summary>
public enum HistogramBinKind
{
    /// <summary>
    /// TensorFlow's and PyTorch's default: edges 0 and ±1e-12 × 1.1^k below 1e20 (774 on each side), so buckets are
    /// about 10% wide at every magnitude and the same for every step.
    /// </summary>
    Exponential = 0,

    /// <summary>A fixed number of equal-width buckets between the finite minimum and maximum of the values (numpy's <c>bins=n</c>).</summary>
    Uniform = 1,

    /// <summary>Caller-given edges (numpy's <c>bins=[e0, e1, ...]</c>); values outside [first, last] fall in no bucket.</summary>
    Explicit = 2,

    /// <summary>Equal-width buckets whose number a <see cref="HistogramBinRule"/> chooses from the data (numpy's <c>bins="fd"</c> etc.).</summary>
    Rule = 3,
}
