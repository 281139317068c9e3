namespace TbLogger.Reading;

public sealed partial class LogDirReader
{
    /// <summary>Counts, step ranges and last values of every tag of every run, in one streaming pass.</summary>
    /// <param name="filter">Runs, tags, steps; null for all.</param>
    /// <returns>One summary per run, sorted by run name.</returns>
    /// <remarks>
    /// Several runs are summarised on up to <see cref="LogDirReaderOptions.MaxDegreeOfParallelism"/> threads (the
    /// caller's among them), with what a one-thread pass gives: corrupt records and values that do not decode are
    /// reported on the caller's thread in read order, and the first failure in run order is thrown.
    /// </remarks>
    public IReadOnlyList<RunSummary> Summarize(ReadFilter? filter = null)
    {
        filter ??= ReadFilter.All;
        IReadOnlyList<RunInfo> runs = GetRuns(filter.Runs);
        var tags = new IReadOnlyList<TagSummary>[runs.Count];
        int workers = Options.ThreadsForRuns(runs.Count);
        if (workers <= 1)
        {
            var names = new Utf8StringCache();
            for (int r = 0; r < runs.Count; r++)
            {
                tags[r] = SummarizeRun(runs[r], filter, names, probe: null, CancellationToken.None)!;
            }
        }
        else
        {
            SummarizeInParallel(runs, filter, workers, tags);
        }
        // Runs whose files hold no values (e.g. only file_version) are runs for TensorBoard too.
        return runs
            .Select((run, r) => new RunSummary(run.Name, run.Files.Count, run.Files.Sum(SafeLength), tags[r]))
            .OrderBy(r => r.Run, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Runs summarised on <paramref name="workers"/> threads as <see cref="RunsAhead"/> shares them out.</summary>
    private void SummarizeInParallel(IReadOnlyList<RunInfo> runs, ReadFilter filter, int workers, IReadOnlyList<TagSummary>[] tags)
    {
        var callerNames = new Utf8StringCache();
        // One tag cache per helper thread (run r is always made on thread r mod workers).
        var helperNames = new Utf8StringCache[workers];
        SummariesTakenAhead += RunsAhead.Run<HelperSummary>(runs.Count, workers,
            (r, cancellation) => SummarizeAhead(runs[r], filter, helperNames[r % workers] ??= new Utf8StringCache(), cancellation),
            (r, ahead) =>
            {
                if (ahead is not null)
                {
                    // Its bytes count now, once: a run read again counts only the caller's read.
                    _bytesRead?.Add(ahead.BytesRead, force: true);
                    tags[r] = ahead.Tags;
                }
                else
                {
                    tags[r] = SummarizeRun(runs[r], filter, callerNames, probe: null, CancellationToken.None)!;
                }
            });
    }

    /// <summary>What a helper made of one clean run: its tags, and the bytes it read (counted when the caller takes it).</summary>
    private sealed record HelperSummary(IReadOnlyList<TagSummary> Tags, long BytesRead);

    /// <summary>A helper's summary of <paramref name="run"/>, or null when the caller must read it itself.</summary>
    private HelperSummary? SummarizeAhead(RunInfo run, ReadFilter filter, Utf8StringCache names, CancellationToken cancellation)
    {
        using var probe = new CleanRunProbe(cancellation);
        // Null when the probe met anything to report (SummarizeRun checks it after the last record); whatever it
        // throws (the probe stopping it at its first report, a strict read's corruption, an I/O error) makes
        // RunsAhead leave the run to the caller.
        return SummarizeRun(run, filter, names, probe, probe.Stop) is { } clean ? new HelperSummary(clean, probe.BytesRead) : null;
    }

    /// <summary>
    /// The summary of one run's tags, sorted by plugin and tag. With <paramref name="probe"/> (a helper's read) what
    /// would be reported only marks the probe dirty and ends the read, as does <paramref name="cancellation"/> (by
    /// throwing at the next record, or null after the last).
    /// </summary>
    private List<TagSummary>? SummarizeRun(RunInfo run, ReadFilter filter, Utf8StringCache names, CleanRunProbe? probe, CancellationToken cancellation)
    {
        var tags = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        // The reader hands out one string per tag, and tags come back in a cycle: the accumulator of the previous value
        // remembers the one that came after it, so most values find theirs by one reference comparison.
        Accumulator? last = null;
        var (recordOptions, skipped, progress) = ReadSinks(probe);
        foreach (ValueRef v in RunValues(run, filter, kind: null, names, recordOptions, skipped, progress, cancellation))
        {
            Accumulator acc;
            if (last?.Next is { } next && ReferenceEquals(next.Tag, v.Tag))
            {
                acc = next;
            }
            else
            {
                if (!tags.TryGetValue(v.Tag, out Accumulator? found))
                {
                    tags[v.Tag] = found = new Accumulator { Tag = v.Tag, Plugin = v.Plugin, First = long.MaxValue, Last = long.MinValue };
                }
                acc = found;
                if (last is not null)
                {
                    last.Next = acc;
                }
            }
            last = acc;
            acc.Count++;
            acc.First = Math.Min(acc.First, v.Step);
            acc.Last = Math.Max(acc.Last, v.Step);
            acc.Wall = v.WallTime;
            if (acc.Plugin.Length == 0)
            {
                acc.Plugin = v.Plugin;
            }
            if (v.Kind == PluginKind.Scalars && (probe is null ? Scalar(v, out double value) : probe.Scalar(v, out value)))
            {
                acc.Value = value;
            }
        }
        if (probe is { Abandoned: true })
        {
            return null;
        }
        return tags
            .Select(p => new TagSummary(p.Key, p.Value.Plugin, p.Value.Count, p.Value.First, p.Value.Last, p.Value.Wall, p.Value.Value))
            .OrderBy(t => t.Plugin, StringComparer.Ordinal)
            .ThenBy(t => t.Tag, StringComparer.Ordinal)
            .ToList();
    }

    private static long SafeLength(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private sealed class Accumulator
    {
        public string Tag = "";

        /// <summary>The accumulator of the value that followed this tag's last time (a guess for the next lookup).</summary>
        public Accumulator? Next;

        public string Plugin = "";
        public long Count;
        public long First;
        public long Last;
        public double Wall;
        public double? Value;
    }
}
