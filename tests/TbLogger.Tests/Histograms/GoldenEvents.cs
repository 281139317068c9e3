using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Histograms;

/// <summary>The golden PyTorch events of one run, by tag, in file order.</summary>
internal static class GoldenEvents
{
    public static List<(long Step, Summary.Types.Value Value)> Tag(string tag, params string[] run)
    {
        string directory = Path.Combine([Fixtures.TorchRun1, .. run]);
        return EventFileReader.Read(Fixtures.EventFileIn(directory))
            .Where(e => e.WhatCase == Event.WhatOneofCase.Summary)
            .SelectMany(e => e.Summary.Value.Where(v => v.Tag == tag).Select(v => (e.Step, v)))
            .ToList();
    }

    /// <summary>Every summary value in an event file we wrote, with its event's step.</summary>
    public static List<(long Step, double Wall, Summary.Types.Value Value)> Written(string directory) =>
        EventFileReader.Read(Fixtures.EventFileIn(directory))
            .Where(e => e.WhatCase == Event.WhatOneofCase.Summary)
            .SelectMany(e => e.Summary.Value.Select(v => (e.Step, e.WallTime, v)))
            .ToList();
}
