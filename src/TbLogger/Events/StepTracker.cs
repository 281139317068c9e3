using System.Runtime.InteropServices;

namespace TbLogger.Events;

/// <summary>
/// Remembers the highest step written per tag of one event file and spots steps that repeat or go back.
/// Used under the writer's queue lock, so the order it sees is the order of the file.
/// </summary>
internal sealed class StepTracker
{
    private readonly Dictionary<string, TagSteps> _tags = new(StringComparer.Ordinal);
    private readonly long _floor;

    /// <param name="purgeStep">
    /// TensorBoard discards a resumed run's earlier points at steps &gt;= the purge step, but keeps those below it;
    /// so after a purge at p, tracking starts as if every tag had been written at p - 1.
    /// </param>
    public StepTracker(long? purgeStep) => _floor = purgeStep is long p ? p - 1 : long.MinValue;

    /// <summary>Writes that repeated or went back, reported or not.</summary>
    public long Violations { get; private set; }

    /// <summary>True when writing <paramref name="step"/> now would repeat or go back; changes nothing.</summary>
    public bool IsViolation(string tag, long step, out long previous)
    {
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
        ref TagSteps? state = ref CollectionsMarshal.GetValueRefOrAddDefault(_tags, tag, out bool exists);
        if (!exists)
        {
            state = new TagSteps { Last = _floor };
            if (_floor == long.MinValue || step > _floor)
            {
                state.Last = step;
                previous = step;
                return false;
            }
        }
        previous = state!.Last;
        if (step > state.Last)
        {
            state.Last = step;
            return false;
        }
        Violations++;
        if (state.Reported)
        {
            return false;
        }
        state.Reported = true;
        return true;
    }

    private sealed class TagSteps
    {
        public long Last;
        public bool Reported;
    }
}
