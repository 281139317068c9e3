using System.Runtime.InteropServices;
using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Reading;

namespace TbLogger.Replay;

/// <summary>
/// Rewrites a log directory into a new one: filters (runs, tags, steps), downsampling (every k-th or a reservoir of
/// N per tag), a time shift, renamed tags and merged runs. The output is written by <see cref="EventFileWriter"/>, so
/// it is valid by construction: one file per run starting with file_version, purges already applied (no SessionLog
/// START is copied), each tag's plugin metadata on its first written value.
/// </summary>
public static class LogReplayer
{
    /// <summary>Replays <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="source">The log directory to read.</param>
    /// <param name="destination">A new or empty directory, not inside the source.</param>
    /// <param name="options">What to keep and change; null copies everything.</param>
    /// <param name="readerOptions">How to read; null for the defaults.</param>
    /// <returns>Counts.</returns>
    /// <remarks>
    /// Runs that are not merged are replayed several at once, as <paramref name="readerOptions"/>'
    /// <see cref="LogDirReaderOptions.MaxDegreeOfParallelism"/> allows (every core by default), with the files, counts,
    /// corruption reports (on the caller's thread, in read order) and exceptions of a one-thread replay.
    /// </remarks>
    /// <exception cref="IOException">The destination is not empty or lies inside the source.</exception>
    /// <exception cref="UnsafePathException">A run name (from the source, or <see cref="ReplayOptions.MergeInto"/>) would not stay inside the destination; nothing is written.</exception>
    public static ReplayResult Replay(string source, string destination, ReplayOptions? options = null, LogDirReaderOptions? readerOptions = null) =>
        Replay(source, destination, options, readerOptions, out _);

