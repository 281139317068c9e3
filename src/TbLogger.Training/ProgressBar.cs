using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TbLogger.Training;

/// <summary>
/// A console progress bar that looks like Keras's <c>Progbar</c>: <c>Epoch 3/20</c>, then a line redrawn in place,
/// <c>23/45 ━━━━━━━━━━────────── 1s 3ms/step - accuracy: 0.9123 - loss: 0.2871</c>, with the ETA while the epoch runs and
/// the elapsed time, step time and every epoch value (validation included) when it ends.
/// </summary>
/// <remarks>
/// When the output is not a terminal (redirected to a CI log, a file, a pipe) nothing is redrawn: one line per epoch
/// is printed at its end (Keras's <c>verbose=2</c>). Colours and bold are left out when the <c>NO_COLOR</c>
/// environment variable is set to anything (https://no-color.org) or <c>TERM</c> is <c>dumb</c>, and always in
/// the one-line-per-epoch form. The values in <c>logs</c> are shown as they are (they are already running means).
/// </remarks>
public sealed class ProgressBar : Callback
{
    private readonly string _bold, _reset, _green, _grey;
    private readonly TextWriter _output;
    private readonly bool _dynamic;
    private readonly int _width;
    private readonly TimeSpan _interval;
    private readonly Stopwatch _clock = new();
    private TimeSpan? _lastDraw;
    private TimeSpan _afterFirstStep;
    private int _previousWidth;
    private int _seen;
    private IReadOnlyDictionary<string, double>? _lastBatchLogs;
    private int? _target;
    private bool _inFit;

    /// <summary>
    /// Creates the bar on the console: redrawn in place when standard output is a terminal, one line per epoch when it
    /// is redirected; in colour unless <c>NO_COLOR</c> is set or <c>TERM</c> is <c>dumb</c>.
    /// </summary>
    public ProgressBar() : this(Console.Out, !Console.IsOutputRedirected)
    {
    }

    /// <summary>Creates the bar on any writer; colour follows the environment (see <see cref="ColorAllowedByEnvironment"/>).</summary>
    /// <param name="output">Where to print.</param>
    /// <param name="interactive">Redraw a live bar (true) or print one line per epoch (false).</param>
    /// <param name="width">The bar's width in characters (Keras: 20).</param>
    /// <param name="interval">The minimum time between redraws (Keras: 0.05 s).</param>
    public ProgressBar(TextWriter output, bool interactive, int width = 20, TimeSpan? interval = null)
        : this(output, interactive, interactive && ColorAllowedByEnvironment(), width, interval)
    {
    }

    /// <summary>Creates the bar on any writer, with or without colour.</summary>
    /// <param name="output">Where to print.</param>
    /// <param name="interactive">Redraw a live bar (true) or print one line per epoch (false).</param>
    /// <param name="color">Use ANSI colour and bold in the live bar (the one-line-per-epoch form never does).</param>
    /// <param name="width">The bar's width in characters (Keras: 20).</param>
    /// <param name="interval">The minimum time between redraws (Keras: 0.05 s).</param>
    public ProgressBar(TextWriter output, bool interactive, bool color, int width = 20, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _output = output;
        _dynamic = interactive;
        _width = width;
        _interval = interval ?? TimeSpan.FromMilliseconds(50);
        UsesColor = interactive && color;
        (_bold, _reset, _green, _grey) = UsesColor ? ("\x1b[1m", "\x1b[0m", "\x1b[32m", "\x1b[37m") : ("", "", "", "");
    }

    /// <summary>Whether the bar is redrawn in place (false: one line per epoch).</summary>
    public bool IsInteractive => _dynamic;

    /// <summary>Whether the bar writes ANSI colour and bold.</summary>
    public bool UsesColor { get; }

