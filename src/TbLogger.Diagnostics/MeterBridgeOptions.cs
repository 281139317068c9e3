using System.Diagnostics.Metrics;

namespace TbLogger.Diagnostics;

/// <summary>Which instruments a <see cref="MeterBridge"/> records, how often and under which step.</summary>
public sealed record MeterBridgeOptions
{
    /// <summary>Meters whose every instrument is recorded (by <see cref="Meter.Name"/>, ordinal); empty with no <see cref="Filter"/> records nothing.</summary>
    public IReadOnlyCollection<string> MeterNames { get; init; } = [];

    /// <summary>Further instruments to record (or, with <see cref="MeterNames"/> empty, the only selection); null for none.</summary>
    public Func<Instrument, bool>? Filter { get; init; }

    /// <summary>
    /// How often the bridge writes one point per series (default 10 s). <see cref="Timeout.InfiniteTimeSpan"/>
    /// writes only on <see cref="MeterBridge.Collect"/> and dispose.
    /// </summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The step of each collection; null uses the interval index (0, 1, 2, …). E.g. <c>() => trainer.GlobalStep</c>.</summary>
    public Func<long>? Step { get; init; }

    /// <summary>Prepended to every tag ("{prefix}{meter}/{instrument}"), e.g. "system/"; null for none.</summary>
    public string? TagPrefix { get; init; }

    /// <summary>Clock for wall times and rates (default the system clock); tests pass their own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(MeterNames, nameof(MeterNames));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        if (Interval != Timeout.InfiniteTimeSpan && Interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "Interval must be positive or Timeout.InfiniteTimeSpan.");
        }
    }
}
