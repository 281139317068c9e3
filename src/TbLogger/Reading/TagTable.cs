using System.IO.Hashing;
using System.Text;

namespace TbLogger.Reading;

/// <summary>
/// What one pass over a run knows about each tag, found by the tag's UTF-8 bytes: the tag is decoded to a string
/// once per distinct byte sequence, and everything decided per tag (does the filter match, which plugin, its purge
/// marks) is decided once, not once per value. A run of ten tags and ten million values does ten lookups' worth of
/// work per kind of decision; the per-value cost is one hash of the tag bytes and one comparison.
/// </summary>
/// <remarks>
/// Open addressing, seeded per process so crafted tags cannot all land in one slot. It grows with the number of
/// distinct tags (as TensorBoard's own per-tag state does); a run's tags, not its values, decide its size.
/// </remarks>
internal sealed class TagTable(Action<TagState>? seed = null)
{
    private static readonly long s_seed = Random.Shared.NextInt64();

    // Told about each new tag state: a segment's scan hands on what the run decided about the tag before the segment.
    private readonly Action<TagState>? _seed = seed;

    private Entry[] _entries = new Entry[32];
    private int _count;

    // One state per decoded tag: different invalid UTF-8 sequences decode to the same string (U+FFFD), which is the
    // tag their points carry and the key of the purge plan's marks, so they must also share one step history.
    private readonly Dictionary<string, TagState> _byTag = new(StringComparer.Ordinal);

    // Tags usually repeat in a fixed cycle (a training loop logs the same tags every step): remembering which tag
    // followed which turns most lookups into one comparison of bytes.
    private TagState? _last;

    public TagState Get(ReadOnlySpan<byte> utf8)
    {
        if (_last?.Next is { } predicted && utf8.SequenceEqual(predicted.Utf8))
        {
            _last = predicted;
            return predicted;
        }
        TagState state = Lookup(utf8);
        if (_last is not null)
        {
            _last.Next = state;
        }
        _last = state;
        return state;
    }

    private TagState Lookup(ReadOnlySpan<byte> utf8)
    {
        ulong hash = XxHash3.HashToUInt64(utf8, s_seed);
        int mask = _entries.Length - 1;
        for (int i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            ref Entry entry = ref _entries[i];
            if (entry.State is null)
            {
                byte[] key = utf8.ToArray();
                string tag = Encoding.UTF8.GetString(utf8);
                if (!_byTag.TryGetValue(tag, out TagState? state))
                {
                    state = new TagState(key, tag);
                    _byTag.Add(tag, state);
                    _seed?.Invoke(state);
                }
                entry = new Entry(hash, key, state);
                if (++_count * 2 > _entries.Length)
                {
                    Grow();
                }
                return state;
            }
            if (entry.Hash == hash && utf8.SequenceEqual(entry.Key))
            {
                return entry.State;
            }
        }
    }

    private void Grow()
    {
        Entry[] old = _entries;
        _entries = new Entry[old.Length * 2];
        int mask = _entries.Length - 1;
        foreach (Entry entry in old)
        {
            if (entry.State is null)
            {
                continue;
            }
            int i = (int)entry.Hash & mask;
            while (_entries[i].State is not null)
            {
                i = (i + 1) & mask;
            }
            _entries[i] = entry;
        }
    }

    private readonly record struct Entry(ulong Hash, byte[] Key, TagState State);
}

/// <summary>One tag of a run, as <see cref="TagTable"/> remembers it for one pass.</summary>
internal sealed class TagState(byte[] utf8, string tag)
{
    public byte[] Utf8 { get; } = utf8;

    public string Tag { get; } = tag;

    /// <summary>The tag that followed this one last time (a guess for the next lookup).</summary>
    public TagState? Next;

    /// <summary>0 not yet asked, 1 the pass's tag filter matches, -1 it does not.</summary>
    public sbyte FilterMatch;

    /// <summary>True once <see cref="Plugin"/> and <see cref="Kind"/> are fixed for the run (see <see cref="TagPlugins"/>).</summary>
    public bool PluginKnown;

    public PluginKind Kind;

    public string Plugin = "";

    /// <summary>True once <see cref="Marks"/> has been looked up in the pass's purge plan.</summary>
    public bool MarksKnown;

    /// <summary>The tag's purge marks, or null when the plan has none for it.</summary>
    public PurgePlan.TagMarks? Marks;

    /// <summary>
    /// True once every value of this tag in the common layouts (<see cref="EventWire.TryReadCommonScalar"/>, no
    /// metadata) is a point when its step is selected: the filter matches, the plugin is scalars, and the purge plan
    /// has no marks for it. Set by the scan after the general path decided all three.
    /// </summary>
    public bool Plain;

    /// <summary>The tag's last step, for the data server's eviction rule (a pass that observes every value).</summary>
    public Loading.LoaderModel.TagStepState Steps;

    /// <summary>The ordinal and step of the tag's first value in a segment's pre-pass (see <see cref="SegmentPrePass"/>).</summary>
    public long FirstOrdinal;

    /// <inheritdoc cref="FirstOrdinal"/>
    public long FirstStep;
}
