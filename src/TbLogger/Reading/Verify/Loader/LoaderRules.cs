namespace TbLogger.Reading.Verify.Loader;

/// <summary>
/// The rules of TensorBoard's default loader (its Rust data server, TensorBoard 2.5 and later) that lose data
/// silently when a writer ignores them. <c>tblog verify</c> applies them; <c>--strict</c> fails on their warnings.
/// </summary>
public static class LoaderRules
{
    /// <summary>New instances of every loader rule, for <see cref="LogVerifierOptions.Rules"/>.</summary>
    /// <returns>The rules: file version first, scalars as rank-0 DT_FLOAT, steps that only go forward, one plugin per tag.</returns>
    public static IReadOnlyList<VerifyRule> All() =>
        [new FileVersionRule(), new FloatScalarRule(), new StepOrderRule(), new ConsistentPluginRule()];
}
