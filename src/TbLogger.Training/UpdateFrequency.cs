namespace TbLogger.Training;

/// <summary>
/// How often <see cref="TensorBoardCallback"/> writes training values (Keras's <c>update_freq</c>): once per epoch
/// (<c>epoch_</c> tags only), after every batch, or after every N batches (<c>batch_</c> tags at the global batch count).
/// </summary>
public readonly record struct UpdateFrequency
{
    private UpdateFrequency(int batches) => Batches = batches;

    /// <summary>Batches between <c>batch_</c> writes; 0 means per epoch only.</summary>
    public int Batches { get; }

    /// <summary>True for <see cref="Epoch"/>.</summary>
    public bool IsEpoch => Batches == 0;

    /// <summary>Write <c>epoch_</c> values only (Keras's default, <c>"epoch"</c>).</summary>
    public static UpdateFrequency Epoch => default;

    /// <summary>Write <c>batch_</c> values after every batch (Keras's <c>"batch"</c>).</summary>
    public static UpdateFrequency Batch => new(1);

    /// <summary>Write <c>batch_</c> values after every <paramref name="n"/> batches (Keras's <c>update_freq=n</c>).</summary>
    /// <param name="n">At least 1.</param>
    /// <returns>The frequency.</returns>
    public static UpdateFrequency EveryNBatches(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return new UpdateFrequency(n);
    }

    /// <inheritdoc/>
    public override string ToString() => Batches switch { 0 => "epoch", 1 => "batch", var n => n.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
