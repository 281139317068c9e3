using System.Buffers.Binary;
using TbLogger.Protos;

namespace TbLogger.Reading;

public sealed partial class LogDirReader
{
    /// <summary>
    /// Scalars from every encoding: simple_value, and one-element tensors of dtype float, double, half, bfloat16,
    /// integers or bool. Decoded from the wire bytes without building protobuf objects. Several runs are read in
    /// parallel (<see cref="LogDirReaderOptions.MaxDegreeOfParallelism"/>), the output staying in run order.
    /// </summary>
    /// <param name="filter">Runs, tags, steps; null for all.</param>
    /// <returns>A lazy sequence, run by run in name order, each run in file order.</returns>
    public IEnumerable<ScalarPoint> ReadScalars(ReadFilter? filter = null) => ScalarRuns.Read(this, filter ?? ReadFilter.All);

    /// <summary>The scalar of <paramref name="v"/>; a malformed tensor is counted and skipped (or, strict, thrown as corruption).</summary>
    internal bool Scalar(in ValueRef v, out double value)
    {
        try
        {
            return TryScalarCore(v, out value);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            Malformed(v, ex);
            value = 0;
            return false;
        }
    }

    private static bool TryScalarCore(in ValueRef v, out double value) => TryScalarCore(v.Info, v.Value, out value);

    /// <summary>The scalar of one Summary.Value's bytes, <paramref name="info"/> read from them; may throw on malformed data.</summary>
    internal static bool TryScalarCore(in ValueInfo info, ReadOnlySpan<byte> value, out double scalar)
    {
        if (info.ValueField == 2)
        {
            scalar = info.SimpleValue;
            return true;
        }
        if (info.ValueField != 8)
        {
            scalar = 0;
            return false;
        }
        ReadOnlySpan<byte> payload = value.Slice(info.PayloadStart, info.PayloadLength);
        if (EventWire.TryReadScalarTensor(payload, out scalar))
        {
            return true;
        }
        // Unusual layouts (repeated packed fields, ...): let the protobuf parser have the last word.
        return TensorValues.TryScalar(TensorProto.Parser.ParseFrom(payload), out scalar);
    }

    /// <summary>Images: Summary.Image values and TF2 image tensors (one record per image).</summary>
    /// <param name="filter">Runs, tags, steps; null for all.</param>
    /// <returns>A lazy sequence.</returns>
    public IEnumerable<ImagePoint> ReadImages(ReadFilter? filter = null)
    {
        foreach (ValueRef v in Values(filter, PluginKind.Images))
        {
            foreach (ImagePoint image in Decode(v, ToImages) ?? [])
            {
                yield return image;
            }
        }
    }

    private static List<ImagePoint>? ToImages(in ValueRef v)
    {
        var value = v.Parse();
        if (value.ValueCase == Summary.Types.Value.ValueOneofCase.Image)
        {
            var image = value.Image;
            return [new ImagePoint(v.Run, v.Tag, v.Step, v.WallTime, 0, image.Width, image.Height, image.Colorspace, image.EncodedImageString.ToByteArray())];
        }
        var images = new List<ImagePoint>();
        if (value.ValueCase == Summary.Types.Value.ValueOneofCase.Tensor && value.Tensor.StringVal.Count >= 2)
        {
            // TF2: [width, height, image_1, ..., image_k] as strings.
            var strings = value.Tensor.StringVal;
            int.TryParse(strings[0].ToStringUtf8(), out int width);
            int.TryParse(strings[1].ToStringUtf8(), out int height);
            for (int i = 2; i < strings.Count; i++)
            {
                images.Add(new ImagePoint(v.Run, v.Tag, v.Step, v.WallTime, i - 2, width, height, 0, strings[i].ToByteArray()));
            }
        }
        return images;
    }

