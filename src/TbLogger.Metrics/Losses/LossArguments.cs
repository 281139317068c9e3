namespace TbLogger.Metrics.Losses;

/// <summary>Guard clauses for loss constructor arguments.</summary>
internal static class LossArguments
{
    public static void RequireUnitInterval(float value, string paramName)
    {
        if (!(value >= 0f && value <= 1f))
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be in [0, 1].");
    }

    public static void RequireNonNegativeFinite(float value, string paramName)
    {
        if (!(value >= 0f) || float.IsInfinity(value))
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be a non-negative finite number.");
    }
}
