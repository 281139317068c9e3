namespace TbLogger.Diagnostics;

/// <summary>How a <see cref="MeterBridge"/> turns an instrument's measurements into TensorBoard series.</summary>
internal enum InstrumentKind
{
    /// <summary>Counter / UpDownCounter: measurements are increments; writes "/total" (since start) and "/rate" (per second over the interval).</summary>
    Increments,

    /// <summary>ObservableCounter: observations are running totals; writes "/total" and "/rate".</summary>
    ObservedTotals,

    /// <summary>Gauge, ObservableGauge, ObservableUpDownCounter: the last value, polled at each collection.</summary>
    Gauge,

    /// <summary>Histogram: every measurement of the interval as one TensorBoard histogram.</summary>
    Histogram,
}
