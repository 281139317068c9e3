using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace TbLogger.Diagnostics;

/// <summary>
/// Records <see cref="System.Diagnostics.Metrics"/> instruments into a <see cref="SummaryWriter"/>, so a service or
/// training job instrumented with <see cref="Meter"/>s shows up in TensorBoard. Every <see cref="MeterBridgeOptions.Interval"/>
/// (and on <see cref="Collect"/> and dispose) it writes one point per series at the interval's step, with the real wall time:
/// counters → "{tag}/total" and "{tag}/rate" (per second), histograms → a histogram of the interval's measurements,
/// gauges and observable up-down counters → their current value. Measurements with tags form one series per tag set,
/// "{tag}{key=value,…}".
/// </summary>
/// <example>
/// <code>
/// using var bridge = new MeterBridge(writer, new MeterBridgeOptions { MeterNames = ["System.Runtime", "MyTrainer"] });
/// </code>
/// </example>
public sealed class MeterBridge : IDisposable
{
    private readonly SummaryWriter _writer;
    private readonly MeterBridgeOptions _options;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<string, SeriesState> _series = new(StringComparer.Ordinal);
    private readonly object _collectGate = new();
    private readonly ITimer? _timer;
    private long _lastCollect;
    private long _interval;
    private int _instrumentCount;
    private Exception? _lastError;
    private bool _disposed;

    /// <summary>Starts listening; instruments published before and after this call are both recorded.</summary>
    /// <param name="writer">Where points go; not disposed by the bridge.</param>
    /// <param name="options">Selection, interval and step.</param>
    public MeterBridge(SummaryWriter writer, MeterBridgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _writer = writer;
        _options = options;
        _lastCollect = options.TimeProvider.GetTimestamp();
        _listener = new MeterListener { InstrumentPublished = OnPublished };
        _listener.SetMeasurementEventCallback<byte>((i, v, t, s) => Record(v, t, s));
        _listener.SetMeasurementEventCallback<short>((i, v, t, s) => Record(v, t, s));
        _listener.SetMeasurementEventCallback<int>((i, v, t, s) => Record(v, t, s));
        _listener.SetMeasurementEventCallback<long>((i, v, t, s) => Record(v, t, s));
        _listener.SetMeasurementEventCallback<float>((i, v, t, s) => Record(v, t, s));
        _listener.SetMeasurementEventCallback<double>((i, v, t, s) => Record(v, t, s));
        _listener.SetMeasurementEventCallback<decimal>((i, v, t, s) => Record((double)v, t, s));
        _listener.Start();
        if (options.Interval != Timeout.InfiniteTimeSpan)
        {
            _timer = options.TimeProvider.CreateTimer(_ => CollectOnTimer(), null, options.Interval, options.Interval);
        }
    }

    /// <summary>Instruments being recorded now.</summary>
    public int InstrumentCount => Volatile.Read(ref _instrumentCount);

    /// <summary>The last error of a timed collection (e.g. the writer was disposed first), or null.</summary>
    public Exception? LastError
    {
        get => Volatile.Read(ref _lastError);
        private set => Volatile.Write(ref _lastError, value);
    }

    /// <summary>Writes one point per series now (polling observable instruments) and starts a new interval.</summary>
    /// <returns>The step the points were written at.</returns>
    /// <exception cref="ObjectDisposedException">The bridge was disposed.</exception>
    public long Collect()
    {
        lock (_collectGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return CollectLocked();
        }
    }

    private long CollectLocked()
    {
        // Observable instruments report inside this call, through the same callbacks.
        _listener.RecordObservableInstruments();
        long now = _options.TimeProvider.GetTimestamp();
        double seconds = _options.TimeProvider.GetElapsedTime(_lastCollect, now).TotalSeconds;
        _lastCollect = now;
        long step = _options.Step?.Invoke() ?? _interval;
        _interval++;
        DateTimeOffset wallTime = _options.TimeProvider.GetUtcNow();
        foreach (var series in _series.Values.OrderBy(s => s.Tag, StringComparer.Ordinal))
        {
            lock (series)
            {
                Write(series, step, seconds, wallTime);
            }
        }
        return step;
    }

