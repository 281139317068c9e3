using TbLogger.Events;

namespace TbLogger;

/// <summary>Settings of a <see cref="SummaryWriter"/>: the event file writer's queue and flush settings plus how summaries are written.</summary>
public sealed record SummaryWriterOptions : EventFileWriterOptions
{
    /// <summary>
    /// How scalars are stored (default <see cref="TbLogger.ScalarEncoding.Float32Tensor"/>, the TF2 form).
    /// <see cref="TbLogger.ScalarEncoding.Float64Tensor"/> keeps double precision, but TensorBoard's default
    /// loader drops DT_DOUBLE scalars: only <c>tensorboard --load_fast=false</c> shows them.
    /// </summary>
    public ScalarEncoding ScalarEncoding { get; init; } = ScalarEncoding.Float32Tensor;
}
