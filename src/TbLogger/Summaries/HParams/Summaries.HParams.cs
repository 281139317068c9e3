using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.HParams;

namespace TbLogger;

public static partial class Summaries
{
    /// <summary>The tag of the experiment summary (which hyperparameters and metrics exist).</summary>
    public const string HParamsExperimentTag = "_hparams_/experiment";

    /// <summary>The tag of a session's start summary (its hyperparameter values); its run becomes a session.</summary>
    public const string HParamsSessionStartTag = "_hparams_/session_start_info";

    /// <summary>The tag of a session's end summary (its status).</summary>
    public const string HParamsSessionEndTag = "_hparams_/session_end_info";

    /// <summary>
    /// Builds the experiment summary: one <c>HParamInfo</c> per hyperparameter (in dictionary order, type taken from
    /// its value, domain from <paramref name="domains"/>) and one <c>MetricInfo</c> per metric tag.
    /// </summary>
    /// <param name="hparams">Name → value; at least one.</param>
    /// <param name="metricTags">The scalar tags the sessions report as metrics.</param>
    /// <param name="domains">Optional name → domain; every name must be in <paramref name="hparams"/> with a value of the domain's kind.</param>
    /// <returns>A summary with one value under <see cref="HParamsExperimentTag"/>.</returns>
    /// <exception cref="ArgumentException">An argument is empty, a name is blank, or a domain does not fit its hyperparameter.</exception>
    public static Summary HParamsExperiment(IReadOnlyDictionary<string, HParamValue> hparams, IEnumerable<string> metricTags,
        IReadOnlyDictionary<string, HParamDomain>? domains = null)
    {
        ArgumentNullException.ThrowIfNull(metricTags);
        return HParamsExperiment(hparams, metricTags.Select(tag => new HParamsMetric(tag)), domains, nameof(metricTags));
    }

    /// <summary>
    /// Builds the experiment summary with metrics that may live in child runs of each session (Keras's layout: the
    /// session is the log directory, <c>epoch_accuracy</c> lives in its <c>train</c> and <c>validation</c> runs).
    /// </summary>
    /// <param name="hparams">Name → value; at least one.</param>
    /// <param name="metrics">The metric series; TensorBoard shows each one's last point.</param>
    /// <param name="domains">Optional name → domain, as for the other overload.</param>
    /// <returns>A summary with one value under <see cref="HParamsExperimentTag"/>.</returns>
    /// <exception cref="ArgumentException">An argument is empty, a name or tag is blank, a group is not a relative
    /// run path, or a domain does not fit its hyperparameter.</exception>
    public static Summary HParamsExperiment(IReadOnlyDictionary<string, HParamValue> hparams, IEnumerable<HParamsMetric> metrics,
        IReadOnlyDictionary<string, HParamDomain>? domains = null) => HParamsExperiment(hparams, metrics, domains, nameof(metrics));

    private static Summary HParamsExperiment(IReadOnlyDictionary<string, HParamValue> hparams, IEnumerable<HParamsMetric> metrics,
        IReadOnlyDictionary<string, HParamDomain>? domains, string metricsName)
    {
        ValidateHParamValues(hparams);
        ArgumentNullException.ThrowIfNull(metrics, metricsName);
        var experiment = new Experiment();
        foreach (var (name, value) in hparams)
        {
            experiment.HparamInfos.Add(new HParamInfo { Name = name, Type = HParamDataType(value.Kind) });
        }
        if (domains is not null)
        {
            foreach (var (name, domain) in domains)
            {
                ArgumentNullException.ThrowIfNull(domain, nameof(domains));
                if (name is null || !hparams.TryGetValue(name, out var value))
                {
                    throw new ArgumentException($"The domain for '{name}' names no hyperparameter.", nameof(domains));
                }
                if (domain.ValueKind != value.Kind)
                {
                    throw new ArgumentException($"The domain for '{name}' holds {domain.ValueKind} values but the hyperparameter is a {value.Kind}.", nameof(domains));
                }
                domain.ApplyTo(experiment.HparamInfos.First(info => info.Name == name));
            }
        }
        AddMetricInfos(experiment, metrics, metricsName);
        return HParamsExperiment(experiment);
    }

