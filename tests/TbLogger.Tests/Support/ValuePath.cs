using TbLogger.Reading;

namespace TbLogger.Tests.Support;

/// <summary>The reference for ReadScalars: the general value path, one value at a time (one thread, no scan).</summary>
internal static class ValuePath
{
    public static List<ScalarPoint> Scalars(LogDirReader reader, ReadFilter? filter = null)
    {
        var points = new List<ScalarPoint>();
        foreach (ValueRef v in reader.Values(filter, PluginKind.Scalars))
        {
            if (reader.Scalar(v, out double value))
            {
                points.Add(new ScalarPoint(v.Run, v.Tag, v.Step, v.WallTime, value));
            }
        }
        return points;
    }
}
