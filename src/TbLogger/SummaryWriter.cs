using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Storage;

namespace TbLogger;

/// <summary>
/// Writes TensorBoard summaries for one run (a log directory), like PyTorch's and tensorboardX's SummaryWriter.
/// Summaries are built by <see cref="Summaries"/> and written by an <see cref="EventFileWriter"/> on a background
/// thread. Safe for concurrent use.
/// </summary>
/// <example>
/// <code>
/// using var writer = new SummaryWriter("runs/exp1");
/// writer.AddScalar("train/loss", 0.25, step: 10);
/// </code>
/// </example>
public sealed partial class SummaryWriter : IDisposable, IAsyncDisposable
{
    private readonly SummaryWriterOptions _options;
    private readonly LogStorage _storage;
    private readonly RunFile _main;
    private readonly Dictionary<string, RunFile> _subRuns = new(StringComparer.Ordinal);
    // The AddScalars lines (chart tag, key) whose sub-run an earlier call named, checked and opened: a training loop
    // logs the same lines every step, and naming them again cost about 500 ns and 1 KB per call.
    // Keyed by chart tag, then by key; string keys (not a pair) keep to the framework's precompiled shared code.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, RunFile>> _lines = new();
    private volatile bool _disposed;

    /// <summary>Opens a new event file in <paramref name="logDirectory"/> (created if missing).</summary>
    /// <param name="logDirectory">The run directory, e.g. "runs/exp1", or a URI whose scheme has a store, e.g. "s3://bucket/runs/exp1" with TbLogger.S3.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public SummaryWriter(string logDirectory, SummaryWriterOptions? options = null)
        : this(null, logDirectory, options)
    {
    }

