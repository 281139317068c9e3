namespace TbLogger.Replay;

/// <summary>
/// The bytes every row of one run and tag starts with (for CSV "run,tag,", for JSON Lines the object's opening up to
/// the step), made once per pair. Rows repeat the same tags in the same order (a training loop logs its tags every
/// step), so each pair remembers the one that followed it: most rows find theirs by two reference comparisons, without
/// hashing; a pair met out of that order is looked up by the pair. Names are compared by reference, as the row
/// writer's name caches are (a reader hands out one string per tag, shared by runs or not); equal text in another
/// string is another pair with the same bytes.
/// </summary>
/// <param name="make">Makes a pair's bytes from its run and tag.</param>
internal sealed class RowKeys(Func<string, string, byte[]> make)
{
    /// <summary>
    /// Pairs kept at most (each export thread has its own): a few megabytes with long names; more pairs are made per
    /// row, as the writer's names are when there are too many.
    /// </summary>
    internal const int MaxKept = 16_384;

    private readonly Dictionary<(string Run, string Tag), Entry> _kept = new(SamePair.Instance);
    private Entry? _last;

    /// <summary>Pairs kept so far (at most <see cref="MaxKept"/>).</summary>
    internal int KeptCount => _kept.Count;

    /// <summary>The bytes of the pair (<paramref name="run"/>, <paramref name="tag"/>).</summary>
    public byte[] Get(string run, string tag)
    {
        Entry? last = _last;
        Entry key = last is { Next: { } next } && next.Is(run, tag) ? next
            : last is not null && last.Is(run, tag) ? last
            : LookUp(run, tag);
        // Only kept pairs are linked: a chain through pairs made per row would keep every one of them alive.
        if (last is { Kept: true } && key.Kept && !ReferenceEquals(last.Next, key))
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
        var made = new Entry(run, tag, make(run, tag));
        if (_kept.Count < MaxKept)
        {
            made.Kept = true;
            _kept.Add((run, tag), made);
        }
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

    /// <summary>A pair's bytes and the pair that followed it last time.</summary>
    private sealed class Entry(string run, string tag, byte[] bytes)
    {
        public string Run { get; } = run;

        public string Tag { get; } = tag;

        public byte[] Bytes { get; } = bytes;

        public Entry? Next;

        /// <summary>True when the pair is kept (see <see cref="MaxKept"/>).</summary>
        public bool Kept;

        public bool Is(string run, string tag) => ReferenceEquals(Tag, tag) && ReferenceEquals(Run, run);
    }
}