    /// <summary>False when <c>NO_COLOR</c> is set to a non-empty value (https://no-color.org) or <c>TERM</c> is <c>dumb</c>.</summary>
    /// <returns>Whether the environment allows colour.</returns>
    public static bool ColorAllowedByEnvironment() =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
        && !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);

    /// <inheritdoc/>
    public override void OnTrainBegin(IReadOnlyDictionary<string, double>? logs = null) => _inFit = true;

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double>? logs = null) => _inFit = false;

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double>? logs = null)
    {
        StartPhase(Context.StepsPerEpoch);
        if (_dynamic) _output.WriteLine(EpochHeader(epoch));
    }

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null) => Step(batch, logs);

    /// <summary>A standalone evaluation (not validation inside training) gets its own bar, as Keras's <c>evaluate</c>.</summary>
    /// <param name="logs">Ignored.</param>
    public override void OnTestBegin(IReadOnlyDictionary<string, double>? logs = null)
    {
        if (!_inFit) StartPhase(Context.EvaluationSteps);
    }

    /// <inheritdoc/>
    public override void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null)
    {
        if (!_inFit) Step(batch, logs);
    }

    /// <inheritdoc/>
    public override void OnTestEnd(IReadOnlyDictionary<string, double>? logs = null)
    {
        if (!_inFit) FinishPhase(null, logs);
    }

    /// <summary>Prediction gets its own bar, as Keras's <c>predict</c>.</summary>
    /// <param name="logs">Ignored.</param>
    public override void OnPredictBegin(IReadOnlyDictionary<string, double>? logs = null)
    {
        if (!_inFit) StartPhase(Context.EvaluationSteps);
    }

    /// <inheritdoc/>
    public override void OnPredictBatchEnd(int batch, IReadOnlyDictionary<string, double>? logs = null)
    {
        if (!_inFit) Step(batch, logs);
    }

    /// <inheritdoc/>
    public override void OnPredictEnd(IReadOnlyDictionary<string, double>? logs = null)
    {
        if (!_inFit) FinishPhase(null, Logs.Empty);
    }

    private void StartPhase(int? target)
    {
        _target = target;
        _seen = 0;
        _previousWidth = 0;
        _lastDraw = null;
        _afterFirstStep = TimeSpan.Zero;
        _lastBatchLogs = null;
        _clock.Restart();
    }

    private void Step(int batch, IReadOnlyDictionary<string, double>? logs)
    {
        _seen = batch + 1;
        if (_seen == 1) _afterFirstStep = _clock.Elapsed;
        _lastBatchLogs = logs;
        if (!_dynamic) return;
        var now = _clock.Elapsed;
        bool last = _target is { } t && _seen >= t;
        if (last) return; // the end of the phase draws the final line (with validation values after an epoch)
        if (_lastDraw is { } previous && now - previous < _interval) return;
        _lastDraw = now;
        Draw(logs ?? Logs.Empty, finalize: false, now);
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double>? logs = null) => FinishPhase(EpochHeader(epoch), logs);

    private void FinishPhase(string? header, IReadOnlyDictionary<string, double>? logs)
    {
        var now = _clock.Elapsed;
        logs ??= _lastBatchLogs ?? Logs.Empty;
        if (_dynamic)
        {
            Draw(logs, finalize: true, now);
            return;
        }
        int steps = _target ?? _seen;
        var sb = new StringBuilder();
        if (header is not null) sb.Append(header).Append(" - ");
        sb.Append(Count(_seen, steps)).Append(" - ");
        sb.Append(Seconds(now)).Append(" -").Append(FormatStepTime(StepTime(now)));
        AppendValues(sb, logs);
        _output.WriteLine(sb.ToString());
    }

    private string EpochHeader(int epoch) => Context.Epochs is { } e ? $"Epoch {epoch + 1}/{e}" : $"Epoch {epoch + 1}";

    private void Draw(IReadOnlyDictionary<string, double> logs, bool finalize, TimeSpan now)
    {
        var sb = new StringBuilder();
        sb.Append('\r');
        int visible;
        int? target = _target;
        string count, bar;
        if (target is { } t && t > 0)
        {
            count = Count(_seen, t);
            int filled = (int)(_width * Math.Min(1.0, (double)_seen / t));
            // Keras tells done from to-do by colour alone; without colour the to-do part is a thin line.
            bar = new string('━', filled) + new string(UsesColor ? '━' : '─', _width - filled);
            sb.Append(_bold).Append(count).Append(_reset).Append(' ');
            if (filled > 0) sb.Append(_green).Append(bar, 0, filled).Append(_reset);
            sb.Append(_grey).Append(bar, filled, _width - filled).Append(_reset);
            visible = count.Length + 1 + _width;
        }
        else
        {
            count = string.Create(CultureInfo.InvariantCulture, $"{_seen,7}/Unknown");
            sb.Append(count);
            visible = count.Length;
        }
        var info = new StringBuilder();
        double perStep = StepTime(now);
        if (!finalize && target is { } t2 && t2 > 0)
            info.Append(' ').Append(_bold).Append(Eta(perStep * (t2 - _seen))).Append(_reset);
        else
            info.Append(' ').Append(_bold).Append(Seconds(now)).Append(_reset);
        info.Append(FormatStepTime(perStep));
        AppendValues(info, logs);
        sb.Append(info);
        visible += info.Length - _bold.Length - _reset.Length;
        if (_previousWidth > visible) sb.Append(' ', _previousWidth - visible);
        _previousWidth = visible;
        if (finalize) sb.Append(Environment.NewLine);
        _output.Write(sb.ToString());
        _output.Flush();
    }

    private double StepTime(TimeSpan now)
    {
        if (_seen == 0) return 0;
        if (_seen > 1 && _afterFirstStep > TimeSpan.Zero) return (now - _afterFirstStep).TotalSeconds / (_seen - 1);
        return now.TotalSeconds / _seen;
    }

    private static string Count(int current, int target)
    {
        int digits = (int)Math.Floor(Math.Log10(Math.Max(1, target))) + 1;
        return current.ToString(CultureInfo.InvariantCulture).PadLeft(digits) + "/" + target.ToString(CultureInfo.InvariantCulture);
    }

    private static string Seconds(TimeSpan t) => Math.Round(t.TotalSeconds).ToString("0", CultureInfo.InvariantCulture) + "s";

    private static string Eta(double eta) => eta switch
    {
        > 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)(eta / 3600)}:{(int)(eta % 3600 / 60):00}:{(int)(eta % 60):00}"),
        > 60 => string.Create(CultureInfo.InvariantCulture, $"{(int)(eta / 60)}:{(int)(eta % 60):00}"),
        _ => ((int)eta).ToString(CultureInfo.InvariantCulture) + "s",
    };

    /// <summary>Keras's step time: " 2s/step", " 35ms/step" or " 410us/step".</summary>
    internal static string FormatStepTime(double seconds) => seconds switch
    {
        >= 1 or 0 => string.Create(CultureInfo.InvariantCulture, $" {seconds:0}s/step"),
        >= 1e-3 => string.Create(CultureInfo.InvariantCulture, $" {seconds * 1e3:0}ms/step"),
        _ => string.Create(CultureInfo.InvariantCulture, $" {seconds * 1e6:0}us/step"),
    };

    /// <summary>Keras's value format: 4 decimals, or scientific with 4 decimals for |v| ≤ 1e-3.</summary>
    internal static string FormatValue(double v) =>
        Math.Abs(v) > 1e-3 ? v.ToString("0.0000", CultureInfo.InvariantCulture) : v.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    private static void AppendValues(StringBuilder sb, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var (k, v) in logs) sb.Append(" - ").Append(k).Append(": ").Append(FormatValue(v));
    }
}
