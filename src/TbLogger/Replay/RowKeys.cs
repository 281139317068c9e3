namespace TbLogger.Replay;

/// <summary>
/// The bytes every row of one run and tag starts with (for CSV "run,tag,", for JSON Lines the object's opening up to
/// the step), made once per pair. Rows repeat the same tags in the same order (a training loop logs its tags every
/// step), so each pair remembers the one that followed it: most rows find theirs by two reference comparisons, without
/// hashing. Names are compared by reference, as the row writer's name caches are (the reader hands out one string per
/// tag of a run); equal text in another string is another pair with the same bytes.
/// </summary>
/// <param name="make">Makes a pair's bytes from its run and tag.</param>
internal sealed class RowKeys(Func<string, string, byte[]> make)
{
    /// <summary>Pairs kept at most; more are made per row, as the writer's names are when there are too many.</summary>
    internal const int MaxKept = 100_000;

    private readonly Dictionary<string, Entry> _byTag = new(ReferenceEqualityComparer.Instance);
    private Entry? _last;

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
        // Found by the tag; the run is checked, since runs share tags.
        for (Entry? entry = _byTag.GetValueOrDefault(tag); entry is not null; entry = entry.SameTag)
        {
            if (ReferenceEquals(entry.Run, run))
            {
                return entry;
            }
        }
        var made = new Entry(run, tag, make(run, tag));
        if (_byTag.Count < MaxKept)
        {
            made.Kept = true;
            made.SameTag = _byTag.GetValueOrDefault(tag);
            _byTag[tag] = made;
        }
        return made;
    }

    /// <summary>A pair's bytes, the pair that followed it last time, and the next pair of the same tag (another run).</summary>
    private sealed class Entry(string run, string tag, byte[] bytes)
    {
        public string Run { get; } = run;

        public string Tag { get; } = tag;

        public byte[] Bytes { get; } = bytes;

        public Entry? Next;

        public Entry? SameTag;

        /// <summary>True when the pair is kept (see <see cref="MaxKept"/>).</summary>
        public bool Kept;

        public bool Is(string run, string tag) => ReferenceEquals(Tag, tag) && ReferenceEquals(Run, run);
    }
}
