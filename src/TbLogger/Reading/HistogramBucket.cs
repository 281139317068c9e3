namespace TbLogger.Reading;

/// <summary>A histogram bucket as TensorBoard serves it: values in (Left, Right], Count of them.</summary>
/// <param name="Left">Left edge.</param>
/// <param name="Right">Right edge.</param>
/// <param name="Count">How many values fell in the bucket.</param>
public readonly record struct HistogramBucket(double Left, double Right, double Count);
