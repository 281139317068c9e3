namespace TbLogger.Diagnostics;

/// <summary>What one series (an instrument with one set of measurement tags) gathered since the last collection. Guarded by its own lock.</summary>
internal sealed class SeriesState(string tag, InstrumentKind kind)
{
    public string Tag { get; } = tag;

    public InstrumentKind Kind { get; } = kind;

    /// <summary>Increments of this interval (Increments) or the last observed total (ObservedTotals).</summary>
    public double Sum { get; set; }

    /// <summary>Total since the bridge started (Increments), or the total at the previous collection (ObservedTotals).</summary>
    public double Total { get; set; }

    public double Last { get; set; }

    public bool HasValue { get; set; }

    public bool HasPrevious { get; set; }

    public List<double> Values { get; } = [];
}
