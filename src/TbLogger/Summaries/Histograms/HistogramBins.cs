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

    private HistogramBins(HistogramBinKind kind, int count, double[]? edges, HistogramBinRule rule = default, int maxBins = 0)
    {
        Kind = kind;
        _count = count;
        _edges = edges;
        Rule = rule;
        MaxBins = maxBins;
    }

    /// <summary>The rule for <see cref="HistogramBinKind.Rule"/>; ignored otherwise.</summary>
    public HistogramBinRule Rule { get; }

    /// <summary>
    /// PyTorch's <c>max_bins</c>: 0 for none; otherwise, when there are more buckets than this, groups of
    /// floor(buckets / MaxBins) adjacent buckets are merged (see <see cref="WithMaxBins"/>).
    /// </summary>
    public int MaxBins { get; }

    /// <summary>
    /// Equal-width buckets over [min, max] of the finite values, as many as numpy's named rule chooses
    /// (<c>np.histogram(values, bins="fd")</c>), with numpy's exact edges. Rules that need order statistics
    /// (<see cref="HistogramBinRule.Fd"/>, <see cref="HistogramBinRule.Auto"/>, <see cref="HistogramBinRule.Stone"/>)
    /// sort a copy of the values.
    /// </summary>
    /// <param name="rule">The rule.</param>
    /// <returns>The bins.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The rule is not defined.</exception>
    public static HistogramBins FromRule(HistogramBinRule rule)
    {
        if (!Enum.IsDefined(rule))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule, "Unknown histogram bin rule.");
        }
        return new HistogramBins(HistogramBinKind.Rule, 0, null, rule);
    }

    /// <summary>
    /// These bins with PyTorch's <c>max_bins</c>: when a histogram has more than <paramref name="maxBins"/> buckets,
    /// s = floor(buckets / maxBins) adjacent buckets are summed into one (the counts padded with empty buckets to a
    /// multiple of s first, and s consecutive edges kept), exactly as <c>torch.utils.tensorboard</c>'s
    /// <c>make_histogram</c> does, so the result can still have more than <paramref name="maxBins"/> buckets.
    /// </summary>
    /// <param name="maxBins">At least 1.</param>
    /// <returns>The bins with the limit.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBins"/> is below 1.</exception>
    public HistogramBins WithMaxBins(int maxBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBins, 1);
        return new HistogramBins(Kind, _count, _edges, Rule, maxBins);
    }

    /// <summary>TensorFlow's and PyTorch's exponential buckets (the default).</summary>
    public static HistogramBins Exponential => default;

    /// <summary>How the edges are placed.</summary>
    public HistogramBinKind Kind { get; }

    /// <summary>The number of buckets before merging and trimming; 0 for <see cref="HistogramBinKind.Rule"/>, whose count depends on the data.</summary>
    public int BinCount => Kind switch
    {
        HistogramBinKind.Rule => 0,
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
        HistogramBinKind.Uniform or HistogramBinKind.Rule => [],
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
