namespace TbLogger.Metrics.Losses;

/// <summary>
/// Per-instance working buffers that grow to the largest batch seen and are then reused, so that a loss allocates
/// nothing per call after warm-up. Slots below <see cref="FirstKernelSlot"/> belong to <see cref="Loss"/> itself.
/// </summary>
internal sealed class LossScratch
{
    public const int TrueFlat = 0, PredFlat = 1, TrueTransposed = 2, PredTransposed = 3, Weights = 4, Mask = 5,
                     Values = 6, Upstream = 7, Gradient = 8, WeightFlat = 9, Perturbed = 10, Plus = 11, Minus = 12;

    /// <summary>First slot a kernel may use for its own buffers.</summary>
    public const int FirstKernelSlot = 13;

    private float[][] _buffers = new float[FirstKernelSlot + 6][];

    /// <summary>A buffer of exactly <paramref name="length"/> floats (contents unspecified).</summary>
    public Span<float> Get(int slot, int length)
    {
        if (slot >= _buffers.Length) Array.Resize(ref _buffers, slot + 4);
        float[]? b = _buffers[slot];
        if (b is null || b.Length < length)
            _buffers[slot] = b = new float[Math.Max(length, 16)];
        return b.AsSpan(0, length);
    }
}
