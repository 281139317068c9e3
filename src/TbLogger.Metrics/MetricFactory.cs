namespace TbLogger.Metrics;

/// <summary>
/// Creates metrics by Keras identifier — class names (<c>"BinaryAccuracy"</c>, <c>"AUC"</c>), snake_case names
/// (<c>"binary_accuracy"</c>) and Keras string aliases (<c>"acc"</c>, <c>"mse"</c>, <c>"bce"</c>, …) — with a Keras
/// config object (same keys and defaults).
/// </summary>
/// <remarks>
/// Naming follows Keras: a class name or snake_case name gives the class's default name (as <c>keras.metrics.get</c>);
/// a short alias such as <c>"mse"</c> or <c>"acc"</c> names the metric after the alias (as <c>compile</c> does).
/// A <c>"name"</c> key in the config always wins.
/// </remarks>
public static class MetricFactory
{
    private sealed record Entry(string ClassName, Func<MetricConfig, Metric> Create);

    private static readonly object s_lock = new();
    private static readonly Dictionary<string, Entry> s_classes = new(StringComparer.OrdinalIgnoreCase);   // class + snake_case
    private static readonly Dictionary<string, Entry> s_aliases = new(StringComparer.Ordinal);             // short aliases

    static MetricFactory()
    {
        // Every built-in metric, by family folder. Each class reads its own Keras config next to the code that writes
        // it (IRegisteredMetric.FromConfig beside WriteConfig); this list only says which classes exist.
        // Reduction
        Add<Mean>(); Add<Sum>();
        // Accuracy
        Add<Accuracy>(); Add<BinaryAccuracy>(); Add<CategoricalAccuracy>(); Add<SparseCategoricalAccuracy>();
        Add<TopKCategoricalAccuracy>(); Add<SparseTopKCategoricalAccuracy>();
        // Regression
        Add<MeanSquaredError>(); Add<RootMeanSquaredError>(); Add<MeanAbsoluteError>();
        Add<MeanAbsolutePercentageError>(); Add<MeanSquaredLogarithmicError>(); Add<CosineSimilarity>();
        Add<LogCoshError>(); Add<R2Score>(); Add<PearsonCorrelation>(); Add<ConcordanceCorrelation>();
        Add<MeanRelativeError>();
        // Probabilistic
        Add<BinaryCrossentropy>(); Add<CategoricalCrossentropy>(); Add<SparseCategoricalCrossentropy>();
        Add<KLDivergence>(); Add<Poisson>();
        // Hinge
        Add<Hinge>(); Add<SquaredHinge>(); Add<CategoricalHinge>();
        // Confusion
        Add<TruePositives>(); Add<FalsePositives>(); Add<TrueNegatives>(); Add<FalseNegatives>(); Add<Precision>();
        Add<Recall>(); Add<SensitivityAtSpecificity>(); Add<SpecificityAtSensitivity>(); Add<PrecisionAtRecall>();
        Add<RecallAtPrecision>(); Add<AUC>(); Add<ConfusionMatrix>();
        // FScore
        Add<FBetaScore>(); Add<F1Score>();
        // IoU
        Add<IoU>(); Add<MeanIoU>(); Add<BinaryIoU>(); Add<OneHotIoU>(); Add<OneHotMeanIoU>();
    }

    private static void Add<TMetric>() where TMetric : Metric, IRegisteredMetric
        => Register(typeof(TMetric).Name, TMetric.FromConfig, TMetric.Aliases);

