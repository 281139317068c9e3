namespace TbLogger;

/// <summary>
/// numpy's named rules for the number of equal-width buckets (<c>np.histogram(values, bins="fd")</c>). Each rule gives
/// a bucket width h from the data; the count is ceil((max − min) / h) (1 when h is 0), over [min, max] exactly as
/// numpy's <c>histogram_bin_edges</c> lays them out.
/// </summary>
public enum HistogramBinRule
{
    /// <summary>The smaller width of <see cref="Fd"/> and <see cref="Sturges"/>; Sturges alone when the IQR is 0.</summary>
    Auto,

    /// <summary>Freedman–Diaconis: h = 2 · IQR · n^(−1/3).</summary>
    Fd,

    /// <summary>Doane: h = range / (1 + log2 n + log2(1 + |g1| / σg1)), with g1 the sample skewness.</summary>
    Doane,

    /// <summary>Scott: h = (24 √π / n)^(1/3) · σ.</summary>
    Scott,

    /// <summary>Stone: the bucket count in 1..max(100, √n) minimising the cross-validated integrated squared error.</summary>
    Stone,

    /// <summary>Rice: h = range / (2 n^(1/3)).</summary>
    Rice,

    /// <summary>Sturges: h = range / (log2 n + 1).</summary>
    Sturges,

    /// <summary>Square root: h = range / √n.</summary>
    Sqrt,
}
