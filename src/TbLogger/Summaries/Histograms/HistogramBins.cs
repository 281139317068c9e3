namespace TbLogger;

/// <summary>
/// Where a histogram's bucket edges lie. <c>default</c> is <see cref="Exponential"/>, the scheme TensorFlow and
/// PyTorch use unless told otherwise. Bucket i holds values v with edge[i] &lt;= v &lt; edge[i + 1] (the last bucket
/// also holds v == its right edge), as numpy's <c>histogram</c> does.
/// </summary>
public readonly struct HistogramBins
{
    /// <summary>The most buckets <see cref="Uniform"/> accepts; TensorBoard downsamples far below this anyway.</summary>
    public const int MaxBinCount = 1 << 20;

    private readonly double[]? _edges;
    private readonly int _count;

    private HistogramBins(HistogramBinKind kind, int count, double[]? edges)
    {
        Kind = kind;
        _count = count;
        _edges = edges;
    }

    /// <summary>TensorFlow's and PyTorch's exponential buckets (the default).</summary>
    public static HistogramBins Exponential => default;

    /// <summary>How the edges are placed.</summary>
    public HistogramBinKind Kind { get; }

    /// <summary>The number of buckets before empty ones are trimmed.</summary>
    public int BinCount => Kind switch
    {
        HistogramBinKind.Uniform => _count,
        HistogramBinKind.Explicit => _edges!.Length - 1,
        _ => ExponentialEdges.Edges.Length - 1,
    };

    /// <summary>
    /// The edges for <see cref="HistogramBinKind.Exponential"/> and <see cref="HistogramBinKind.Explicit"/>; empty for
    /// <see cref="HistogramBinKind.Uniform"/>, whose edges depend on the data.
    /// </summary>
    public ReadOnlySpan<double> Edges => Kind switch
    {
        HistogramBinKind.Uniform => [],
        HistogramBinKind.Explicit => _edges,
        _ => ExponentialEdges.Edges,
    };

    /// <summary>
    /// <paramref name="count"/> equal-width buckets from the smallest to the largest finite value, like numpy's
    /// <c>histogram(values, bins=count)</c>; when every value is equal the range is that value ± 0.5.
    /// </summary>
    /// <param name="count">Number of buckets, 1 to <see cref="MaxBinCount"/>.</param>
    /// <returns>The binning.</returns>
    public static HistogramBins Uniform(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxBinCount);
        return new HistogramBins(HistogramBinKind.Uniform, count, null);
    }

    /// <summary>
    /// Buckets between the given edges, like numpy's <c>histogram(values, bins=edges)</c>. Values below the first edge
    /// or above the last are counted in <c>num</c>, <c>min</c>, <c>max</c> and the sums but in no bucket, as in numpy
    /// and PyTorch. The edges are copied.
    /// </summary>
    /// <param name="edges">At least two finite, strictly increasing edges.</param>
    /// <returns>The binning.</returns>
    public static HistogramBins FromEdges(ReadOnlySpan<double> edges)
    {
        if (edges.Length < 2)
        {
            throw new ArgumentException("A histogram needs at least two edges.", nameof(edges));
        }
        if (edges.Length - 1 > MaxBinCount)
        {
            throw new ArgumentException($"At most {MaxBinCount} buckets are supported.", nameof(edges));
        }
        for (int i = 0; i < edges.Length; i++)
        {
            if (!double.IsFinite(edges[i]))
            {
                throw new ArgumentException($"Edge {i} is {edges[i]}; edges must be finite.", nameof(edges));
            }
            if (i > 0 && !(edges[i] > edges[i - 1]))
            {
                throw new ArgumentException($"Edges must increase strictly; edge {i} ({edges[i]}) is not above edge {i - 1} ({edges[i - 1]}).", nameof(edges));
            }
        }
        return new HistogramBins(HistogramBinKind.Explicit, edges.Length - 1, edges.ToArray());
    }

    internal double[] ExplicitEdges => _edges!;
}
