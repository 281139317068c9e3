namespace TbLogger.Metrics.Losses;

/// <summary>
/// Creates built-in losses from Keras identifiers and config JSON, as <c>keras.losses.get</c> and
/// <c>Loss.from_config</c> do: <c>LossFactory.Create("categorical_crossentropy", """{"from_logits": true}""")</c>.
/// </summary>
public static class LossFactory
{
    private sealed record Entry(string ClassName, string[] Aliases, string[] Keys, Func<LossConfig, Loss> Create);

    // Every built-in loss. Each class reads its own Keras config next to the code that writes it
    // (IRegisteredLoss.FromConfig beside WriteConfig); this list only says which classes exist, in Keras's order.
    private static readonly Entry[] Entries =
    [
        Add<MeanSquaredErrorLoss>(),
        Add<MeanAbsoluteErrorLoss>(),
        Add<MeanAbsolutePercentageErrorLoss>(),
        Add<MeanSquaredLogarithmicErrorLoss>(),
        Add<HuberLoss>(),
        Add<LogCoshLoss>(),
        Add<BinaryCrossentropyLoss>(),
        Add<CategoricalCrossentropyLoss>(),
        Add<SparseCategoricalCrossentropyLoss>(),
        Add<BinaryFocalCrossentropyLoss>(),
        Add<CategoricalFocalCrossentropyLoss>(),
        Add<HingeLoss>(),
        Add<SquaredHingeLoss>(),
        Add<CategoricalHingeLoss>(),
        Add<KLDivergenceLoss>(),
        Add<PoissonLoss>(),
        Add<CosineSimilarityLoss>(),
        Add<DiceLoss>(),
        Add<TverskyLoss>(),
        Add<CategoricalGeneralizedCrossEntropyLoss>(),
        Add<CircleLoss>(),
        Add<CtcLoss>(),
        Add<AbsoluteDifferenceLoss>(),
        Add<SigmoidCrossEntropyLoss>(),
        Add<SoftmaxCrossEntropyLoss>(),
    ];

    private static Entry Add<TLoss>() where TLoss : Loss, IRegisteredLoss
        => new(TLoss.ClassName ?? typeof(TLoss).Name[..^"Loss".Length], TLoss.Aliases, TLoss.ConfigKeys, TLoss.FromConfig);

    private static readonly object s_lock = new();
    private static readonly Dictionary<string, Entry> ByIdentifier = BuildIndex();
    private static readonly List<string> s_identifiers = [.. Entries.SelectMany(e => e.Aliases.Prepend(e.ClassName))];

    /// <summary>Every identifier <see cref="Create"/> accepts: Keras class names, snake_case names and aliases (case-insensitive), built-in or registered.</summary>
    public static IReadOnlyList<string> Identifiers
    {
        get
        {
            lock (s_lock) return [.. s_identifiers];
        }
    }

    /// <summary>
    /// Registers a loss class by name, so that <see cref="Create"/> and <see cref="Deserialize"/> build it from a config
    /// that names it (Keras's <c>register_keras_serializable</c>). Registering a name again replaces it.
    /// </summary>
    /// <param name="className">The class name written in configs (e.g. <c>"MyLoss"</c>); its snake_case form is registered too.</param>
    /// <param name="configKeys">The config keys the loss reads besides <c>name</c>, <c>reduction</c> and <c>dtype</c>; others are refused.</param>
    /// <param name="create">Builds the loss from the parsed config.</param>
    /// <param name="aliases">Further identifiers.</param>
    public static void Register(string className, IReadOnlyList<string> configKeys, Func<LossConfig, Loss> create, params string[] aliases)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(className);
        ArgumentNullException.ThrowIfNull(configKeys);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(aliases);
        string snake = MetricFactory.ToSnakeCase(className);
        var entry = new Entry(className, [snake, .. aliases], [.. configKeys], create);
        lock (s_lock)
        {
            foreach (string id in entry.Aliases.Prepend(className))
            {
                ByIdentifier[id] = entry;
                if (!s_identifiers.Contains(id)) s_identifiers.Add(id);
            }
        }
    }

    /// <summary>Creates a built-in loss.</summary>
    /// <param name="identifier">A Keras class name (<c>"CategoricalCrossentropy"</c>), snake_case name (<c>"categorical_crossentropy"</c>), Keras alias (<c>"mse"</c>, <c>"kld"</c>, ...) or TF.js name (<c>"softmaxCrossEntropy"</c>); case-insensitive.</param>
    /// <param name="configJson">Optional Keras config (e.g. from <see cref="Loss.GetConfigJson"/>): <c>name</c>, <c>reduction</c> and the loss's own keys; missing keys take Keras's defaults.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">Unknown identifier or config key (the message lists the valid ones), or an invalid value.</exception>
    public static Loss Create(string identifier, string? configJson = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identifier);
        Entry? entry;
        lock (s_lock) ByIdentifier.TryGetValue(identifier, out entry);
        if (entry is null)
            throw new ArgumentException(
                $"Unknown loss '{identifier}'. Valid identifiers: {string.Join(", ", Identifiers)}.", nameof(identifier));
        var config = LossConfig.Parse(configJson, entry.ClassName, entry.Keys);
        try
        {
            return entry.Create(config);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"Invalid config for loss '{entry.ClassName}': {e.Message}", nameof(configJson), e);
        }
    }

    /// <summary>
    /// Creates a loss from Keras's serialized form (<c>keras.losses.serialize</c>, a saved model's compile config):
    /// <c>{"module": "keras.losses", "class_name": "CategoricalCrossentropy", "config": {...}, "registered_name": null}</c>,
    /// or a bare identifier string.
    /// </summary>
    /// <param name="serializedJson">The JSON object (or string) Keras wrote.</param>
    /// <returns>The loss.</returns>
    /// <exception cref="ArgumentException">Not JSON, no <c>class_name</c>, an unknown class, or an invalid config.</exception>
    public static Loss Deserialize(string serializedJson)
    {
        var (className, config) = KerasSerialized.Split(serializedJson, "loss");
        return Create(className, config);
    }

    private static Dictionary<string, Entry> BuildIndex()
    {
        var index = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in Entries)
        {
            index.Add(e.ClassName, e);
            foreach (var alias in e.Aliases) index.TryAdd(alias, e);
        }
        return index;
    }
}
