namespace TbLogger.Reading;

/// <summary>
/// One histogram. <see cref="Buckets"/> are what TensorBoard's histograms plugin serves: for a HistogramProto, the
/// empty buckets at both ends are dropped, the first bucket starts at min and the last ends at max; a TF2 [k, 3]
/// tensor is taken as is.
/// </summary>
/// <param name="Run">The run name.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Step">The step.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Count">Number of values.</param>
/// <param name="Sum">Sum of the values (NaN when the source does not store it).</param>
/// <param name="SumSquares">Sum of squares (NaN when the source does not store it).</param>
/// <param name="Buckets">The buckets.</param>
public sealed record HistogramPoint(string Run, string Tag, long Step, double WallTime, double Min, double Max, double Count, double Sum, double SumSquares, IReadOnlyList<HistogramBucket> Buckets);
