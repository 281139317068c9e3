namespace TbLogger.Reading.Verify;

/// <summary>What <see cref="LogVerifier"/> checks.</summary>
public sealed record LogVerifierOptions
{
    /// <summary>
    /// Rules applied to every decoded event, in order (default: <see cref="DecodeRule"/>). Framing, CRCs and Event
    /// parsing are always checked. Add rules (e.g. TensorBoard loader rules) by passing a longer list.
    /// </summary>
    public IReadOnlyList<VerifyRule> Rules { get; init; } = [new DecodeRule()];

    /// <summary>Called with the bytes verified so far (for progress display); may be null.</summary>
    public IProgress<long>? Progress { get; init; }
}
