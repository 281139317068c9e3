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
    /// <exception cref="IOException">The destination is not empty or lies inside the source.</exception>
    /// <exception cref="UnsafePathException">A run name (from the source, or <see cref="ReplayOptions.MergeInto"/>) would not stay inside the destination; nothing is written.</exception>
    public static ReplayResult Replay(string source, string destination, ReplayOptions? options = null, LogDirReaderOptions? readerOptions = null)
    {
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

        var writers = new Dictionary<string, OutputRun>(StringComparer.Ordinal);
        var state = new ReplayState(options, name => Writer(writers, output, name));
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
        long eventsRead = 0;
        int runsWritten = 0;
        try
        {
            foreach (RunInfo run in runs)
            {
                string outRun = options.MergeInto ?? run.Name;
                var metadata = new Dictionary<string, SummaryMetadata>(StringComparer.Ordinal);
                foreach (RunEvent item in reader.ReadEvents(run))
                {
                    eventsRead++;
                    if (eventsRead % 65_536 == 0)
                    {
                        options.Progress?.Report(eventsRead);
                    }
                    Event e = item.Event;
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
                                state.Offer(run.Name, outRun, e, value, metadata);
                            }
                            break;
                        default:
                            if (options.Filter.Steps.Contains(e.Step))
                            {
                                var copy = e.Clone();
                                copy.WallTime += options.TimeShift.TotalSeconds;
                                state.Write(outRun, copy);
                            }
                            break;
                    }
                }
                if (options.MergeInto is null)
                {
                    state.Finish(outRun);
                    // One writer thread per open run: close each run as soon as it is done, so thousands of runs stay cheap.
                    if (writers.Remove(outRun, out var done))
                    {
                        done.Dispose();
                        runsWritten++;
                    }
                }
            }
            // Reservoirs of a merged run fill across all source runs.
            state.Finish(null);
        }
        finally
        {
            foreach (var writer in writers.Values)
            {
                writer.Dispose();
            }
        }
        options.Progress?.Report(eventsRead);
        return new ReplayResult(runs.Count, runsWritten + writers.Count, eventsRead, state.Written, state.Dropped);
    }

    private static OutputRun Writer(Dictionary<string, OutputRun> writers, string output, string run)
    {
        if (!writers.TryGetValue(run, out var writer))
        {
            string directory = PathPolicy.Resolve(output, run, $"Run '{PathPolicy.Printable(run)}'");
            writer = new OutputRun(new EventFileWriter(directory, new EventFileWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan, MaxQueueEvents = 65_536 }));
            writers.Add(run, writer);
        }
        return writer;
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

        public void Write(Event e)
        {
            _repeats.StripRepeats(e);
            writer.WriteEncoded(e.ToByteArray(), e.Step, e.WallTime);
        }

        public void Dispose() => writer.Dispose();
    }

    /// <summary>Per-tag counters and reservoirs of one replay.</summary>
    private sealed class ReplayState(ReplayOptions options, Func<string, OutputRun> writerFor)
    {
        private readonly Dictionary<(string Run, string Tag), long> _seen = [];
        private readonly Dictionary<(string Run, string Tag), Reservoir<(long Order, Event Event)>> _reservoirs = [];
        private long _order;

        public long Written { get; private set; }

        public long Dropped { get; private set; }

        public void Offer(string sourceRun, string outRun, Event e, Summary.Types.Value value, Dictionary<string, SummaryMetadata> metadata)
        {
            var filter = options.Filter;
            if ((filter.Tags is { } tags && !tags.IsMatch(value.Tag)) || !filter.Steps.Contains(e.Step))
            {
                Dropped++;
                return;
            }
            string tag = Rename(value.Tag);
            if (options.MergeInto is not null && options.PrefixTagsWithRun)
            {
                tag = sourceRun + "/" + tag;
            }
            var key = (outRun, tag);
            long index = CollectionsMarshal.GetValueRefOrAddDefault(_seen, key, out _)++;
            if (options.KeepEvery is int k && k > 1 && index % k != 0)
            {
                Dropped++;
                return;
            }
            // The value was decoded for this replay and nothing else holds it: it moves into its own event, renamed,
            // instead of being copied (a copy per value was a third of what a replay allocated).
            if (value.Metadata is null && metadata.TryGetValue(value.Tag, out var known))
            {
                // TensorFlow writes metadata only with a tag's first value, and that value may have been left out.
                // Shared, not copied: metadata is only ever read from here on (a repeat is left out, not changed).
                value.Metadata = known;
            }
            value.Tag = tag;
            var single = new Event { Step = e.Step, WallTime = e.WallTime + options.TimeShift.TotalSeconds, Summary = new Summary { Value = { value } } };
            if (options.MaxPointsPerTag is int max)
            {
                if (!_reservoirs.TryGetValue(key, out var reservoir))
                {
                    _reservoirs[key] = reservoir = new Reservoir<(long, Event)>(max, options.Seed);
                }
                reservoir.Add((_order++, single));
                return;
            }
            Write(outRun, single);
        }

        /// <summary>Writes the reservoirs of <paramref name="outRun"/>, or of every run when null.</summary>
        public void Finish(string? outRun)
        {
            var ready = _reservoirs.Where(p => outRun is null || p.Key.Run == outRun).ToList();
            foreach (var item in ready.SelectMany(p => p.Value.Items.Select(i => (p.Key.Run, i.Order, i.Event))).OrderBy(i => i.Order))
            {
                Write(item.Run, item.Event);
            }
            foreach (var (key, reservoir) in ready)
            {
                Dropped += _seen[key] - reservoir.Items.Count;
                _reservoirs.Remove(key);
            }
        }

        public void Write(string run, Event e)
        {
            if (e.WhatCase == Event.WhatOneofCase.Summary)
            {
                Written += e.Summary.Value.Count;
            }
            writerFor(run).Write(e);
        }

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
