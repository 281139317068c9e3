using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TbLogger.Loading;

/// <summary>
/// TensorBoard 2.20's rules for which points of a run survive loading, in one place
/// (<c>../shared/notes/tensorboard-loader.md</c>). The writer's step check (<c>StepPolicy</c>), the reader's purge
/// plan (<c>PurgePlan</c>) and the verifier's step rule (<c>StepOrderRule</c>) all ask this type, so a change to the
/// rules is made here once. It depends on nothing but the base library.
/// <list type="bullet">
/// <item>Eviction (the default Rust loader's reservoir, and the Python loader's): per tag, a point at step s evicts
/// every kept point at step &gt;= s, so a step that repeats or goes back loses data.</item>
/// <item>Purge (the Python loader, files of version 2): <c>SessionLog START</c> at step p drops the run's earlier
/// points at steps &gt;= p. In older files an out-of-order step drops that tag's earlier points at steps &gt;= it.</item>
/// </list>
/// An instance follows one run (or one file, for a writer) tag by tag in file order. Not thread-safe: the writer
/// uses it under its queue's lock.
/// </summary>
internal sealed class LoaderModel
{
    private const int CacheSlots = 64;

    private readonly Dictionary<string, TagSteps> _tags = new(StringComparer.Ordinal);
    private long _floor;
    private long _violations;

    // Writers pass the same string instance for a tag (a literal, a field) nearly always, so a small cache keyed by
    // object identity skips hashing the tag's characters on the AddScalar path.
    private readonly string?[] _cachedTags = new string?[CacheSlots];
    private readonly TagSteps?[] _cachedSteps = new TagSteps?[CacheSlots];

    /// <param name="purgeStep">
    /// A writer that resumes with a purge step p: the purge discards the run's earlier points at steps &gt;= p but keeps
    /// those below, so every tag starts as if written at p - 1. Null for a run read from its start.
    /// </param>
    public LoaderModel(long? purgeStep = null) => _floor = purgeStep is long p && p != long.MinValue ? p - 1 : long.MinValue;

    /// <summary>Points that repeated or went back; may be read from any thread.</summary>
    public long Violations => Interlocked.Read(ref _violations);

    /// <summary>Files of this version or later purge on <c>SessionLog START</c>; older ones on out-of-order steps.</summary>
    public static bool PurgesOnSessionStart(double? fileVersion) => fileVersion >= 2;

    /// <summary>
    /// In a file that does not purge on START, a summary at <paramref name="step"/> below the most recent summary's
    /// step purges its tags' earlier points at steps &gt;= it.
    /// </summary>
    public static bool PurgesOutOfOrder(double? fileVersion, long step, long mostRecentStep) =>
        !PurgesOnSessionStart(fileVersion) && step < mostRecentStep;

    /// <summary>"brain.Event:2" → 2; TensorBoard treats an unparsable version as absent.</summary>
    public static double? ParseFileVersion(ReadOnlySpan<byte> text)
    {
        int colon = text.LastIndexOf((byte)':');
        return colon >= 0 && double.TryParse(text[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double version)
            ? version
            : null;
    }

    /// <summary>True when a point of <paramref name="tag"/> at <paramref name="step"/> now would evict earlier points; changes nothing.</summary>
    [MethodImpl(HotPath.Options)]
    public bool WouldEvict(string tag, long step, out long previous)
    {
        if (Cached(tag) is { } cached)
        {
            previous = cached.Last;
            return step <= cached.Last;
        }
        if (_tags.TryGetValue(tag, out var state))
        {
            previous = state.Last;
            return step <= state.Last;
        }
        previous = _floor;
        return _floor != long.MinValue && step <= _floor;
    }

    /// <summary>True when a point of <paramref name="tag"/> was taken at a step &gt;= <paramref name="step"/> and is still kept; changes nothing.</summary>
    public bool HasPointAtOrAfter(string tag, long step) =>
        (Cached(tag) ?? (_tags.TryGetValue(tag, out var state) ? state : null)) is { } kept && kept.Last >= step;

    /// <summary>
    /// Takes a point of <paramref name="tag"/> at <paramref name="step"/>. Returns true when it repeats or goes back
    /// (evicting the tag's points at steps &gt;= it); <paramref name="firstForTag"/> is then true for the tag's first such point.
    /// </summary>
    [MethodImpl(HotPath.Options)]
    public bool Observe(string tag, long step, out long previous, out bool firstForTag)
    {
        firstForTag = false;
        TagSteps? state = Cached(tag);
        if (state is null)
        {
            ref TagSteps? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_tags, tag, out bool exists);
            bool fresh = !exists && (_floor == long.MinValue || step > _floor);
            if (!exists)
            {
                slot = new TagSteps { Last = fresh ? step : _floor };
            }
            state = slot!;
            int index = Slot(tag);
            _cachedTags[index] = tag;
            _cachedSteps[index] = state;
            if (fresh)
            {
                previous = step;
                return false;
            }
        }
        previous = state.Last;
        if (step > state.Last)
        {
            state.Last = step;
            return false;
        }
        Interlocked.Increment(ref _violations);
        // The loader evicts the tag's points at steps >= this one, so this step is now the tag's last.
        state.Last = step;
        firstForTag = !state.Reported;
        state.Reported = true;
        return true;
    }

    /// <summary>A <c>SessionLog START</c> at <paramref name="step"/>: every tag's points at steps &gt;= it are gone.</summary>
    public void OnSessionStart(long step)
    {
        long below = step == long.MinValue ? long.MinValue : step - 1;
        foreach (var state in _tags.Values)
        {
            state.Last = Math.Min(state.Last, below);
        }
        if (_floor != long.MinValue)
        {
            _floor = Math.Min(_floor, below);
        }
    }

    // Both inlined into Observe's optimised code whatever the runtime's settings (see Summaries.ValidateTag).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TagSteps? Cached(string tag)
    {
        int index = Slot(tag);
        return ReferenceEquals(_cachedTags[index], tag) ? _cachedSteps[index] : null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Slot(string tag) => RuntimeHelpers.GetHashCode(tag) & (CacheSlots - 1);

    /// <summary>
    /// The eviction rule for one tag of a run read from its start (no purge step), as a value a reader keeps on its own
    /// per-tag state: the scalar scan and the purge pre-pass follow ten million points with it, one comparison each,
    /// instead of a dictionary lookup by tag. It answers exactly as <see cref="Observe"/> of a model built without a
    /// purge step (a test holds the two together).
    /// </summary>
    internal struct TagStepState
    {
        private bool _seen;
        private long _last;

        /// <summary>True once the tag had a point (a segment of a run split for two threads hands this on).</summary>
        public readonly bool Seen => _seen;

        /// <summary>The tag's last step, when <see cref="Seen"/>.</summary>
        public readonly long Last => _last;

        /// <summary>Takes a point at <paramref name="step"/>; true when it repeats or goes back (evicting the tag's points at steps &gt;= it).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Observe(long step)
        {
            // A tag's first point evicts nothing; afterwards a point at or below the last one evicts, and either way
            // it becomes the tag's last kept step.
            bool evicts = _seen && step <= _last;
            _seen = true;
            _last = step;
            return evicts;
        }
    }

    private sealed class TagSteps
    {
        public long Last;
        public bool Reported;
    }
}