    /// <summary>Audio: Summary.Audio values and TF2 audio tensors ([k, 2]: clip, label).</summary>
    /// <param name="filter">Runs, tags, steps; null for all.</param>
    /// <returns>A lazy sequence.</returns>
    public IEnumerable<AudioPoint> ReadAudio(ReadFilter? filter = null)
    {
        foreach (ValueRef v in Values(filter, PluginKind.Audio))
        {
            foreach (AudioPoint clip in Decode(v, ToAudio) ?? [])
            {
                yield return clip;
            }
        }
    }

    private static List<AudioPoint>? ToAudio(in ValueRef v)
    {
        var value = v.Parse();
        if (value.ValueCase == Summary.Types.Value.ValueOneofCase.Audio)
        {
            var audio = value.Audio;
            return [new AudioPoint(v.Run, v.Tag, v.Step, v.WallTime, 0, audio.SampleRate, audio.NumChannels, audio.LengthFrames, audio.ContentType, audio.EncodedAudioString.ToByteArray())];
        }
        var clips = new List<AudioPoint>();
        if (value.ValueCase == Summary.Types.Value.ValueOneofCase.Tensor)
        {
            var strings = value.Tensor.StringVal;
            long[] shape = TensorValues.Shape(value.Tensor);
            // A stride from the data: clamp it so a hostile shape cannot overflow the index.
            int stride = shape.Length == 2 ? (int)Math.Clamp(shape[1], 1, Math.Max(strings.Count, 1)) : 1;
            for (int i = 0, sample = 0; i < strings.Count; i += stride, sample++)
            {
                byte[] clip = strings[i].ToByteArray();
                var (rate, channels, frames) = WavInfo(clip);
                clips.Add(new AudioPoint(v.Run, v.Tag, v.Step, v.WallTime, sample, rate, channels, frames, "audio/wav", clip));
            }
        }
        return clips;
    }

    /// <summary>Histograms: HistogramProto values and TF2 [k, 3] bucket tensors, with TensorBoard's bucket conversion.</summary>
    /// <param name="filter">Runs, tags, steps; null for all.</param>
    /// <returns>A lazy sequence.</returns>
    public IEnumerable<HistogramPoint> ReadHistograms(ReadFilter? filter = null)
    {
        foreach (ValueRef v in Values(filter, PluginKind.Histograms))
        {
            if (Decode(v, ToHistogram) is { } histogram)
            {
                yield return histogram;
            }
        }
    }

    internal static HistogramPoint? ToHistogram(in ValueRef v)
    {
        var value = v.Parse();
        if (value.ValueCase == Summary.Types.Value.ValueOneofCase.Histo)
        {
            var h = value.Histo;
            if (h.Bucket.Count > h.BucketLimit.Count)
            {
                throw new FormatException($"Histogram has {h.Bucket.Count} bucket counts but {h.BucketLimit.Count} limits.");
            }
            return new HistogramPoint(v.Run, v.Tag, v.Step, v.WallTime, h.Min, h.Max, h.Num, h.Sum, h.SumSquares, ServedBuckets(h));
        }
        if (value.ValueCase != Summary.Types.Value.ValueOneofCase.Tensor)
        {
            return null;
        }
        // The rule tblog verify applies: [k, 3] numbers, all of them stored. Any other shape's elements taken three at
        // a time would be buckets the data never held.
        if (TensorValues.Problem(value.Tensor, PluginNames.Histograms, out double[] flat) is { } problem)
        {
            throw new FormatException(problem);
        }
        var buckets = new HistogramBucket[flat.Length / 3];
        for (int i = 0; i < buckets.Length; i++)
        {
            buckets[i] = new HistogramBucket(flat[3 * i], flat[3 * i + 1], flat[3 * i + 2]);
        }
        double min = buckets.Length > 0 ? buckets[0].Left : 0;
        double max = buckets.Length > 0 ? buckets[^1].Right : 0;
        return new HistogramPoint(v.Run, v.Tag, v.Step, v.WallTime, min, max, buckets.Sum(b => b.Count), double.NaN, double.NaN, buckets);
    }