    /// <summary>Opens a new event file in <paramref name="logDirectory"/> of <paramref name="storage"/>.</summary>
    /// <param name="storage">The store (e.g. an S3 store with its own settings); null chooses it by the directory's URI scheme.</param>
    /// <param name="logDirectory">The run directory, a path of the store, e.g. "s3://bucket/runs/exp1".</param>
    /// <param name="options">Settings; null for the defaults.</param>
    public SummaryWriter(LogStorage? storage, string logDirectory, SummaryWriterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        _options = options ?? new SummaryWriterOptions();
        _options.Validate();
        // Listed, not Enum.IsDefined (reflection, paid by a fresh process: issue 19).
        if (_options.RankPolicy is not (RankPolicy.RankZeroOnly or RankPolicy.AllRanks))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.RankPolicy, "Unknown RankPolicy.");
        }
        (Rank, WorldSize) = _options.ResolveRank();
        IsWriting = Rank == 0 || _options.RankPolicy == RankPolicy.AllRanks;
        _storage = storage ?? LogStorageRegistry.Resolve(logDirectory);
        if (WorldSize > 1 && _options.RankPolicy == RankPolicy.AllRanks)
        {
            if (_options.RankLayout is not (RankLayout.RunPerRank or RankLayout.SharedRun))
            {
                throw new ArgumentOutOfRangeException(nameof(options), _options.RankLayout, "Unknown RankLayout.");
            }
            if (_options.RankLayout == RankLayout.RunPerRank)
            {
                // One writer per run: both TensorBoard loaders follow every rank live, and a tag is one chart with a line per rank.
                logDirectory = _storage.Combine(logDirectory, $"rank{Rank}");
                _options = _options with { FilenameSuffix = $".rank{Rank}{_options.FilenameSuffix}" };
            }
            else
            {
                // Each rank's file is named and tagged apart, so ranks sharing a run never collide.
                _options = _options with
                {
                    FilenameSuffix = $".rank{Rank}{_options.FilenameSuffix}",
                    TagSuffix = _options.SuffixTagsWithRank ? $"/rank{Rank}{_options.TagSuffix}" : _options.TagSuffix,
                };
            }
        }
        LogDirectory = logDirectory;
        if (IsWriting)
        {
            // Compiles the scalar path beside the file's creation (the plain assembly only; a rank that discards
            // everything never runs it).
            HotPath.WarmUpInBackground();
        }
        _main = OpenRun(logDirectory);
    }

    /// <summary>This process's rank (see <see cref="SummaryWriterOptions.Rank"/>).</summary>
    public int Rank { get; }

    /// <summary>The job's number of processes (see <see cref="SummaryWriterOptions.WorldSize"/>).</summary>
    public int WorldSize { get; }

    /// <summary>False on a rank that does not write under <see cref="RankPolicy.RankZeroOnly"/>: calls are accepted and nothing is written.</summary>
    public bool IsWriting { get; }

    /// <summary>The store of <see cref="LogDirectory"/> (local, or e.g. S3 for s3:// URIs).</summary>
    public LogStorage Storage => _storage;

    /// <summary>
    /// The run directory this writer writes: the one given, or under <see cref="RankPolicy.AllRanks"/> with
    /// <see cref="RankLayout.RunPerRank"/> (and more than one process) its sub-run <c>rank{r}</c>.
    /// </summary>
    public string LogDirectory { get; }

    /// <summary>The main event file.</summary>
    public string FilePath => _main.FilePath;

    /// <summary>
    /// Writes whose step repeated or went back for their tag, over the main file and sub-runs (see
    /// <see cref="SummaryWriterOptions.StepDiscipline"/>).
    /// </summary>
    public long StepViolations => _main.StepViolations + SubRunsSnapshot().Sum(w => w.StepViolations);

    /// <summary>
    /// Events dropped in <see cref="QueueFullMode.Drop"/> mode, over the main file and sub-runs: a queue was full, or
    /// (histograms, PR curves, images, audio) the input copies waiting for the writer's thread filled their budget.
    /// </summary>
    public long DroppedEvents
    {
        get
        {
            long total = _main.DroppedEvents + Interlocked.Read(ref _droppedDeferred);
            lock (_subRuns)
            {
                foreach (var writer in _subRuns.Values)
                {
                    total += writer.DroppedEvents;
                }
            }
            return total;
        }
    }

    /// <summary>Logs a scalar. Allocates nothing; encoding and disk work happen on the writer's thread.</summary>
    /// <param name="tag">Series name, e.g. "train/loss"; not empty or white space.</param>
    /// <param name="value">The value; NaN and infinities are legal and TensorBoard plots them.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    // Fully optimised from the first call (no tier-0 code): a short run ends before tiering would promote it (issue 19).
    [MethodImpl(HotPath.Options)]
    public bool AddScalar(string tag, double value, long step, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _main.EnqueueScalar(tag, value, step, WallTimeOf(wallTime));
    }

    /// <inheritdoc cref="AddScalar(string, double, long, DateTimeOffset?)"/>
    // Optimised from its first call like the double overload (HotPath.ScalarMethods): the caller's loop starts as
    // tier-0 code, which inlines nothing, so this forwarder otherwise ran as tier-0 code on every scalar of a short run.
    [System.Runtime.CompilerServices.MethodImpl(HotPath.Options)]
    public bool AddScalar(string tag, long value, long step, DateTimeOffset? wallTime = null) =>
        AddScalar(tag, (double)value, step, wallTime);

    /// <inheritdoc cref="AddScalar(string, double, long, DateTimeOffset?)"/>
    // Optimised from its first call: see the long overload.
    [System.Runtime.CompilerServices.MethodImpl(HotPath.Options)]
    public bool AddScalar(string tag, float value, long step, DateTimeOffset? wallTime = null) =>
        AddScalar(tag, (double)value, step, wallTime);

    /// <summary>
    /// Logs several related scalars as one TensorBoard chart with a line each: like PyTorch, each key goes to its own
    /// sub-run <c>{logDirectory}/{mainTag}_{key}</c> (see <see cref="SubRunName"/>: a '/' in a key nests, every segment is sanitized) under the tag
    /// <paramref name="mainTag"/>. Nothing is written to the main run.
    /// </summary>
    /// <param name="mainTag">The chart's tag.</param>
    /// <param name="values">Line name → value.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <exception cref="ArgumentException">
    /// The main tag is empty, a key is empty, two keys name the same sub-run once sanitized (e.g. "a:b" and "a_b": one
    /// line would hide the other's point), or a sub-run's directory name would be longer than a file system takes
    /// (255 bytes of UTF-8); or, under <see cref="StepDiscipline.Throw"/>, a line's step repeats or goes back. Nothing is
    /// written then (every line is checked before the first is written; a call on another thread that writes one of
    /// these lines at the same moment can still refuse a later line).
    /// </exception>
    public void AddScalars(string mainTag, IReadOnlyDictionary<string, double> values, long step, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(mainTag, nameof(mainTag));
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        double wall = WallTimeOf(wallTime);
        // Lines logged before take no naming, checking or allocation (a Dictionary's own enumerator is a struct; a
        // class derived from it is read through the interface, as it may enumerate otherwise): a chart tag is known
        // only once it passed the checks below.
        // Under StepDiscipline.Throw every line's step is checked before the first is written, as its name is.
        bool checkSteps = _options.StepDiscipline == StepDiscipline.Throw;
        bool known = values.Count <= LinesOnStack && _lines.TryGetValue(mainTag, out var chart)
            && (values.GetType() == typeof(Dictionary<string, double>)
                ? TryAddKnownLines(mainTag, chart, ((Dictionary<string, double>)values).GetEnumerator(), step, wall, checkSteps)
                : TryAddKnownLines(mainTag, chart, values.GetEnumerator(), step, wall, checkSteps));
        if (known)
        {
            return;
        }
        // Every line's sub-run is named and checked before the first is written, so bad input writes nothing.
        PathPolicy.ThrowIfSegmentTooLong(PathPolicy.SanitizeSegment(mainTag + "_"), "The main tag", nameof(mainTag));
        var lines = new List<(string Key, string SubRun, double Value)>(values.Count);
        foreach (var (key, value) in values)
        {
            lines.Add((key, CheckedSubRunName(mainTag, key), value));
        }
        for (int i = 0; i < lines.Count; i++)
        {
            // Whatever the step discipline: two keys sanitized alike write one line twice at one step, and TensorBoard
            // keeps one of the two points (a step warning did not say which keys clashed).
            for (int j = 0; j < i; j++)
            {
                if (lines[j].SubRun == lines[i].SubRun)
                {
                    throw new ArgumentException(
                        $"AddScalars('{mainTag}'): keys '{lines[j].Key}' and '{lines[i].Key}' both name the sub-run '{lines[i].SubRun}' (see SubRunName), so step {step} would repeat there; TensorBoard keeps one point per step.",
                        nameof(values));
                }
            }
            if (checkSteps)
            {
                // A sub-run not opened yet holds no point to repeat or go back from.
                ExistingSubRun(lines[i].SubRun)?.CheckScalarStep(mainTag, step);
            }
        }
        foreach (var (key, subRun, value) in lines)
        {
            RunFile line = SubRun(subRun);
            _lines.GetOrAdd(mainTag, static _ => new ConcurrentDictionary<string, RunFile>()).TryAdd(key, line);
            line.EnqueueScalar(mainTag, value, step, wall);
        }
    }

    /// <summary>
    /// Writes the lines of an AddScalars call when an earlier call already named, checked and opened every one of them
    /// (<paramref name="chart"/>: its chart's known lines by key), and there are at most <see cref="LinesOnStack"/>;
    /// otherwise false, having written nothing.
    /// </summary>
    // Optimised from its first call (HotPath.Options): a loop logs its chart every step, and tier-0 code ran here for
    // the first several hundred thousand calls.
    [MethodImpl(HotPath.Options)]
    private static bool TryAddKnownLines<TLines>(string mainTag, ConcurrentDictionary<string, RunFile> chart, TLines values, long step, double wall, bool checkSteps)
        where TLines : IEnumerator<KeyValuePair<string, double>>
    {
        // Every line is looked up before the first is written, so a new one (named and checked by the caller) leaves
        // nothing half written; one pass over the values, so a dictionary changed meanwhile cannot pair a value with
        // another key's line.
        KnownLines known = default;
        int count = 0;
        try
        {
            while (values.MoveNext())
            {
                (string key, double value) = values.Current;
                if (count == LinesOnStack || key is null || !chart.TryGetValue(key, out RunFile? line))
                {
                    return false;
                }
                known[count++] = (line, value);
            }
        }
        finally
        {
            values.Dispose();
        }
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (ReferenceEquals(known[j].Line, known[i].Line))
                {
                    // Two keys of one sub-run: the naming path, which has their names, refuses the call.
                    return false;
                }
            }
            if (checkSteps)
            {
                known[i].Line.CheckScalarStep(mainTag, step);
            }
        }
        for (int i = 0; i < count; i++)
        {
            known[i].Line.EnqueueScalar(mainTag, known[i].Value, step, wall);
        }
        return true;
    }

    /// <summary>Lines of a chart written without allocating; a chart with more takes the path of new lines.</summary>
    private const int LinesOnStack = 32;

    /// <summary>The known lines of one AddScalars call and their values, on the caller's stack.</summary>
    [InlineArray(LinesOnStack)]
    private struct KnownLines
    {
        private (RunFile Line, double Value) _first;
    }

    /// <summary>The sub-run of an AddScalars line, after the checks that refuse its key (empty, a segment too long).</summary>
    private static string CheckedSubRunName(string mainTag, string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"AddScalars('{mainTag}'): a key is empty.", "values");
        }
        string subRun = SubRunName(mainTag, key);
        foreach (string segment in subRun.Split('/'))
        {
            PathPolicy.ThrowIfSegmentTooLong(segment, "A key", "values");
        }
        return subRun;
    }

    /// <summary>Logs text (Markdown) at a step: plugin "text", a DT_STRING tensor of shape [1]. The tag is kept as given.</summary>
    /// <param name="tag">Series name.</param>
    /// <param name="text">The text.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    public bool AddText(string tag, string text, long step, DateTimeOffset? wallTime = null)
    {
        Summaries.ValidateTag(tag);
        ArgumentNullException.ThrowIfNull(text);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _main.EnqueueSummary(tag, () => Summaries.Text(tag, text), step, WallTimeOf(wallTime));
    }

    /// <summary>Logs a summary built elsewhere (e.g. by <see cref="Summaries"/>).</summary>
    /// <param name="summary">The summary; it must not be changed afterwards.</param>
    /// <param name="step">The global step.</param>
    /// <param name="wallTime">When it happened; null for now.</param>
    /// <returns>False only when the queue was full in <see cref="QueueFullMode.Drop"/> mode.</returns>
    public bool AddSummary(Summary summary, long step, DateTimeOffset? wallTime = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _main.WriteEvent(new Event { WallTime = WallTimeOf(wallTime), Step = step, Summary = summary });
    }

    /// <summary>
    /// Blocks until everything logged before this call is written and flushed to the operating system, and, for a
    /// store that acknowledges uploads later (<see cref="IAcknowledgingStorage"/>, e.g. S3), until the store has
    /// acknowledged it.
    /// </summary>
    /// <exception cref="EventFileWriteException">A writer failed.</exception>
    /// <exception cref="IOException">
    /// The store did not acknowledge everything within its flush timeout (e.g. <c>S3UploadException</c>, listing the
    /// segments not stored). Nothing is dropped: the writer keeps them, retries, and a later flush or dispose reports
    /// again if they still do not reach the store.
    /// </exception>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RunFile[] writers = [_main, .. SubRunsSnapshot()];
        foreach (var writer in writers)
        {
            writer.Flush();
        }
        if (_storage is IAcknowledgingStorage store && IsWriting)
        {
            var errors = new List<Exception>();
            foreach (var writer in writers)
            {
                try
                {
                    store.WaitForAcknowledgement(writer.FilePath);
                }
                catch (IOException ex)
                {
                    errors.Add(ex);
                }
            }
            ThrowDisposeErrors(errors);
        }
    }

    /// <summary>
    /// The sub-run of an <c>AddScalars</c> line, as PyTorch names it: <c>{mainTag with '/' as '_'}_{key}</c>, where a
    /// '/' in the key nests a directory ("metrics/acc", "top/5" → "metrics_acc_top/5"). Every segment is made one safe
    /// directory name by <see cref="PathPolicy.SanitizeSegment"/> (no "..", no '', no invalid characters; an empty
    /// segment becomes "_"), so the name always stays inside the log directory (<see cref="PathPolicy.Check"/>).
    /// </summary>
    /// <param name="mainTag">The chart's tag.</param>
    /// <param name="key">The line's name.</param>
    /// <returns>The sub-run's name relative to the log directory, '/' separated.</returns>
    public static string SubRunName(string mainTag, string key)
    {
        ArgumentNullException.ThrowIfNull(mainTag);
        ArgumentNullException.ThrowIfNull(key);
        string[] segments = key.Split('/');
        segments[0] = mainTag + "_" + segments[0];
        for (int i = 0; i < segments.Length; i++)
        {
            segments[i] = PathPolicy.SanitizeSegment(segments[i]);
        }
        return PathPolicy.Check(string.Join('/', segments), $"AddScalars('{mainTag}') key '{key}'");
    }

    private RunFile SubRun(string name)
    {
        lock (_subRuns)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_subRuns.TryGetValue(name, out var writer))
            {
                writer = OpenRun(_storage.Combine(LogDirectory, name));
                _subRuns.Add(name, writer);
            }
            return writer;
        }
    }

    /// <summary>The sub-run <paramref name="name"/> if it is open, else null (nothing is opened).</summary>
    private RunFile? ExistingSubRun(string name)
    {
        lock (_subRuns)
        {
            return _subRuns.GetValueOrDefault(name);
        }
    }

    private RunFile OpenRun(string directory) =>
        IsWriting ? RunFile.Open(_storage, directory, _options)
                  : RunFile.Discarding($"{directory} (rank {Rank} of {WorldSize}: not written)", _options);

    private RunFile[] SubRunsSnapshot()
    {
        lock (_subRuns)
        {
            return [.. _subRuns.Values];
        }
    }

    private static double WallTimeOf(DateTimeOffset? wallTime) => wallTime is { } time ? WallClock.From(time) : WallClock.Now();

    /// <summary>Writes everything logged, flushes and closes every file (the main run and the AddScalars sub-runs).</summary>
    /// <exception cref="AggregateException">More than one file failed; see <see cref="EventFileWriteException"/>.</exception>
    public void Dispose()
    {
        if (BeginDispose() is not { } writers)
        {
            return;
        }
        var errors = new List<Exception>();
        foreach (var writer in writers)
        {
            try
            {
                writer.Dispose();
            }
            catch (EventFileWriteException ex)
            {
                errors.Add(ex);
            }
        }
        ThrowDisposeErrors(errors);
    }

    /// <summary>Like <see cref="Dispose"/>, without blocking a thread while the writers drain.</summary>
    /// <returns>A task that completes when every file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (BeginDispose() is not { } writers)
        {
            return;
        }
        var errors = new List<Exception>();
        foreach (var writer in writers)
        {
            try
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
            catch (EventFileWriteException ex)
            {
                errors.Add(ex);
            }
        }
        ThrowDisposeErrors(errors);
    }

    private RunFile[]? BeginDispose()
    {
        lock (_subRuns)
        {
            if (_disposed)
            {
                return null;
            }
            _disposed = true;
            return [_main, .. _subRuns.Values];
        }
    }

    private static void ThrowDisposeErrors(List<Exception> errors)
    {
        if (errors.Count == 1)
        {
            throw errors[0];
        }
        if (errors.Count > 1)
        {
            throw new AggregateException("Several event files failed.", errors);
        }
    }
}
