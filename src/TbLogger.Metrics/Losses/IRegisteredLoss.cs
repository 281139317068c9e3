namespace TbLogger.Metrics.Losses;

/// <summary>
/// A built-in loss's factory entry, implemented by the loss class itself next to its <c>WriteConfig</c>, so that its
/// Keras config schema (keys, defaults, default reduction) is written and read back in one file. <see cref="LossFactory"/>
/// lists the classes and looks them up; a user's loss registers through <see cref="LossFactory.Register"/>.
/// </summary>
internal interface IRegisteredLoss
{
    /// <summary>The Keras class name when it is not the .NET name without <c>Loss</c> (e.g. <c>CTC</c>).</summary>
    static virtual string? ClassName => null;

    /// <summary>Further identifiers: the snake_case name, Keras's aliases and TF.js names.</summary>
    static virtual string[] Aliases => [];

    /// <summary>The config keys the loss reads besides <c>name</c>, <c>reduction</c> and <c>dtype</c>; others are refused.</summary>
    static virtual string[] ConfigKeys => [];

    /// <summary>Builds the loss from its parsed config.</summary>
    /// <param name="config">The config, checked against <see cref="ConfigKeys"/>.</param>
    /// <returns>The loss.</returns>
    static abstract Loss FromConfig(LossConfig config);
}