    /// <summary>
    /// Registers a metric class under its Keras class name and its snake_case form (Keras's <c>to_snake_case</c>),
    /// plus optional aliases that also become the metric's default name. Replaces an earlier registration of the same names.
    /// </summary>
    /// <param name="className">Keras class name, e.g. <c>"BinaryAccuracy"</c>.</param>
    /// <param name="create">Builds the metric from a config; read every supported key through <see cref="MetricConfig"/> so unknown keys are detected, and pass <see cref="MetricConfig.Name"/> as the name (null = class default).</param>
    /// <param name="aliases">Extra identifiers, e.g. <c>"mse"</c>, <c>"MSE"</c>.</param>
    public static void Register(string className, Func<MetricConfig, Metric> create, params string[] aliases)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(className);
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(aliases);
        var entry = new Entry(className, create);
        lock (s_lock)
        {
            s_classes[className] = entry;
            s_classes[ToSnakeCase(className)] = entry;
            foreach (var alias in aliases) s_aliases[alias] = entry;
        }
    }

    /// <summary>Every identifier that <see cref="Create"/> accepts, sorted.</summary>
    public static IReadOnlyList<string> Identifiers
    {
        get
        {
            lock (s_lock)
                return [.. s_classes.Keys.Concat(s_aliases.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Creates a metric from a Keras identifier and an optional Keras config object.</summary>
    /// <param name="identifier">Class name, snake_case name or alias (e.g. <c>"AUC"</c>, <c>"binary_accuracy"</c>, <c>"mse"</c>).</param>
    /// <param name="configJson">Keras config as JSON, e.g. <c>{"threshold": 0.7}</c>; null for the defaults.</param>
    /// <returns>The new metric.</returns>
    /// <exception cref="ArgumentException">Unknown identifier or config key (the message lists the valid ones), or a bad value.</exception>
    public static Metric Create(string identifier, string? configJson = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identifier);
        Entry? entry;
        bool isAlias;
        lock (s_lock)
        {
            isAlias = s_aliases.TryGetValue(identifier, out entry);
            if (!isAlias && !s_classes.TryGetValue(identifier, out entry)) entry = null;
        }
        if (entry is null)
            throw new ArgumentException(
                $"Unknown metric '{identifier}'. Valid identifiers: {string.Join(", ", Identifiers)}.", nameof(identifier));
        return Build(entry, identifier, configJson, isAlias ? identifier : null);
    }

    /// <summary>
    /// Creates a metric from Keras's serialized form (<c>keras.metrics.serialize</c> / a saved model's compile config):
    /// <c>{"module": "keras.metrics", "class_name": "AUC", "config": {...}, "registered_name": null}</c>. A bare class
    /// name string (<c>"AUC"</c>) is accepted too, as Keras accepts one.
    /// </summary>
    /// <param name="serializedJson">The JSON object (or string) Keras wrote.</param>
    /// <returns>The metric.</returns>
    /// <exception cref="ArgumentException">Not JSON, no <c>class_name</c>, an unknown class, or an invalid config.</exception>
    public static Metric Deserialize(string serializedJson)
    {
        var (className, config) = KerasSerialized.Split(serializedJson, "metric");
        return Create(className, config);
    }

    /// <summary>
    /// Creates a metric the way Keras's <c>compile</c> does: <c>"accuracy"</c>/<c>"acc"</c> (any case) become
    /// BinaryAccuracy when predictions have one value per sample, SparseCategoricalAccuracy when labels have a lower
    /// rank than predictions or a last dimension of 1 against several classes, else CategoricalAccuracy — keeping the
    /// name the user gave. Other identifiers go to <see cref="Create"/> and keep the identifier as name.
    /// </summary>
    /// <param name="identifier">The identifier as given to compile.</param>
    /// <param name="yTrueShape">Shape of the labels.</param>
    /// <param name="yPredShape">Shape of the predictions.</param>
    /// <param name="configJson">Optional Keras config.</param>
    /// <returns>The new metric.</returns>
    /// <exception cref="ArgumentException">Unknown identifier or config key.</exception>
    public static Metric Resolve(string identifier, ReadOnlySpan<nint> yTrueShape, ReadOnlySpan<nint> yPredShape, string? configJson = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identifier);
        string lower = identifier.ToLowerInvariant();
        if (lower is not ("accuracy" or "acc"))
        {
            Entry? e;
            lock (s_lock)
            {
                if (!s_aliases.TryGetValue(identifier, out e) && !s_classes.TryGetValue(identifier, out e)) e = null;
            }
            if (e is null)
                throw new ArgumentException($"Unknown metric '{identifier}'. Valid identifiers: {string.Join(", ", Identifiers)}.", nameof(identifier));
            return Build(e, identifier, configJson, identifier);
        }
        if (yPredShape.IsEmpty) throw new ArgumentException("yPred shape must have at least one dimension.", nameof(yPredShape));
        if (yTrueShape.IsEmpty) throw new ArgumentException("yTrue shape must have at least one dimension.", nameof(yTrueShape));
        // Keras: is_binary = last dim of y_pred == 1. A rank-1 y_pred ([batch]) holds one value per sample: binary too.
        bool isBinary = yPredShape[^1] == 1 || yPredShape.Length == 1;
        bool isSparse = yTrueShape.Length < yPredShape.Length || (yTrueShape[^1] == 1 && yPredShape[^1] > 1);
        string className = isBinary ? "BinaryAccuracy" : isSparse ? "SparseCategoricalAccuracy" : "CategoricalAccuracy";
        Entry entry;
        lock (s_lock) entry = s_classes[className];
        return Build(entry, identifier, configJson, identifier);
    }

    /// <summary>
    /// A new metric of <paramref name="like"/>'s type and config whose state is <paramref name="reduced"/>: the
    /// all-reduced <see cref="MetricState.ToVector"/> vectors of every rank. Its result equals one pass over all the data.
    /// </summary>
    /// <typeparam name="TMetric">The metric type.</typeparam>
    /// <param name="like">A metric with the layout of the vectors (e.g. this rank's metric); it is not changed.</param>
    /// <param name="reduced">The reduced vector.</param>
    /// <returns>The new metric, named like <paramref name="like"/>.</returns>
    /// <exception cref="ArgumentException">The vector's length differs from <paramref name="like"/>'s layout.</exception>
    /// <exception cref="InvalidOperationException">The type is not registered here; use <see cref="MetricState.LoadVector"/> on an instance.</exception>
    public static TMetric FromReducedState<TMetric>(TMetric like, ReadOnlySpan<double> reduced) where TMetric : Metric
    {
        ArgumentNullException.ThrowIfNull(like);
        Metric created;
        try
        {
            created = Create(like.GetType().Name, like.GetConfigJson());
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException(
                $"{like.GetType().Name} cannot be created from its config ({ex.Message}); call State.LoadVector on a new instance instead.", ex);
        }
        if (created is not TMetric metric || created.GetType() != like.GetType())
            throw new InvalidOperationException($"MetricFactory created a {created.GetType().Name} for {like.GetType().Name}; call State.LoadVector on a new instance instead.");
        metric.State.LoadVectorLaidOutAs(reduced, like.State);
        return metric;
    }

    private static Metric Build(Entry entry, string identifier, string? configJson, string? defaultName)
    {
        var config = new MetricConfig(identifier, configJson, defaultName);
        Metric metric = entry.Create(config);
        config.ThrowOnUnknownKeys();
        metric.DType = config.DType;
        return metric;
    }

    /// <summary>Keras's <c>to_snake_case</c>: "BinaryAccuracy" → "binary_accuracy", "AUC" → "auc", "MeanIoU" → "mean_io_u".</summary>
    /// <param name="name">A class name.</param>
    /// <returns>The snake_case form.</returns>
    public static string ToSnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Step 1: "(.)([A-Z][a-z]+)" -> "\1_\2"; step 2: "([a-z])([A-Z])" -> "\1_\2"; then lower-case.
        string s1 = System.Text.RegularExpressions.Regex.Replace(name, "(.)([A-Z][a-z]+)", "$1_$2");
        string s2 = System.Text.RegularExpressions.Regex.Replace(s1, "([a-z])([A-Z])", "$1_$2");
        return s2.ToLowerInvariant();
    }
}