    /// <summary>TensorBoard's conversion of a HistogramProto: trim empty edge buckets; edges min, inner limits, max.</summary>
    internal static HistogramBucket[] ServedBuckets(HistogramProto histogram)
    {
        var counts = histogram.Bucket;
        var limits = histogram.BucketLimit;
        int first = 0;
        while (first < counts.Count && counts[first] == 0)
        {
            first++;
        }
        int last = counts.Count - 1;
        while (last >= first && counts[last] == 0)
        {
            last--;
        }
        if (first > last)
        {
            return [];
        }
        var result = new HistogramBucket[last - first + 1];
        for (int i = first; i <= last; i++)
        {
            double left = i == first ? histogram.Min : limits[i - 1];
            double right = i == last ? histogram.Max : limits[i];
            result[i - first] = new HistogramBucket(left, right, counts[i]);
        }
        return result;
    }

    /// <summary>PR curves: the plugin's [6, T] float tensors as typed rows.</summary>
    /// <param name="filter">Runs, tags, steps; null for all.</param>
    /// <returns>A lazy sequence.</returns>
    public IEnumerable<PrCurvePoint> ReadPrCurves(ReadFilter? filter = null)
    {
        var thresholds = new Dictionary<(string, string), int>();
        foreach (ValueRef v in Values(filter, PluginKind.PrCurves))
        {
            if (Decode(v, (in ValueRef value) => ToPrCurve(value, thresholds)) is { } curve)
            {
                yield return curve;
            }
        }
    }

    /// <summary>Decodes a PR curve; <paramref name="thresholds"/> remembers num_thresholds, which TensorFlow writes only with a tag's first value.</summary>
    internal static PrCurvePoint? ToPrCurve(in ValueRef v, Dictionary<(string, string), int>? thresholds)
    {
        int? declared = v.Info.ContentStart >= 0 ? PluginContent.PrNumThresholds(v.Content) : null;
        if (declared is int d && thresholds is not null)
        {
            thresholds[(v.Run, v.Tag)] = d;
        }
        var value = v.Parse();
        if (value.ValueCase != Summary.Types.Value.ValueOneofCase.Tensor)
        {
            return null;
        }
        double[] flat = TensorValues.Doubles(value.Tensor);
        if (flat.Length % 6 != 0)
        {
            throw new FormatException($"PR curve '{v.Tag}' at step {v.Step} in '{v.File}' has {flat.Length} values, not a [6, T] tensor.");
        }
        int width = flat.Length / 6;
        float[][] rows = new float[6][];
        for (int r = 0; r < 6; r++)
        {
            rows[r] = new float[width];
            for (int c = 0; c < width; c++)
            {
                rows[r][c] = (float)flat[r * width + c];
            }
        }
        int numThresholds = declared ?? (thresholds is not null && thresholds.TryGetValue((v.Run, v.Tag), out int n) ? n : width);
        return new PrCurvePoint(v.Run, v.Tag, v.Step, v.WallTime, numThresholds, rows[0], rows[1], rows[2], rows[3], rows[4], rows[5]);
    }

    /// <summary>Text: string tensors of the text plugin.</summary>
    /// <param name="filter">Runs, tags, steps; null for all.</param>
    /// <returns>A lazy sequence.</returns>
    public IEnumerable<TextPoint> ReadText(ReadFilter? filter = null)
    {
        foreach (ValueRef v in Values(filter, PluginKind.Text))
        {
            if (Decode(v, ToText) is { } text)
            {
                yield return text;
            }
        }
    }

    private static TextPoint? ToText(in ValueRef v)
    {
        var value = v.Parse();
        return value.ValueCase == Summary.Types.Value.ValueOneofCase.Tensor
            ? new TextPoint(v.Run, v.Tag, v.Step, v.WallTime, TensorValues.Shape(value.Tensor), TensorValues.Strings(value.Tensor))
            : null;
    }