    /// <summary>
    /// Builds a sweep's experiment summary from declarations alone, like TensorFlow's <c>hp.hparams_config</c>: one
    /// <c>HParamInfo</c> per hyperparameter (its type from its domain's values: an interval is a number) and one
    /// <c>MetricInfo</c> per metric. TensorBoard then shows these columns and filters for every session.
    /// </summary>
    /// <param name="domains">Name → domain of every hyperparameter of the sweep; at least one.</param>
    /// <param name="metrics">The metric columns: a tag, in each session's run or in its child run <see cref="HParamsMetric.Group"/>.</param>
    /// <returns>A summary with one value under <see cref="HParamsExperimentTag"/>.</returns>
    /// <exception cref="ArgumentException">No hyperparameter, a blank name or tag, a null domain, or a group that is not a relative run path.</exception>
    public static Summary HParamsConfig(IReadOnlyDictionary<string, HParamDomain> domains, IEnumerable<HParamsMetric> metrics)
    {
        ArgumentNullException.ThrowIfNull(domains);
        ArgumentNullException.ThrowIfNull(metrics);
        if (domains.Count == 0)
        {
            throw new ArgumentException("At least one hyperparameter is needed.", nameof(domains));
        }
        var experiment = new Experiment();
        foreach (var (name, domain) in domains)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A hyperparameter name is empty or white space.", nameof(domains));
            }
            if (domain is null)
            {
                throw new ArgumentException($"The domain of '{name}' is null.", nameof(domains));
            }
            var info = new HParamInfo { Name = name, Type = HParamDataType(domain.ValueKind) };
            domain.ApplyTo(info);
            experiment.HparamInfos.Add(info);
        }
        AddMetricInfos(experiment, metrics, nameof(metrics));
        return HParamsExperiment(experiment);
    }

    private static void AddMetricInfos(Experiment experiment, IEnumerable<HParamsMetric> metrics, string metricsName)
    {
        foreach (var metric in metrics)
        {
            ValidateTag(metric.Tag, metricsName);
            string group = metric.Group ?? "";
            // TensorBoard joins session and group with os.path.join: a leading '/', '..' or '\\' would point elsewhere.
            if (group.Length > 0 && (group[0] == '/' || group[^1] == '/' || group.Contains('\\') || group.Split('/').Any(part => part is "" or "." or "..")))
            {
                throw new ArgumentException($"Metric group '{group}' of '{metric.Tag}' is not a relative run path like 'validation'.", metricsName);
            }
            experiment.MetricInfos.Add(new MetricInfo { Name = new MetricName { Tag = metric.Tag, Group = group } });
        }
    }

    /// <summary>Builds the experiment summary from a complete <see cref="Experiment"/> (display names, descriptions, groups, ...).</summary>
    /// <param name="experiment">The experiment; it must not be changed afterwards.</param>
    /// <returns>A summary with one value under <see cref="HParamsExperimentTag"/>.</returns>
    public static Summary HParamsExperiment(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return HParamsSummary(HParamsExperimentTag, new HParamsPluginData { Experiment = experiment });
    }

    /// <summary>Builds a session's start summary; the run it is written to becomes a session of the HPARAMS dashboard.</summary>
    /// <param name="hparams">Name → value; at least one. Booleans are stored as booleans.</param>
    /// <param name="groupName">Sessions with the same group name are repeats of one trial; null: the session is its own group.</param>
    /// <param name="startTimeSecs">Seconds since the Unix epoch; 0 leaves it unset, as PyTorch does.</param>
    /// <returns>A summary with one value under <see cref="HParamsSessionStartTag"/>.</returns>
    public static Summary HParamsSessionStart(IReadOnlyDictionary<string, HParamValue> hparams, string? groupName = null, double startTimeSecs = 0)
    {
        ValidateHParamValues(hparams);
        var start = new SessionStartInfo { GroupName = groupName ?? "", StartTimeSecs = startTimeSecs };
        foreach (var (name, value) in hparams)
        {
            start.Hparams.Add(name, value.ToProto());
        }
        return HParamsSummary(HParamsSessionStartTag, new HParamsPluginData { SessionStartInfo = start });
    }

    /// <summary>Builds a session's end summary.</summary>
    /// <param name="status">How the session ended.</param>
    /// <param name="endTimeSecs">Seconds since the Unix epoch; 0 leaves it unset, as PyTorch does.</param>
    /// <returns>A summary with one value under <see cref="HParamsSessionEndTag"/>.</returns>
    public static Summary HParamsSessionEnd(Status status = Status.Success, double endTimeSecs = 0)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown session status.");
        }
        return HParamsSummary(HParamsSessionEndTag, new HParamsPluginData { SessionEndInfo = new SessionEndInfo { Status = status, EndTimeSecs = endTimeSecs } });
    }

    /// <summary>
    /// The metadata of an hparams value: plugin "hparams", content the serialized <paramref name="content"/> (version
    /// 0), data class TENSOR.
    /// </summary>
    /// <param name="content">The plugin data.</param>
    /// <returns>A new metadata message.</returns>
    public static SummaryMetadata HParamsMetadata(HParamsPluginData content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return PluginMetadata(PluginNames.HParams, content.ToByteString(), DataClass.Tensor);
    }

    private static Summary HParamsSummary(string tag, HParamsPluginData content)
    {
        content.Version = 0;
        return new Summary
        {
            Value =
            {
                new Summary.Types.Value
                {
                    Tag = tag,
                    Metadata = HParamsMetadata(content),
                    // The data class is set, so TensorBoard's Python loader no longer adds this empty tensor itself
                    // (dataclass_compat only migrates values without one); TensorBoard's own hparams summaries carry it too.
                    Tensor = new TensorProto
                    {
                        Dtype = Protos.DataType.DtFloat,
                        TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 0 } } },
                    },
                },
            },
        };
    }

    private static void ValidateHParamValues(IReadOnlyDictionary<string, HParamValue> hparams)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        if (hparams.Count == 0)
        {
            throw new ArgumentException("At least one hyperparameter is needed.", nameof(hparams));
        }
        foreach (var (name, value) in hparams)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A hyperparameter name is empty or white space.", nameof(hparams));
            }
            if (value.Kind == HParamKind.None)
            {
                throw new ArgumentException($"Hyperparameter '{name}' has no value (default(HParamValue)).", nameof(hparams));
            }
        }
    }

    private static Protos.Plugins.HParams.DataType HParamDataType(HParamKind kind) => kind switch
    {
        HParamKind.Number => Protos.Plugins.HParams.DataType.Float64,
        HParamKind.String => Protos.Plugins.HParams.DataType.String,
        HParamKind.Bool => Protos.Plugins.HParams.DataType.Bool,
        _ => Protos.Plugins.HParams.DataType.Unset,
    };
}
