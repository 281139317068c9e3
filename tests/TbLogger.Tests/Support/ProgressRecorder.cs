namespace TbLogger.Tests.Support;

/// <summary>Every total a progress sink hears, in order (locked: a read may report from more than one thread).</summary>
internal sealed class ProgressRecorder(List<long>? values = null) : IProgress<long>
{
    /// <summary>The totals heard so far.</summary>
    public List<long> Values { get; } = values ?? [];

    public void Report(long value)
    {
        lock (Values)
        {
            Values.Add(value);
        }
    }
}