    /// <summary>The custom scalars layouts (tag "custom_scalars__config__"), one per run that declares one (the last wins).</summary>
    /// <param name="filter">Runs; null for all.</param>
    /// <returns>The layouts, by run name.</returns>
    public IReadOnlyList<CustomScalarLayout> ReadCustomScalarLayouts(ReadFilter? filter = null)
    {
        var layouts = new SortedDictionary<string, CustomScalarLayout>(StringComparer.Ordinal);
        foreach (ValueRef v in Values(filter, PluginKind.CustomScalars))
        {
            if (Decode(v, ToLayout) is { } layout)
            {
                layouts[v.Run] = layout;
            }
        }
        return [.. layouts.Values];
    }

    private static CustomScalarLayout? ToLayout(in ValueRef v)
    {
        var value = v.Parse();
        return value.ValueCase == Summary.Types.Value.ValueOneofCase.Tensor && value.Tensor.StringVal.Count == 1
            ? PluginContent.Layout(v.Run, v.Step, value.Tensor.StringVal[0].Span)
            : null;
    }

    /// <summary>
    /// The hparams experiment as TensorBoard's hparams plugin serves it: the first <c>_hparams_/experiment</c> summary in
    /// run order or, when no run holds one, the experiment inferred from every session (<see cref="HParamsExperiment.IsInferred"/>):
    /// each hyperparameter with a type fitting all its values and the values seen as its domain, and as metrics every
    /// scalar series of a session's run or of a run below it. Null when there is neither.
    /// </summary>
    /// <param name="filter">Runs; null for all.</param>
    /// <returns>The experiment, or null.</returns>
    public HParamsExperiment? ReadHParamsExperiment(ReadFilter? filter = null) => Experiment(ScanHParams(filter), filter);

    /// <summary>
    /// The hparams sessions: one per run with <c>_hparams_/session_start_info</c>, with its status and the last value
    /// of each experiment metric (declared or inferred, see <see cref="ReadHParamsExperiment"/>) logged in that run or
    /// its group sub-run (TensorBoard's hparams plugin does the same).
    /// </summary>
    /// <param name="filter">Runs; null for all.</param>
    /// <returns>The sessions, by run name.</returns>
    public IReadOnlyList<HParamsSession> ReadHParamsSessions(ReadFilter? filter = null)
    {
        filter = filter is null ? null : filter with { Tags = null, Steps = default };
        var scan = ScanHParams(filter);
        HParamsExperiment? experiment = scan.Starts.Count == 0 ? null : Experiment(scan, filter);
        var sessions = new List<HParamsSession>();
        foreach (var (run, startInfo) in scan.Starts)
        {
            var start = PluginContent.SessionStart(startInfo);
            var metrics = new SortedDictionary<string, (long, double)>(StringComparer.Ordinal);
            var values = new List<HParamsMetricValue>();
            if (experiment is not null && experiment.Metrics.Count > 0)
            {
                var last = new Dictionary<(string Run, string Tag), (long Step, double Value)>();
                var runs = experiment.Metrics.Select(m => m.Group.Length == 0 ? run : run + "/" + m.Group).Distinct().ToArray();
                var scalars = ReadScalars(new ReadFilter { Runs = TagFilter.Exact(runs), Tags = TagFilter.Exact([.. experiment.Metrics.Select(m => m.Tag).Distinct()]) });
                foreach (ScalarPoint p in scalars)
                {
                    last[(p.Run, p.Tag)] = (p.Step, p.Value);
                }
                foreach (var metric in experiment.Metrics)
                {
                    if (last.TryGetValue((metric.Group.Length == 0 ? run : run + "/" + metric.Group, metric.Tag), out var point))
                    {
                        values.Add(new HParamsMetricValue(metric.Tag, metric.Group, point.Step, point.Value));
                    }
                }
                foreach (var value in values.OrderBy(v => v.Group.Length == 0 ? 0 : 1).ThenBy(v => v.Group, StringComparer.Ordinal))
                {
                    metrics.TryAdd(value.Tag, (value.Step, value.Value));
                }
            }
            var end = scan.Ends.TryGetValue(run, out var e) ? PluginContent.SessionEnd(e) : (Status: (string?)null, EndTime: 0d);
            sessions.Add(new HParamsSession(run, start.Group, start.HParams, end.Status, start.StartTime, end.EndTime, metrics) { MetricValues = values });
        }
        return sessions;
    }

