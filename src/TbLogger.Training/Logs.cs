namespace TbLogger.Training;

/// <summary>
/// Helpers for the <c>logs</c> that training hooks receive: a read-only name → value dictionary, as Keras passes
/// (<c>{"loss": 0.31, "accuracy": 0.92, "val_loss": 0.35, ...}</c>). Validation values carry the prefix <c>val_</c>.
/// </summary>
public static class Logs
{
    /// <summary>The prefix Keras gives validation values in epoch logs.</summary>
    public const string ValidationPrefix = "val_";

    /// <summary>An empty, shared logs dictionary.</summary>
    public static IReadOnlyDictionary<string, double> Empty { get; } = new Dictionary<string, double>(0, StringComparer.Ordinal);

    /// <summary>
    /// Combines training values and validation values into one epoch's logs, as Keras's <c>fit</c> does: training keys as
    /// they are, then each validation key with <see cref="ValidationPrefix"/>.
    /// </summary>
    /// <param name="train">Training values (e.g. <c>loss</c>, <c>accuracy</c>).</param>
    /// <param name="validation">Validation values with unprefixed names, or null.</param>
    /// <returns>A new dictionary.</returns>
    public static Dictionary<string, double> WithValidation(IReadOnlyDictionary<string, double> train, IReadOnlyDictionary<string, double>? validation)
    {
        ArgumentNullException.ThrowIfNull(train);
        var d = new Dictionary<string, double>(train.Count + (validation?.Count ?? 0), StringComparer.Ordinal);
        foreach (var (k, v) in train) d[k] = v;
        if (validation is not null)
            foreach (var (k, v) in validation) d[ValidationPrefix + k] = v;
        return d;
    }

    /// <summary>A copy of <paramref name="logs"/> with every key prefixed (e.g. <c>"val_"</c>).</summary>
    /// <param name="logs">The values.</param>
    /// <param name="prefix">The prefix.</param>
    /// <returns>A new dictionary.</returns>
    public static Dictionary<string, double> Prefixed(IReadOnlyDictionary<string, double> logs, string prefix)
    {
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(prefix);
        var d = new Dictionary<string, double>(logs.Count, StringComparer.Ordinal);
        foreach (var (k, v) in logs) d[prefix + k] = v;
        return d;
    }

    /// <summary>A copy that keeps insertion order and is safe to keep after the caller reuses its dictionary.</summary>
    /// <param name="logs">The values, or null.</param>
    /// <returns>A new dictionary (empty for null).</returns>
    public static Dictionary<string, double> Copy(IReadOnlyDictionary<string, double>? logs)
    {
        var d = new Dictionary<string, double>(logs?.Count ?? 0, StringComparer.Ordinal);
        if (logs is not null)
            foreach (var (k, v) in logs) d[k] = v;
        return d;
    }
}