    /// <summary>
    /// <see cref="Replay(string, string, ReplayOptions?, LogDirReaderOptions?)"/>, and how many runs a helper thread
    /// replayed that were kept (for tests: runs are shared out). Without <paramref name="keepScalarsEncoded"/> every
    /// record is decoded into its event (for tests: the scalars written from their bytes must be what the events give).
    /// </summary>
    internal static ReplayResult Replay(string source, string destination, ReplayOptions? options, LogDirReaderOptions? readerOptions, out int runsTakenAhead,
        bool keepScalarsEncoded = true)
    {
        runsTakenAhead = 0;
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        options ??= new ReplayOptions();
        if (options.KeepEvery is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.KeepEvery, "KeepEvery must be at least 1.");
        }
        if (options.MaxPointsPerTag is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxPointsPerTag, "MaxPointsPerTag must be at least 1.");
        }
        var reader = new LogDirReader(source, readerOptions);
        string output = Path.GetFullPath(destination);
        OutputGuard.EnsureUsable(reader.LogDirectory, output);

        var runs = reader.GetRuns(options.Filter.Runs);
        // Run names come from the source (directory names, object keys): every one must land inside the destination.
        // Checked before anything is written, so a hostile name leaves no partial output.
        if (options.MergeInto is { } merged)
        {
            PathPolicy.Check(merged, "The merge run (ReplayOptions.MergeInto)");
        }
        else
        {
            foreach (RunInfo run in runs)
            {
                PathPolicy.Check(run.Name, $"Source run '{PathPolicy.Printable(run.Directory)}'");
            }
        }
        var counter = new EventCounter(options.Progress);
        if (options.MergeInto is { } mergeRun)
        {
            return ReplayMerged(reader, runs, output, mergeRun, options, counter, keepScalarsEncoded);
        }
        var totals = new RunTotals();
        int workers = reader.Options.ThreadsForRuns(runs.Count);
        if (workers > 1)
        {
            runsTakenAhead = ReplayInParallel(reader, runs, output, options, workers, counter, totals, keepScalarsEncoded);
        }
        else
        {
            foreach (RunInfo run in runs)
            {
                // Each run's file is closed as soon as it is done (one writer thread per open run): thousands of runs stay cheap.
                totals.Add(ReplayRun(reader.ReadRecords(run, probe: null, keepScalarsEncoded), run.Name, output, options, counter, removeOnFailure: null));
            }
        }
        counter.ReportTotal();
        return new ReplayResult(runs.Count, totals.RunsWritten, counter.Count, totals.Written, totals.Dropped) { StepViolations = totals.StepViolations };
    }

    /// <summary>Every source run into the one output run <paramref name="mergeRun"/>, on the caller's thread.</summary>
    private static ReplayResult ReplayMerged(LogDirReader reader, IReadOnlyList<RunInfo> runs, string output, string mergeRun, ReplayOptions options, EventCounter counter,
        bool keepScalarsEncoded)
    {
        OutputRun? merged = null;
        var state = new ReplayState(options, () => merged ??= new OutputRun(OpenWriter(output, mergeRun)));
        try
        {
            foreach (RunInfo run in runs)
            {
                ReplayEvents(reader.ReadRecords(run, probe: null, keepScalarsEncoded), run.Name, options, state, counter);
            }
            // Reservoirs of a merged run fill across all source runs.
            state.Finish();
        }
        finally
        {
            merged?.Dispose();
        }
        counter.ReportTotal();
        return new ReplayResult(runs.Count, merged is null ? 0 : 1, counter.Count, state.Written, state.Dropped) { StepViolations = state.StepViolations };
    }

    /// <summary>
    /// Each source run into its own output run, on <paramref name="workers"/> threads as <see cref="RunsAhead"/> shares
    /// them out, with the output, counts, reports and exceptions of a one-thread replay: a helper replays a run only
    /// while its read is clean, and an attempt it gives up (or one made ahead of a run the replay failed at) is removed
    /// again, its file and any directory it left empty, so the caller's replay of that run, or none, is all that stays.
    /// Progress counts a helper's run when the caller takes it. A replay that fails keeps the runs before the one it
    /// failed in, and that run as far as the caller got in it, or nothing of it when its helper's replay was being
    /// taken (a progress sink that throws); the output directory, when nothing is left in it and the replay made it,
    /// is removed too, as a one-thread replay that wrote nothing never made it.
    /// </summary>
    /// <returns>The runs taken as a helper replayed them.</returns>
    private static int ReplayInParallel(LogDirReader reader, IReadOnlyList<RunInfo> runs, string output, ReplayOptions options, int workers, EventCounter counter, RunTotals totals,
        bool keepScalarsEncoded)
    {
        var removed = new RemovedAttempts(output);
        try
        {
            return RunsAhead.Run<RunReplay>(runs.Count, workers,
                (r, cancellation) =>
                {
                    using var probe = new CleanRunProbe(cancellation);
                    var attempt = ReplayRun(reader.ReadRecords(runs[r], probe, keepScalarsEncoded), runs[r].Name, output, options, new EventCounter(progress: null), removed);
                    if (!probe.Abandoned)
                    {
                        return attempt with { BytesRead = probe.BytesRead };
                    }
                    removed.Remove(attempt.File);
                    return null;
                },
                (r, ahead) =>
                {
                    if (ahead is not null)
                    {
                        // Its bytes count now, once: a run replayed again counts only the caller's read.
                        reader.BytesRead?.Add(ahead.BytesRead, force: true);
                        counter.Add(ahead.EventsRead);
                    }
                    totals.Add(ahead ?? ReplayRun(reader.ReadRecords(runs[r], probe: null, keepScalarsEncoded), runs[r].Name, output, options, counter, removeOnFailure: null));
                },
                attempt => removed.Remove(attempt.File));
        }
        finally
        {
            removed.PruneDirectories();
        }
    }

    /// <summary>
    /// Replays one source run into the output run of the same name (no merge), and closes its file. With
    /// <paramref name="removeOnFailure"/> (a helper's attempt) a replay that throws removes the file it wrote.
    /// </summary>
    private static RunReplay ReplayRun(IEnumerable<RunRecord> events, string run, string output, ReplayOptions options, EventCounter counter, RemovedAttempts? removeOnFailure)
    {
        OutputRun? opened = null;
        var state = new ReplayState(options, () => opened ??= new OutputRun(OpenWriter(output, run)));
        long start = counter.Count;
        try
        {
            try
            {
                ReplayEvents(events, run, options, state, counter);
                state.Finish();
            }
            finally
            {
                opened?.Dispose();
            }
        }
        catch (Exception) when (removeOnFailure is not null)
        {
            // A helper's attempt: the file it wrote goes, and the caller replays the run itself, meeting the error
            // where a one-thread replay does.
            removeOnFailure.Remove(opened?.FilePath);
            throw;
        }
        return new RunReplay(counter.Count - start, state.Written, state.Dropped, state.StepViolations, opened?.FilePath, BytesRead: 0);
    }

    /// <summary>
    /// The events of one source run, offered to <paramref name="state"/> (its output run's); a scalar left encoded by
    /// the read is offered as it is.
    /// </summary>
    private static void ReplayEvents(IEnumerable<RunRecord> events, string sourceRun, ReplayOptions options, ReplayState state, EventCounter counter)
    {
        var metadata = new Dictionary<string, SummaryMetadata>(StringComparer.Ordinal);
        foreach (RunRecord item in events)
        {
            counter.Add(1);
            if (item.Event is not { } e)
            {
                // The scalar layouts carry no metadata: the tag's first, if it had any, is what it would be given.
                state.OfferScalar(sourceRun, item, metadata.GetValueOrDefault(item.Tag!));
                continue;
            }
            switch (e.WhatCase)
            {
                case Event.WhatOneofCase.FileVersion:
                case Event.WhatOneofCase.SessionLog:
                case Event.WhatOneofCase.None:
                    // The writer writes its own file_version; purges were applied while reading.
                    continue;
                case Event.WhatOneofCase.Summary:
                    foreach (var value in e.Summary.Value)
                    {
                        if (value.Metadata is not null && !metadata.ContainsKey(value.Tag))
                        {
                            metadata[value.Tag] = value.Metadata;
                        }
                        state.Offer(sourceRun, e, value, metadata);
                    }
                    break;
                default:
                    if (options.Filter.Steps.Contains(e.Step))
                    {
                        var copy = e.Clone();
                        copy.WallTime += options.TimeShift.TotalSeconds;
                        state.Write(copy);
                    }
                    break;
            }
        }
    }

    // A bounded queue per open run (8,192 records, well under a megabyte): runs replayed at once each have one, and a
    // larger queue made a replay no faster (issue 19).
    private static EventFileWriter OpenWriter(string output, string run) =>
        new(PathPolicy.Resolve(output, run, $"Run '{PathPolicy.Printable(run)}'"), new EventFileWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, MaxQueueEvents = 8_192 });

    /// <summary>What replaying one run did: events read, values written, dropped and going back in step, the file written (null for none), bytes read ahead.</summary>
    private sealed record RunReplay(long EventsRead, long Written, long Dropped, long StepViolations, string? File, long BytesRead);

    /// <summary>What the runs replayed so far wrote and dropped.</summary>
    private sealed class RunTotals
    {
        public long Written { get; private set; }

        public long Dropped { get; private set; }

        public int RunsWritten { get; private set; }

        public long StepViolations { get; private set; }

        public void Add(RunReplay run)
        {
            Written += run.Written;
            Dropped += run.Dropped;
            StepViolations += run.StepViolations;
            RunsWritten += run.File is null ? 0 : 1;
        }
    }

    /// <summary>Events read so far, reported to the replay's progress every 65,536 and at the end.</summary>
    private sealed class EventCounter(IProgress<long>? progress)
    {
        public long Count { get; private set; }

        public void Add(long events)
        {
            long before = Count;
            Count += events;
            if (progress is not null && Count / 65_536 != before / 65_536)
            {
                progress.Report(Count);
            }
        }

        public void ReportTotal() => progress?.Report(Count);
    }

    /// <summary>
    /// Output runs written ahead and then given up: each file is removed at once (the replay's own, in a destination
    /// that was empty), and once no writer is open the directories left empty under the output, then the output
    /// itself and its parents if this replay made them and nothing is left in them.
    /// </summary>
    private sealed class RemovedAttempts(string output)
    {
        private readonly List<string> _directories = [];

        // The output and its parents that do not exist yet, deepest first: what the replay's first writer creates.
        private readonly List<string> _missing = Missing(Path.TrimEndingDirectorySeparator(output));

        private static List<string> Missing(string directory)
        {
            var missing = new List<string>();
            for (string? d = directory; d is not null && !Directory.Exists(d) && !File.Exists(d); d = Path.GetDirectoryName(d))
            {
                missing.Add(d);
            }
            return missing;
        }

        public void Remove(string? file)
        {
            if (file is null)
            {
                return;
            }
            try
            {
                File.Delete(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left as it is: the caller's replay of the run writes a file of its own beside it.
            }
            lock (_directories)
            {
                _directories.Add(Path.GetDirectoryName(file)!);
            }
        }

        /// <summary>Removes each emptied directory and its parents up to (not including) the output, while empty.</summary>
        public void PruneDirectories()
        {
            string root = Path.TrimEndingDirectorySeparator(output);
            foreach (string directory in _directories)
            {
                string? d = Path.TrimEndingDirectorySeparator(directory);
                while (d is not null && d.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && RemoveIfEmpty(d))
                {
                    d = Path.GetDirectoryName(d);
                }
            }
            foreach (string d in _missing)
            {
                if (!RemoveIfEmpty(d))
                {
                    break;
                }
            }
        }

        /// <summary>Removes the directory <paramref name="d"/> when it exists and is empty; false otherwise (or when it cannot).</summary>
        private static bool RemoveIfEmpty(string d)
        {
            try
            {
                if (!Directory.Exists(d) || Directory.EnumerateFileSystemEntries(d).Any())
                {
                    return false;
                }
                Directory.Delete(d);
                return true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// One output run's file: its writer, and the metadata each tag was first written with there. Its events are the
    /// replay's: their repeated metadata is left out here and their records encoded here, so the writer's queue holds
    /// bytes rather than events (queued events outlived young-generation collections and were promoted: a replay
    /// spent most of its time collecting).
    /// </summary>
    private sealed class OutputRun(EventFileWriter writer) : IDisposable
    {
        private readonly RepeatedMetadata _repeats = new();

        /// <summary>Writes an event that is not a summary (a graph, run metadata, a log message): it holds no metadata to leave out.</summary>
        public void Write(Event e) => writer.WriteEncoded(e.ToByteArray(), e.Step, e.WallTime);

        /// <summary>
        /// Writes the event of one summary value without building it (see <see cref="SingleValueEvent"/>): the objects
        /// of a replayed value are most of what a replay allocates.
        /// </summary>
        public void WriteValue(long step, double wallTime, Summary.Types.Value value)
        {
            _repeats.StripRepeat(value);
            writer.WriteEncoded(SingleValueEvent.Encode(step, wallTime, value), step, wallTime);
        }

        /// <summary>
        /// Writes a scalar read in one of the scalar layouts under <paramref name="tag"/>, from its value's field after
        /// the tag (see <see cref="SingleValueEvent.Encode(long, double, string, ReadOnlySpan{byte})"/>): it carries no
        /// metadata, so there is none to leave out.
        /// </summary>
        public void WriteScalar(long step, double wallTime, string tag, ReadOnlySpan<byte> valueField) =>
            writer.WriteEncoded(SingleValueEvent.Encode(step, wallTime, tag, valueField), step, wallTime);

        /// <summary>Whether a tensor value of <paramref name="tag"/> with <paramref name="metadata"/> would be written here without it.</summary>
        public bool WouldStripTensor(string tag, SummaryMetadata metadata) => _repeats.WouldStripTensor(tag, metadata);

        /// <summary>The file written.</summary>
        public string FilePath => writer.FilePath;

        public void Dispose() => writer.Dispose();
    }

    /// <summary>Per-tag counters and reservoirs of one output run (tags as written there, after renames and prefixes).</summary>
    private sealed class ReplayState(ReplayOptions options, Func<OutputRun> output)
    {
        private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
        // Each output tag's last step written, to count the points that make TensorBoard drop earlier ones.
        private readonly Dictionary<string, long> _lastSteps = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Reservoir<(long Order, long Step, double WallTime, Summary.Types.Value Value)>> _reservoirs = new(StringComparer.Ordinal);
        private long _order;

        public long Written { get; private set; }

        public long Dropped { get; private set; }

        public long StepViolations { get; private set; }

        public void Offer(string sourceRun, Event e, Summary.Types.Value value, Dictionary<string, SummaryMetadata> metadata)
        {
            // The value was decoded for this replay and nothing else holds it: it moves into its own event, renamed,
            // instead of being copied (a copy per value was a third of what a replay allocated).
            if (value.Metadata is null && metadata.TryGetValue(value.Tag, out var known))
            {
                // TensorFlow writes metadata only with a tag's first value, and that value may have been left out.
                // Shared, not copied: metadata is only ever read from here on (a repeat is left out, not changed).
                value.Metadata = known;
            }
            if (Admit(sourceRun, value.Tag, e.Step, HasFixedName(value.Metadata)) is not { } tag)
            {
                return;
            }
            value.Tag = tag;
            Keep(e.Step, e.WallTime + options.TimeShift.TotalSeconds, value);
        }

        /// <summary>
        /// Offers a scalar the read left encoded, <paramref name="known"/> being its source tag's first metadata: its
        /// bytes are written again under its output tag when the value would be written without metadata (its tag has
        /// none, or the output file's first value of the tag carried the same), else it is built as the parser builds
        /// it and offered as any value.
        /// </summary>
        public void OfferScalar(string sourceRun, in RunRecord scalar, SummaryMetadata? known)
        {
            EventHeader header = scalar.Record.Header;
            if (Admit(sourceRun, scalar.Tag!, header.Step, fixedName: false) is not { } tag)
            {
                return;
            }
            ReadOnlySpan<byte> record = scalar.Record.Data.Span;
            double wallTime = header.WallTime + options.TimeShift.TotalSeconds;
            if (options.MaxPointsPerTag is null
                && (known is null || (scalar.Layout != ScalarLayout.SimpleValue && output().WouldStripTensor(tag, known))))
            {
                Written++;
                CountStep(tag, header.Step);
                output().WriteScalar(header.Step, wallTime, tag, record[scalar.ValueFieldAt..]);
                return;
            }
            var value = EventRecordDecoder.BuildValue(record, scalar.Layout, tag, scalar.ValueAt);
            value.Metadata = known;
            Keep(header.Step, wallTime, value);
        }

        /// <summary>
        /// The output tag of a value of <paramref name="sourceTag"/> at <paramref name="step"/> when the filters,
        /// renames and <see cref="ReplayOptions.KeepEvery"/> keep it; null (counted as dropped) when they do not. A tag
        /// with a <paramref name="fixedName"/> is not prefixed with its run.
        /// </summary>
        private string? Admit(string sourceRun, string sourceTag, long step, bool fixedName)
        {
            var filter = options.Filter;
            if ((filter.Tags is { } tags && !tags.IsMatch(sourceTag)) || !filter.Steps.Contains(step))
            {
                Dropped++;
                return null;
            }
            string tag = Rename(sourceTag);
            if (options.MergeInto is not null && options.PrefixTagsWithRun && !fixedName)
            {
                tag = sourceRun + "/" + tag;
            }
            long index = CollectionsMarshal.GetValueRefOrAddDefault(_seen, tag, out _)++;
            if (options.KeepEvery is int k && k > 1 && index % k != 0)
            {
                Dropped++;
                return null;
            }
            return tag;
        }

        /// <summary>Writes an admitted value, or keeps it in its tag's reservoir.</summary>
        private void Keep(long step, double wallTime, Summary.Types.Value value)
        {
            string tag = value.Tag;
            if (options.MaxPointsPerTag is int max)
            {
                if (!_reservoirs.TryGetValue(tag, out var reservoir))
                {
                    _reservoirs[tag] = reservoir = new Reservoir<(long, long, double, Summary.Types.Value)>(max, options.Seed);
                }
                reservoir.Add((_order++, step, wallTime, value));
                return;
            }
            WriteValue(step, wallTime, value);
        }

        /// <summary>Writes what the reservoirs kept, in the order it was offered.</summary>
        public void Finish()
        {
            foreach (var item in _reservoirs.Values.SelectMany(r => r.Items).OrderBy(i => i.Order))
            {
                WriteValue(item.Step, item.WallTime, item.Value);
            }
            foreach (var (tag, reservoir) in _reservoirs)
            {
                Dropped += _seen[tag] - reservoir.Items.Count;
            }
            _reservoirs.Clear();
        }

        /// <summary>Writes an event that is not a summary (summaries are written value by value).</summary>
        public void Write(Event e) => output().Write(e);

        private void WriteValue(long step, double wallTime, Summary.Types.Value value)
        {
            Written++;
            CountStep(value.Tag, step);
            output().WriteValue(step, wallTime, value);
        }

        /// <summary>Counts a point of <paramref name="tag"/> at <paramref name="step"/> that repeats or goes back (as TensorBoard's loaders see it: see LoaderModel).</summary>
        private void CountStep(string tag, long step)
        {
            ref long last = ref CollectionsMarshal.GetValueRefOrAddDefault(_lastSteps, tag, out bool seen);
            if (seen && step <= last)
            {
                StepViolations++;
            }
            last = step;
        }

        /// <summary>
        /// True for the values TensorBoard finds by their tag (the hparams plugin's experiment and session tags, the
        /// custom scalars layout): prefixed with a run, their dashboards would show nothing.
        /// </summary>
        private static bool HasFixedName(SummaryMetadata? metadata) =>
            metadata?.PluginData?.PluginName is PluginNames.HParams or PluginNames.CustomScalars;

        private string Rename(string tag)
        {
            foreach (var rename in options.Renames)
            {
                if (rename.Apply(tag) is { } renamed)
                {
                    return renamed;
                }
            }
            return tag;
        }
    }
}
