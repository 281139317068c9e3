namespace TbLogger.Reading;

public sealed partial class LogDirReader
{
    /// <summary>Counts, step ranges and last values of every tag of every run, in one streaming pass.</summary>
    /// <param name="filter">Runs, tags, steps; null for all.</param>
    /// <returns>One summary per run, sorted by run name.</returns>
    public IReadOnlyList<RunSummary> Summarize(ReadFilter? filter = null)
    {
        var result = new List<RunSummary>();
        var tags = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        // The reader hands out one string per tag, and tags come back in a cycle: the accumulator of the previous value
        // remembers the one that came after it, so most values find theirs by one reference comparison.
        Accumulator? last = null;
        string? current = null;
        foreach (ValueRef v in Values(filter, kind: null))
        {
            if (!ReferenceEquals(current, v.Run) && current != v.Run)
            {
                Flush(current, tags, result);
                current = v.Run;
                last = null;
            }
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
            if (v.Kind == PluginKind.Scalars && Scalar(v, out double value))
            {
                acc.Value = value;
            }
        }
        Flush(current, tags, result);
        // Runs whose files hold no values (e.g. only file_version) are runs for TensorBoard too.
        var seen = result.Select(r => r.Run).ToHashSet(StringComparer.Ordinal);
        foreach (RunInfo run in GetRuns(filter?.Runs))
        {
            if (!seen.Contains(run.Name))
            {
                result.Add(new RunSummary(run.Name, 0, 0, []));
            }
        }
        var runs = GetRuns(filter?.Runs).ToDictionary(r => r.Name, StringComparer.Ordinal);
        return result
            .Select(r => runs.TryGetValue(r.Run, out var info) ? r with { Files = info.Files.Count, Bytes = info.Files.Sum(SafeLength) } : r)
            .OrderBy(r => r.Run, StringComparer.Ordinal)
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

    private static void Flush(string? run, Dictionary<string, Accumulator> tags, List<RunSummary> result)
    {
        if (run is null)
        {
            return;
        }
        var list = tags
            .Select(p => new TagSummary(p.Key, p.Value.Plugin, p.Value.Count, p.Value.First, p.Value.Last, p.Value.Wall, p.Value.Value))
            .OrderBy(t => t.Plugin, StringComparer.Ordinal)
            .ThenBy(t => t.Tag, StringComparer.Ordinal)
            .ToList();
        result.Add(new RunSummary(run, 0, 0, list));
        tags.Clear();
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
