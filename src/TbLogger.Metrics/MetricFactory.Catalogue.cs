namespace TbLogger.Metrics;

// Registration table for the reduction, accuracy, regression, probabilistic and hinge families: Keras class name →
// constructor reading the Keras config keys (with Keras defaults), plus Keras's string aliases.
// (Confusion / F-score / IoU families register themselves through the partial methods in MetricFactory.cs.)
public static partial class MetricFactory
{
    private static void RegisterReductionMetrics()
    {
        Register("Mean", c => new Mean(c.Name));
        Register("Sum", c => new Sum(c.Name));
    }

    private static void RegisterAccuracyMetrics()
    {
        Register("Accuracy", c => new Accuracy(c.Name), "acc");
        Register("BinaryAccuracy", c => new BinaryAccuracy(c.GetSingle("threshold", 0.5f), c.Name));
        Register("CategoricalAccuracy", c => new CategoricalAccuracy(c.Name));
        Register("SparseCategoricalAccuracy", c => new SparseCategoricalAccuracy(c.Name));
        Register("TopKCategoricalAccuracy", c => new TopKCategoricalAccuracy(c.GetInt32("k", 5), c.Name));
        Register("SparseTopKCategoricalAccuracy",
            c => new SparseTopKCategoricalAccuracy(c.GetInt32("k", 5), c.GetBoolean("from_sorted_ids", false), c.Name));
    }

    private static void RegisterRegressionMetrics()
    {
        Register("MeanSquaredError", c => new MeanSquaredError(c.Name), "mse", "MSE");
        Register("RootMeanSquaredError", c => new RootMeanSquaredError(c.Name));
        Register("MeanAbsoluteError", c => new MeanAbsoluteError(c.Name), "mae", "MAE");
        Register("MeanAbsolutePercentageError", c => new MeanAbsolutePercentageError(c.Name), "mape", "MAPE");
        Register("MeanSquaredLogarithmicError", c => new MeanSquaredLogarithmicError(c.Name), "msle", "MSLE");
        Register("CosineSimilarity", c => new CosineSimilarity(c.GetInt32("axis", -1), c.Name));
        Register("LogCoshError", c => new LogCoshError(c.Name), "logcosh", "log_cosh");
        Register("R2Score", c => new R2Score(c.GetString("class_aggregation", "uniform_average"), c.GetInt32("num_regressors", 0), c.Name));
        Register("PearsonCorrelation", c => new PearsonCorrelation(c.GetInt32("axis", -1), c.Name));
        Register("ConcordanceCorrelation", c => new ConcordanceCorrelation(c.GetInt32("axis", -1), c.Name));
        Register("MeanRelativeError", c => new MeanRelativeError(
            c.GetSingleArray("normalizer") ?? throw new ArgumentException("MeanRelativeError needs a 'normalizer' in its config.", "configJson"), c.Name));
    }

    private static void RegisterProbabilisticMetrics()
    {
        Register("BinaryCrossentropy",
            c => new BinaryCrossentropy(c.GetBoolean("from_logits", false), c.GetSingle("label_smoothing", 0f), c.Name), "bce", "BCE");
        Register("CategoricalCrossentropy",
            c => new CategoricalCrossentropy(c.GetBoolean("from_logits", false), c.GetSingle("label_smoothing", 0f), c.GetInt32("axis", -1), c.Name));
        Register("SparseCategoricalCrossentropy",
            c => new SparseCategoricalCrossentropy(c.GetBoolean("from_logits", false), c.GetInt32("axis", -1),
                                                   c.GetNullableInt32("ignore_class", null), c.Name));
        Register("KLDivergence", c => new KLDivergence(c.Name), "kld", "KLD");
        Register("Poisson", c => new Poisson(c.Name));
    }

    private static void RegisterHingeMetrics()
    {
        Register("Hinge", c => new Hinge(c.Name));
        Register("SquaredHinge", c => new SquaredHinge(c.Name));
        Register("CategoricalHinge", c => new CategoricalHinge(c.Name));
    }
}
