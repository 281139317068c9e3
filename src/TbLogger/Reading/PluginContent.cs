using Google.Protobuf;
using Google.Protobuf.Reflection;
using TbLogger.Protos.Plugins.CustomScalar;
using TbLogger.Protos.Plugins.HParams;
using TbLogger.Protos.Plugins.PrCurve;

namespace TbLogger.Reading;

/// <summary>
/// Decodes the plugin protos the typed readers need (PrCurvePluginData, HParamsPluginData, Layout) into the typed
/// records, naming enum values as TensorBoard's JSON does ("DATA_TYPE_FLOAT64", "STATUS_SUCCESS").
/// </summary>
internal static class PluginContent
{
    /// <summary>PrCurvePluginData.num_thresholds, or null when absent or unreadable.</summary>
    public static int? PrNumThresholds(ReadOnlySpan<byte> content)
    {
        try
        {
            uint n = PrCurvePluginData.Parser.ParseFrom(content).NumThresholds;
            return n == 0 ? null : (int)n;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>The plugin data, or null when the content is not an HParamsPluginData.</summary>
    public static HParamsPluginData? HParamsData(ReadOnlySpan<byte> content)
    {
        try
        {
            return HParamsPluginData.Parser.ParseFrom(content);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    public static HParamsExperiment Experiment(string run, Experiment experiment)
    {
        var hparams = experiment.HparamInfos
            .Select(h => new HParamInfo(h.Name, EnumName(h.Type), h.DisplayName) { Domain = Domain(h) })
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        var metrics = experiment.MetricInfos
            .Select(m => new HParamsMetricInfo(m.Name?.Tag ?? "", m.Name?.Group ?? "", m.DisplayName))
            .ToList();
        return new HParamsExperiment(run, hparams, metrics);
    }

    /// <summary>A declared domain as the writer's type, or null when it has none or it does not fit one (mixed kinds, bad bounds).</summary>
    private static HParamDomain? Domain(Protos.Plugins.HParams.HParamInfo info)
    {
        switch (info.DomainCase)
        {
            case Protos.Plugins.HParams.HParamInfo.DomainOneofCase.DomainInterval:
                var interval = info.DomainInterval;
                return double.IsFinite(interval.MinValue) && double.IsFinite(interval.MaxValue) && interval.MinValue <= interval.MaxValue
                    ? HParamDomain.Interval(interval.MinValue, interval.MaxValue)
                    : null;
            case Protos.Plugins.HParams.HParamInfo.DomainOneofCase.DomainDiscrete:
                var values = new List<HParamValue>();
                foreach (var value in info.DomainDiscrete.Values)
                {
                    switch (value.KindCase)
                    {
                        case Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue: values.Add(value.StringValue); break;
                        case Google.Protobuf.WellKnownTypes.Value.KindOneofCase.BoolValue: values.Add(value.BoolValue); break;
                        case Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NumberValue when double.IsFinite(value.NumberValue): values.Add(value.NumberValue); break;
                        default: return null;
                    }
                }
                return values.Count > 0 && values.All(v => v.Kind == values[0].Kind) ? HParamDomain.Discrete([.. values]) : null;
            default:
                return null;
        }
    }

    public static (SortedDictionary<string, object?> HParams, string Group, double StartTime) SessionStart(SessionStartInfo start)
    {
        var hparams = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in start.Hparams)
        {
            hparams[name] = value.KindCase switch
            {
                Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NumberValue => value.NumberValue,
                Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue => value.StringValue,
                Google.Protobuf.WellKnownTypes.Value.KindOneofCase.BoolValue => value.BoolValue,
                Google.Protobuf.WellKnownTypes.Value.KindOneofCase.NullValue or Google.Protobuf.WellKnownTypes.Value.KindOneofCase.None => null,
                _ => value.ToString(),
            };
        }
        return (hparams, start.GroupName, start.StartTimeSecs);
    }

    public static (string Status, double EndTime) SessionEnd(SessionEndInfo end) => (EnumName(end.Status), end.EndTimeSecs);

    public static CustomScalarLayout Layout(string run, long step, ReadOnlySpan<byte> bytes)
    {
        var layout = Protos.Plugins.CustomScalar.Layout.Parser.ParseFrom(bytes);
        var categories = layout.Category.Select(c => new CustomScalarCategory(
            c.Title,
            c.Closed,
            c.Chart.Select(chart => new CustomScalarChart(
                chart.Title,
                chart.Multiline?.Tag.ToList() ?? [],
                chart.Margin?.Series.Select(s => new MarginSeries(s.Value, s.Lower, s.Upper)).ToList() ?? [])).ToList())).ToList();
        return new CustomScalarLayout(run, step, layout.Version, categories);
    }

    private static string EnumName<T>(T value) where T : struct, Enum
    {
        // The proto name (e.g. DATA_TYPE_FLOAT64), which is what TensorBoard's JSON shows.
        var field = typeof(T).GetField(value.ToString());
        var original = field?.GetCustomAttributes(typeof(OriginalNameAttribute), false).OfType<OriginalNameAttribute>().FirstOrDefault();
        return original?.Name ?? value.ToString();
    }
}