    /// <summary>What the hparams plugin reads of each run: like TensorBoard, each tag's first value (its metadata) counts.</summary>
    private sealed record HParamsScan(HParamsExperiment? Declared, SortedDictionary<string, Protos.Plugins.HParams.SessionStartInfo> Starts,
        Dictionary<string, Protos.Plugins.HParams.SessionEndInfo> Ends);

    private HParamsScan ScanHParams(ReadFilter? filter)
    {
        HParamsExperiment? declared = null;
        var starts = new SortedDictionary<string, Protos.Plugins.HParams.SessionStartInfo>(StringComparer.Ordinal);
        var ends = new Dictionary<string, Protos.Plugins.HParams.SessionEndInfo>(StringComparer.Ordinal);
        foreach (ValueRef v in Values(filter is null ? null : filter with { Tags = null, Steps = default }, PluginKind.HParams))
        {
            string run = v.Run;
            Decode(v, (in ValueRef value) =>
            {
                var data = PluginContent.HParamsData(value.Content);
                switch (data?.DataCase)
                {
                    case Protos.Plugins.HParams.HParamsPluginData.DataOneofCase.Experiment:
                        declared ??= PluginContent.Experiment(run, data.Experiment);
                        break;
                    case Protos.Plugins.HParams.HParamsPluginData.DataOneofCase.SessionStartInfo:
                        starts.TryAdd(run, data.SessionStartInfo);
                        break;
                    case Protos.Plugins.HParams.HParamsPluginData.DataOneofCase.SessionEndInfo:
                        ends.TryAdd(run, data.SessionEndInfo);
                        break;
                }
                return (object?)null;
            });
        }
        return new HParamsScan(declared, starts, ends);
    }

    private HParamsExperiment? Experiment(HParamsScan scan, ReadFilter? filter)
    {
        if (scan.Declared is not null || scan.Starts.Count == 0)
        {
            return scan.Declared;
        }
        // The scalar series of the session runs and the runs below them: TensorBoard's metric columns when nothing declares them.
        var runs = GetRuns(filter?.Runs).Select(r => r.Name).Where(name => HParamsInference.SessionOf(scan.Starts.Keys, name) is not null).ToArray();
        var series = new HashSet<(string Run, string Tag)>();
        foreach (ValueRef v in runs.Length == 0 ? [] : Values(new ReadFilter { Runs = TagFilter.Exact(runs) }, PluginKind.Scalars))
        {
            if (!series.Contains((v.Run, v.Tag)) && Scalar(v, out _))
            {
                series.Add((v.Run, v.Tag));
            }
        }
        return HParamsInference.Infer([.. scan.Starts.Select(s => (s.Key, s.Value))], series);
    }

    private static (float Rate, long Channels, long Frames) WavInfo(ReadOnlySpan<byte> wav)
    {
        // RIFF/WAVE with the canonical 'fmt ' chunk first: enough for what TensorFlow's audio summaries encode.
        if (wav.Length < 44 || !wav[..4].SequenceEqual("RIFF"u8) || !wav.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return (0, 0, 0);
        }
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(wav[22..]);
        int rate = BinaryPrimitives.ReadInt32LittleEndian(wav[24..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(wav[32..]);
        int dataBytes = BinaryPrimitives.ReadInt32LittleEndian(wav[40..]);
        return (rate, channels, blockAlign == 0 ? 0 : dataBytes / blockAlign);
    }
}
