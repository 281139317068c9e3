using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TbLogger.Loading;

/// <summary>
/// Remembers the highest step written per tag of one event file and spots steps that repeat or go back.
/// Used under the writer's queue lock, so the order it sees is the order of the file.
/// </summary>
internal sealed class StepTracker
{
    private const int CacheSlots = 64;

    private readonly Dictionary<string, TagSteps> _tags = new(StringComparer.Ordinal);
    private readonly long _floor;

    // Callers pass the same string instance for a tag (a literal, a field) nearly always, so a small cache keyed by
    // object identity skips hashing the tag's characters on the AddScalar path.
    private readonly string?[] _cachedTags = new string?[CacheSlots];
    private readonly TagSteps?[] _cachedSteps = new TagSteps?[CacheSlots];

    /// <param name="purgeStep">
    /// TensorBoard discards a resumed run's earlier points at steps &gt;= the purge step, but keeps those below it;
    /// so after a purge at p, tracking starts as if every tag had been written at p - 1.
    /// </param>
    public StepTracker(long? purgeStep) => _floor = purgeStep is long p && p != long.MinValue ? p - 1 : long.MinValue;

    private long _violations;

    /// <summary>Writes that repeated or went back, reported or not; may be read from any thread.</summary>
    public long Violations => Interlocked.Read(ref _violations);

    /// <summary>True when writing <paramref name="step"/> now would repeat or go back; changes nothing.</summary>
    public bool IsViolation(string tag, long step, out long previous)
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

    /// <summary>Records a write; returns true when it violates and is the tag's first violation, to be reported.</summary>
    public bool Observe(string tag, long step, out long previous)
    {
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
        // TensorBoard evicts the tag's points at steps >= this one, so this step is now the tag's last.
        state.Last = step;
        if (state.Reported)
        {
            return false;
        }
        state.Reported = true;
        return true;
    }

    private TagSteps? Cached(string tag)
    {
        int index = Slot(tag);
        return ReferenceEquals(_cachedTags[index], tag) ? _cachedSteps[index] : null;
    }

    private static int Slot(string tag) => RuntimeHelpers.GetHashCode(tag) & (CacheSlots - 1);

    private sealed class TagSteps
    {
        public long Last;
        public bool Reported;
    }
}
