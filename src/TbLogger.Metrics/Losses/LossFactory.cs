namespace TbLogger.Metrics.Losses;

/// <summary>
/// Creates built-in losses from Keras identifiers and config JSON, as <c>keras.losses.get</c> and
/// <c>Loss.from_config</c> do: <c>LossFactory.Create("categorical_crossentropy", """{"from_logits": true}""")</c>.
/// </summary>
public static class LossFactory
{
    private sealed record Entry(string ClassName, string[] Aliases, string[] Keys, Func<LossConfig, Loss> Create);

    private static readonly Entry[] Entries =
    [
        new("MeanSquaredError", ["mean_squared_error", "mse"], [],
            c => new MeanSquaredErrorLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("mean_squared_error"))),
        new("MeanAbsoluteError", ["mean_absolute_error", "mae"], [],
            c => new MeanAbsoluteErrorLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("mean_absolute_error"))),
        new("MeanAbsolutePercentageError", ["mean_absolute_percentage_error", "mape"], [],
            c => new MeanAbsolutePercentageErrorLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("mean_absolute_percentage_error"))),
        new("MeanSquaredLogarithmicError", ["mean_squared_logarithmic_error", "msle"], [],
            c => new MeanSquaredLogarithmicErrorLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("mean_squared_logarithmic_error"))),
        new("Huber", ["huber", "huber_loss"], ["delta"],
            c => new HuberLoss(c.Float("delta", 1f), c.Reduction(Reduction.SumOverBatchSize), c.Name("huber_loss"))),
        new("LogCosh", ["log_cosh", "logcosh"], [],
            c => new LogCoshLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("log_cosh"))),
        new("BinaryCrossentropy", ["binary_crossentropy", "bce"], ["from_logits", "label_smoothing", "axis"],
            c => new BinaryCrossentropyLoss(c.Bool("from_logits", false), c.Float("label_smoothing", 0f), c.Int("axis", -1),
                                        c.Reduction(Reduction.SumOverBatchSize), c.Name("binary_crossentropy"))),
        new("CategoricalCrossentropy", ["categorical_crossentropy"], ["from_logits", "label_smoothing", "axis"],
            c => new CategoricalCrossentropyLoss(c.Bool("from_logits", false), c.Float("label_smoothing", 0f), c.Int("axis", -1),
                                             c.Reduction(Reduction.SumOverBatchSize), c.Name("categorical_crossentropy"))),
        new("SparseCategoricalCrossentropy", ["sparse_categorical_crossentropy"], ["from_logits", "ignore_class", "axis"],
            c => new SparseCategoricalCrossentropyLoss(c.Bool("from_logits", false), c.NullableInt("ignore_class"), c.Int("axis", -1),
                                                   c.Reduction(Reduction.SumOverBatchSize), c.Name("sparse_categorical_crossentropy"))),
        new("BinaryFocalCrossentropy", ["binary_focal_crossentropy"],
            ["apply_class_balancing", "alpha", "gamma", "from_logits", "label_smoothing", "axis"],
            c => new BinaryFocalCrossentropyLoss(c.Bool("apply_class_balancing", false), c.Float("alpha", 0.25f), c.Float("gamma", 2f),
                                             c.Bool("from_logits", false), c.Float("label_smoothing", 0f), c.Int("axis", -1),
                                             c.Reduction(Reduction.SumOverBatchSize), c.Name("binary_focal_crossentropy"))),
        new("CategoricalFocalCrossentropy", ["categorical_focal_crossentropy"], ["alpha", "gamma", "from_logits", "label_smoothing", "axis"],
            c => new CategoricalFocalCrossentropyLoss(c.Float("alpha", 0.25f), c.Float("gamma", 2f), c.Bool("from_logits", false),
                                                  c.Float("label_smoothing", 0f), c.Int("axis", -1),
                                                  c.Reduction(Reduction.SumOverBatchSize), c.Name("categorical_focal_crossentropy"))),
        new("Hinge", ["hinge"], [],
            c => new HingeLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("hinge"))),
        new("SquaredHinge", ["squared_hinge"], [],
            c => new SquaredHingeLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("squared_hinge"))),
        new("CategoricalHinge", ["categorical_hinge"], [],
            c => new CategoricalHingeLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("categorical_hinge"))),
        new("KLDivergence", ["kl_divergence", "kld", "kullback_leibler_divergence"], [],
            c => new KLDivergenceLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("kl_divergence"))),
        new("Poisson", ["poisson"], [],
            c => new PoissonLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("poisson"))),
        new("CosineSimilarity", ["cosine_similarity"], ["axis"],
            c => new CosineSimilarityLoss(c.Int("axis", -1), c.Reduction(Reduction.SumOverBatchSize), c.Name("cosine_similarity"))),
        new("Dice", ["dice"], ["axis"],
            c => new DiceLoss(c.Axes("axis"), c.Reduction(Reduction.SumOverBatchSize), c.Name("dice"))),
        new("Tversky", ["tversky"], ["alpha", "beta", "axis"],
            c => new TverskyLoss(c.Float("alpha", 0.5f), c.Float("beta", 0.5f), c.Axes("axis"), c.Reduction(Reduction.SumOverBatchSize),
                             c.Name("tversky"))),
        new("CategoricalGeneralizedCrossEntropy", ["categorical_generalized_cross_entropy"], ["q"],
            c => new CategoricalGeneralizedCrossEntropyLoss(c.Float("q", 0.5f), c.Reduction(Reduction.SumOverBatchSize),
                                                            c.Name("categorical_generalized_cross_entropy"))),
        new("Circle", ["circle"], ["gamma", "margin", "remove_diagonal"],
            c => new CircleLoss(c.Float("gamma", 80f), c.Float("margin", 0.4f), c.Bool("remove_diagonal", true),
                                c.Reduction(Reduction.SumOverBatchSize), c.Name("circle"))),
        new("CTC", ["ctc"], [],
            c => new CtcLoss(c.Reduction(Reduction.SumOverBatchSize), c.Name("ctc"))),
        new("AbsoluteDifference", ["absolute_difference", "absoluteDifference"], [],
            c => new AbsoluteDifferenceLoss(c.Reduction(Reduction.SumByNonzeroWeights), c.Name("absolute_difference"))),
        new("SigmoidCrossEntropy", ["sigmoid_cross_entropy", "sigmoidCrossEntropy"], ["label_smoothing"],
            c => new SigmoidCrossEntropyLoss(c.Float("label_smoothing", 0f), c.Reduction(Reduction.SumByNonzeroWeights),
                                         c.Name("sigmoid_cross_entropy"))),
        new("SoftmaxCrossEntropy", ["softmax_cross_entropy", "softmaxCrossEntropy"], ["label_smoothing"],
            c => new SoftmaxCrossEntropyLoss(c.Float("label_smoothing", 0f), c.Reduction(Reduction.SumByNonzeroWeights),
                                         c.Name("softmax_cross_entropy"))),
    ];

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