    private void Write(SeriesState s, long step, double seconds, DateTimeOffset wallTime)
    {
        switch (s.Kind)
        {
            case InstrumentKind.Increments:
            {
                // The interval is consumed before anything is written: a write that throws must not count it twice.
                double increments = s.Sum;
                s.Total += increments;
                s.Sum = 0;
                _writer.AddScalar(s.Tag + "/total", s.Total, step, wallTime);
                if (seconds > 0)
                {
                    _writer.AddScalar(s.Tag + "/rate", increments / seconds, step, wallTime);
                }
                break;
            }
            case InstrumentKind.ObservedTotals:
            {
                if (!s.HasValue)
                {
                    break;
                }
                double previous = s.Total;
                bool hadPrevious = s.HasPrevious;
                s.Total = s.Last;
                s.HasPrevious = true;
                _writer.AddScalar(s.Tag + "/total", s.Last, step, wallTime);
                if (hadPrevious && seconds > 0)
                {
                    _writer.AddScalar(s.Tag + "/rate", (s.Last - previous) / seconds, step, wallTime);
                }
                break;
            }
            case InstrumentKind.Gauge:
                if (s.HasValue)
                {
                    _writer.AddScalar(s.Tag, s.Last, step, wallTime);
                }
                break;
            case InstrumentKind.Histogram:
                if (s.Values.Count > 0)
                {
                    _writer.AddHistogram(s.Tag, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(s.Values), step, wallTime: wallTime);
                    s.Values.Clear();
                }
                break;
        }
    }

    private void CollectOnTimer()
    {
        try
        {
            lock (_collectGate)
            {
                if (!_disposed)
                {
                    CollectLocked();
                }
            }
        }
        catch (Exception ex)
        {
            // A timer thread has no caller to throw to, and an exception escaping it ends the process (a throwing
            // Step callback, StepDiscipline.Throw, a closed writer, an I/O error): keep it for LastError.
            LastError = ex;
        }
    }

    private void OnPublished(Instrument instrument, MeterListener listener)
    {
        bool selected = _options.MeterNames.Contains(instrument.Meter.Name, StringComparer.Ordinal)
                        || (_options.Filter?.Invoke(instrument) ?? false);
        if (!selected || KindOf(instrument) is not { } kind)
        {
            return;
        }
        string tag = $"{_options.TagPrefix}{instrument.Meter.Name}/{instrument.Name}";
        listener.EnableMeasurementEvents(instrument, new InstrumentState(tag, kind));
        Interlocked.Increment(ref _instrumentCount); // instruments may be published on several threads at once
    }

    private static InstrumentKind? KindOf(Instrument instrument)
    {
        Type? definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : null;
        if (definition == typeof(Counter<>) || definition == typeof(UpDownCounter<>))
        {
            return InstrumentKind.Increments;
        }
        if (definition == typeof(ObservableCounter<>))
        {
            return InstrumentKind.ObservedTotals;
        }
        if (definition == typeof(Histogram<>))
        {
            return InstrumentKind.Histogram;
        }
        if (definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>))
        {
            return InstrumentKind.Gauge;
        }
        return null;
    }

    private void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (state is not InstrumentState instrument)
        {
            return;
        }
        string key = tags.IsEmpty ? instrument.Tag : instrument.Tag + FormatTags(tags);
        var series = _series.GetOrAdd(key, static (k, kind) => new SeriesState(k, kind), instrument.Kind);
        lock (series)
        {
            switch (series.Kind)
            {
                case InstrumentKind.Increments:
                    series.Sum += value;
                    break;
                case InstrumentKind.Histogram:
                    series.Values.Add(value);
                    break;
                default:
                    series.Last = value;
                    series.HasValue = true;
                    break;
            }
        }
    }

    private static string FormatTags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var sorted = tags.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder("{");
        for (int i = 0; i < sorted.Length; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(sorted[i].Key).Append('=')
                .Append(Convert.ToString(sorted[i].Value, CultureInfo.InvariantCulture));
        }
        return text.Append('}').ToString();
    }

    /// <summary>
    /// Stops listening and writes the last, partial interval. The writer stays open. When the writer was disposed
    /// first, the last interval is dropped and the <see cref="ObjectDisposedException"/> kept in <see cref="LastError"/>.
    /// </summary>
    public void Dispose()
    {
        _timer?.Dispose();
        lock (_collectGate)
        {
            if (_disposed)
            {
                return;
            }
            try
            {
                CollectLocked();
            }
            catch (ObjectDisposedException ex)
            {
                // The writer was disposed first (e.g. reversed using order): the last interval has nowhere to go,
                // and Dispose must not throw for it. Other errors (I/O) still reach the caller.
                LastError = ex;
            }
            finally
            {
                _disposed = true;
                _listener.Dispose();
            }
        }
    }

    private sealed record InstrumentState(string Tag, InstrumentKind Kind);
}
