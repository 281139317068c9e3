namespace TbLogger.Metrics;

// Factory registrations of the F-score family (Keras class names, config keys and defaults).
public static partial class MetricFactory
{
    static partial void RegisterFScoreMetrics()
    {
        Register("FBetaScore", c => new FBetaScore(
            ParseFScoreAverage(c.GetString("average", null)), c.GetDouble("beta", 1.0),
            c.Has("threshold") ? c.GetSingle("threshold", 0.5f) : null, c.Name));
        Register("F1Score", c => new F1Score(
            ParseFScoreAverage(c.GetString("average", null)),
            c.Has("threshold") ? c.GetSingle("threshold", 0.5f) : null, c.Name));
    }

    private static FScoreAverage ParseFScoreAverage(string? value) => value switch
    {
        null => FScoreAverage.None,
        "micro" => FScoreAverage.Micro,
        "macro" => FScoreAverage.Macro,
        "weighted" => FScoreAverage.Weighted,
        _ => throw new ArgumentException(
            $"Invalid `average` argument value. Expected one of: {{None, 'micro', 'macro', 'weighted'}}. Received: average={value}", "configJson"),
    };
}
