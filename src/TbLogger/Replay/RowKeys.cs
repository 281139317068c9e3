namespace TbLogger.Replay;

/// <summary>
/// The bytes every row of one run and tag starts with (for CSV "run,tag,", for JSON Lines the object's opening up to
/// the step), made once per pair. Rows repeat the same tags in the same order (a training loop logs its tags every
/// step), so each pair remembers the one that followed it: most rows find theirs by two reference comparisons, without
/// hashing; a pair met out of that order is looked up by the pair. Names are compared by reference, as the row
/// writer's name caches are (a reader hands out one string per tag, shared by runs or not); equal text in another
/// string is another pair with the same bytes. Bounded by pairs and by bytes: when full, the store starts again.
/// </summary>
/// <param name="make">Makes a pair's bytes from its run and tag.</param>
internal sealed class RowKeys(Func<string, string, byte[]> make)
{
    /// <summary>Pairs kept at most (each export thread has its own).</summary>
    internal const int MaxKept = 16_384;

    /// <summary>Bytes of kept pairs at most (long names): a pair longer than this alone is made per row.</summary>
    internal const int MaxKeptBytes = 4 << 20;

    private readonly Dictionary<(string Run, string Tag), Entry> _kept = new(SamePair.Instance);
    private Entry? _last;
    private long _keptBytes;

    // Bumped when the store is emptied: only entries of the current generation are kept and linked.
    private int _generation;

    /// <summary>Pairs kept now (at most <see cref="MaxKept"/>).</summary>
    internal int KeptCount => _kept.Count;

    /// <summary>The bytes of the pair (<paramref name="run"/>, <paramref name="tag"/>).</summary>
    public byte[] Get(string run, string tag)
    {
        Entry? last = _last;
        Entry key = last is { Next: { } next } && next.Is(run, tag) ? next
            : last is not null && last.Is(run, tag) ? last
            : LookUp(run, tag);
        // Only kept pairs are linked (LookUp may just have emptied the store): a link never keeps a dropped pair alive.
        if (last is not null && last.Generation == _generation && key.Generation == _generation && !ReferenceEquals(last.Next, key))
        {
            last.Next = key;
        }
        _last = key;
        return key.Bytes;
    }

    private Entry LookUp(string run, string tag)
    {
        if (_kept.TryGetValue((run, tag), out Entry? kept))
        {
            return kept;
        }
        byte[] bytes = make(run, tag);
        if (bytes.Length > MaxKeptBytes)
        {
            return new Entry(run, tag, bytes, generation: -1);
        }
        if (_kept.Count == MaxKept || _keptBytes + bytes.Length > MaxKeptBytes)
        {
            // Full: start again, so the pairs in use now (the end of a sweep of many runs, say) are kept, not the first ones.
            _kept.Clear();
            _keptBytes = 0;
            _generation++;
            _last = null;
        }
        var made = new Entry(run, tag, bytes, _generation);
        _kept.Add((run, tag), made);
        _keptBytes += bytes.Length;
        return made;
    }

    /// <summary>Pairs of names compared by reference (see the class summary).</summary>
    private sealed class SamePair : IEqualityComparer<(string Run, string Tag)>
    {
        public static readonly SamePair Instance = new();

        public bool Equals((string Run, string Tag) x, (string Run, string Tag) y) => ReferenceEquals(x.Run, y.Run) && ReferenceEquals(x.Tag, y.Tag);

        public int GetHashCode((string Run, string Tag) pair) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Run), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(pair.Tag));
    }

    /// <summary>A pair's bytes, the store generation it was kept in (-1: not kept), and the pair that followed it last time.</summary>
    private sealed class Entry(string run, string tag, byte[] bytes, int generation)
    {
        public string Run { get; } = run;

        public string Tag { get; } = tag;

        public byte[] Bytes { get; } = bytes;

        public int Generation { get; } = generation;

        public Entry? Next;

        public bool Is(string run, string tag) => ReferenceEquals(Tag, tag) && ReferenceEquals(Run, run);
    }
}
