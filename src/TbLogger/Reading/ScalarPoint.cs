namespace TbLogger.Reading;

/// <summary>One scalar value.</summary>
/// <param name="Run">The run name.</param>
/// <param name="Tag">The tag.</param>
/// <param name="Step">The step.</param>
/// <param name="WallTime">Seconds since the Unix epoch.</param>
/// <param name="Value">The value, widened to double (a float32 simple_value keeps its float value exactly).</param>
public readonly record struct ScalarPoint(string Run, string Tag, long Step, double WallTime, double Value);
