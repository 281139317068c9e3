using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Images;

/// <summary>The image and audio values of the PyTorch golden run (Fixtures/torch-writer/README.txt).</summary>
internal static class GoldenMedia
{
    private static readonly Lazy<List<(long Step, double Wall, Summary.Types.Value Value)>> s_values = new(() =>
        EventFileReader.Read(Fixtures.EventFileIn(Fixtures.TorchRun1))
            .Where(e => e.WhatCase == Event.WhatOneofCase.Summary)
            .SelectMany(e => e.Summary.Value.Select(v => (e.Step, e.WallTime, v)))
            .ToList());

    public static List<(long Step, double Wall, Summary.Types.Value Value)> Tag(string tag) =>
        s_values.Value.Where(v => v.Value.Tag == tag).ToList();
}
