namespace TbLogger.Tests.Support;

/// <summary>
/// Three hparams trials, one writer each, as a sweep writes them: string, bool and float hyperparameters, one that is
/// a number in one trial and a string in another, hyperparameters and metrics that only later trials have, and a
/// Keras-style child run. Fixtures/hparams-trials/{inferred,declared}/tb_query.json hold what TensorBoard 2.20 served
/// for <see cref="Write"/>'s output (see the README there).
/// </summary>
public static class HParamsTrials
{
    /// <summary>A fixed wall time, so the files are the same on every run.</summary>
    public static readonly DateTimeOffset Wall = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    /// <summary>
    /// Writes the runs <c>trial1</c>, <c>trial2</c> (and <c>trial2/validation</c>) and <c>trial3</c> under
    /// <paramref name="logDirectory"/>. <paramref name="declareDomains"/>: the first trial also passes domains, so its
    /// experiment summary is written and wins over what TensorBoard would infer.
    /// </summary>
    public static void Write(string logDirectory, bool declareDomains)
    {
        WriteTrials(logDirectory, declareDomains);
    }

    /// <summary>
    /// The same trials, none with domains, after the sweep's declaration in the root run (<c>AddHParamsConfig</c>,
    /// TensorFlow's <c>hparams_config</c>): every hyperparameter of every trial with its domain, and three metrics.
    /// </summary>
    public static void WriteWithConfig(string logDirectory)
    {
        using (var root = new SummaryWriter(logDirectory))
        {
            root.AddHParamsConfig(
                new Dictionary<string, HParamDomain>
                {
                    ["lr"] = HParamDomain.Interval(1e-6, 1),
                    ["optimizer"] = HParamDomain.Discrete("adam", "sgd", "rmsprop"),
                    ["use_bn"] = HParamDomain.Discrete(true, false),
                    ["dropout"] = HParamDomain.Interval(0, 0.9),
                    ["activation"] = HParamDomain.Discrete("relu", "gelu"),
                    ["schedule"] = HParamDomain.Discrete("constant", "cosine"),
                },
                [new HParamsMetric("hparam/accuracy"), new HParamsMetric("hparam/f1"), new HParamsMetric("epoch_accuracy", "validation")],
                wallTime: Wall);
        }
        WriteTrials(logDirectory, declareDomains: false);
    }

    private static void WriteTrials(string logDirectory, bool declareDomains)
    {
        using (var w = new SummaryWriter(Path.Combine(logDirectory, "trial1")))
        {
            for (int s = 0; s < 3; s++)
            {
                w.AddScalar("train/loss", 1.0 / (s + 1), s, Wall.AddSeconds(s));
            }
            var hparams = new Dictionary<string, HParamValue> { ["lr"] = 0.1, ["optimizer"] = "adam", ["use_bn"] = true, ["schedule"] = 3 };
            var domains = declareDomains
                ? new Dictionary<string, HParamDomain>
                {
                    ["lr"] = HParamDomain.Interval(1e-6, 1),
                    ["optimizer"] = HParamDomain.Discrete("adam", "sgd", "rmsprop", "adamw"),
                    ["use_bn"] = HParamDomain.Discrete(true, false),
                }
                : null;
            w.AddHParams(hparams, new Dictionary<string, double> { ["hparam/accuracy"] = 0.5 }, domains: domains, step: 2, wallTime: Wall.AddSeconds(2));
        }
        using (var w = new SummaryWriter(Path.Combine(logDirectory, "trial2")))
        using (var validation = new SummaryWriter(Path.Combine(logDirectory, "trial2", "validation")))
        {
            for (int s = 0; s < 3; s++)
            {
                w.AddScalar("train/loss", 0.8 / (s + 1), s, Wall.AddSeconds(s));
                validation.AddScalar("epoch_accuracy", 0.6 + (0.1 * s), s, Wall.AddSeconds(s));
            }
            var hparams = new Dictionary<string, HParamValue>
            {
                ["lr"] = 0.003f, ["optimizer"] = "sgd", ["use_bn"] = false, ["dropout"] = 0.25, ["schedule"] = "cosine",
            };
            w.AddHParams(hparams, new Dictionary<string, double> { ["hparam/accuracy"] = 0.75, ["hparam/f1"] = 0.625 }, step: 2, wallTime: Wall.AddSeconds(2),
                status: Protos.Plugins.HParams.Status.Failure);
        }
        using (var w = new SummaryWriter(Path.Combine(logDirectory, "trial3")))
        {
            var hparams = new Dictionary<string, HParamValue>
            {
                ["lr"] = 1e-5, ["optimizer"] = "rmsprop", ["use_bn"] = true, ["dropout"] = 0.5, ["activation"] = "gelu",
            };
            w.AddHParams(hparams, new Dictionary<string, double> { ["hparam/accuracy"] = 0.875, ["hparam/f1"] = 0.8125 }, step: 4, wallTime: Wall.AddSeconds(4));
        }
    }
}
