namespace TbLogger.Metrics;

/// <summary>The curve whose area <see cref="AUC"/> computes (Keras <c>curve</c>).</summary>
public enum AucCurve
{
    /// <summary>Receiver operating characteristic: recall (TPR) against false-positive rate. Keras <c>"ROC"</c>.</summary>
    Roc = 0,

    /// <summary>Precision against recall. Keras <c>"PR"</c>.</summary>
    PR = 1,

    /// <summary>Precision gain against recall gain (Flach &amp; Kull 2015). Keras <c>"PRGAIN"</c>.</summary>
    PRGain = 2,
}

/// <summary>The Riemann summation used by <see cref="AUC"/> (Keras <c>summation_method</c>).</summary>
public enum AucSummationMethod
{
    /// <summary>Trapezoids for ROC and PR-gain; for PR, Davis–Goadrich interpolation of TP and FP. Keras <c>"interpolation"</c>.</summary>
    Interpolation = 0,

    /// <summary>Lower bound: the smaller of the two heights of each interval. Keras <c>"minoring"</c>.</summary>
    Minoring = 1,

    /// <summary>Upper bound: the larger of the two heights of each interval. Keras <c>"majoring"</c>.</summary>
    Majoring = 2,
}
