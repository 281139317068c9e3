namespace TbLogger.Reading;

/// <summary>What a typed read selects: runs, tags and steps. Null members select everything.</summary>
public sealed record ReadFilter
{
    /// <summary>Everything.</summary>
    public static ReadFilter All { get; } = new();

    /// <summary>Runs to read (matched against the run name, e.g. "run1/group_a"), or null for all.</summary>
    public TagFilter? Runs { get; init; }

    /// <summary>Tags to read, or null for all.</summary>
    public TagFilter? Tags { get; init; }

    /// <summary>Steps to read (inclusive); default all.</summary>
    public StepRange Steps { get; init; }
}
