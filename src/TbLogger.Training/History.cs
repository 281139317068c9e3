using TbLogger.Training.Figures;

namespace TbLogger.Training;

/// <summary>
/// Records every epoch's logs (Keras's <c>History</c>): <see cref="Epochs"/> and, per name, the values in epoch order.
/// <see cref="Plot"/> draws loss and metrics per epoch, training against validation, into a PNG.
/// </summary>
public sealed class History : Callback
{
    private const int MaxSide = 20_000;
    private const long MaxPixels = 1L << 28;
    private readonly List<int> _epochs = [];
    private readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _valueEpochs = new(StringComparer.Ordinal);
    private readonly List<IReadOnlyDictionary<string, double>> _logs = [];

    /// <summary>The epochs recorded, in order (Keras's <c>history.epoch</c>).</summary>
    public IReadOnlyList<int> Epochs => _epochs;

    /// <summary>Every epoch's logs, copied, in order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> EpochLogs => _logs;

    /// <summary>The names recorded so far, in first-seen order.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>The values of one name, one per epoch that logged it (Keras's <c>history.history[name]</c>).</summary>
    /// <param name="key">A log name, e.g. <c>"loss"</c> or <c>"val_accuracy"</c>.</param>
    /// <returns>The values.</returns>
    /// <exception cref="KeyNotFoundException">No epoch logged that name.</exception>
    public IReadOnlyList<double> this[string key] => _values.TryGetValue(key, out var v) ? v
        : throw new KeyNotFoundException($"History has no '{key}'. Names: {string.Join(", ", _values.Keys)}.");

    /// <summary>Whether any epoch logged <paramref name="key"/>.</summary>
    /// <param name="key">A log name.</param>
    /// <returns>True when recorded.</returns>
    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>The epochs at which <paramref name="key"/> was logged (same length as <c>this[key]</c>).</summary>
    /// <param name="key">A log name.</param>
    /// <returns>The epochs.</returns>
    public IReadOnlyList<int> EpochsOf(string key) => _valueEpochs.TryGetValue(key, out var e) ? e : [];

    /// <summary>Starts a new record (Keras keeps the values of earlier <c>fit</c> calls; so does this, and only clears the epoch list when asked).</summary>
    /// <param name="logs">Ignored.</param>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double>? logs = null)
    {
    }

    /// <summary>Clears everything recorded.</summary>
    public void Clear()
    {
        _epochs.Clear();
        _values.Clear();
        _valueEpochs.Clear();
        _logs.Clear();
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double>? logs = null)
    {
        _epochs.Add(epoch);
        var copy = Logs.Copy(logs);
        _logs.Add(copy);
        foreach (var (k, v) in copy)
        {
            if (!_values.TryGetValue(k, out var list))
            {
                _values[k] = list = [];
                _valueEpochs[k] = [];
            }
            list.Add(v);
            _valueEpochs[k].Add(epoch);
        }
    }

    /// <summary>
    /// Writes a PNG with one panel per quantity (loss first, then metrics): training and validation (<c>val_</c>) lines per
    /// epoch, axes labelled, epochs counted from 1 as Keras prints them.
    /// </summary>
    /// <param name="path">The PNG file to write (directories are created).</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="panelHeight">Height of each row of panels in pixels.</param>
    /// <exception cref="InvalidOperationException">Nothing was recorded yet.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or above 20000, or the figure would exceed 2^28 pixels.</exception>
    public void Plot(string path, int width = 1200, int panelHeight = 360)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var png = RenderPng(width, panelHeight);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, png);
    }

    /// <summary>The figure of <see cref="Plot"/> as PNG bytes.</summary>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="panelHeight">Height of each row of panels in pixels.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="InvalidOperationException">Nothing was recorded yet.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1 or above 20000, or the figure would exceed 2^28 pixels.</exception>
    public byte[] RenderPng(int width = 1200, int panelHeight = 360)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, MaxSide);
        ArgumentOutOfRangeException.ThrowIfLessThan(panelHeight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(panelHeight, MaxSide);
        if (_epochs.Count == 0) throw new InvalidOperationException("History is empty: no epoch has ended yet.");
        var names = new List<string>();
        foreach (var k in _values.Keys)
        {
            string baseName = k.StartsWith(Logs.ValidationPrefix, StringComparison.Ordinal) ? k[Logs.ValidationPrefix.Length..] : k;
            if (!names.Contains(baseName)) names.Add(baseName);
        }
        if (names.Count == 0)
            throw new InvalidOperationException($"History has no values to plot: the {_epochs.Count} epoch(s) recorded logged nothing.");
        long rows = names.Count == 1 ? 1 : (names.Count + 1) / 2; // FigureRenderer: two panels per row
        if ((long)width * rows * panelHeight > MaxPixels)
            throw new ArgumentOutOfRangeException(nameof(panelHeight), panelHeight,
                $"{rows} row(s) of {width}x{panelHeight} panels exceed {MaxPixels} pixels; use smaller panels.");
        names = [.. names.OrderBy(n => n == "loss" ? 0 : 1)]; // loss first, the rest as first logged (OrderBy is stable)
        var panels = new List<HistoryPanel>(names.Count);
        foreach (var n in names)
        {
            Series? train = _values.ContainsKey(n) ? new Series(EpochsOf(n), this[n]) : null;
            string v = Logs.ValidationPrefix + n;
            Series? val = _values.ContainsKey(v) ? new Series(EpochsOf(v), this[v]) : null;
            panels.Add(new HistoryPanel(n, train, val));
        }
        return FigureRenderer.HistoryPng(panels, width, panelHeight);
    }
}
