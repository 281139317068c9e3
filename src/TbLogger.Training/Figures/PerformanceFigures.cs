using System.Globalization;
using System.Numerics.Tensors;
using TbLogger.Metrics;

namespace TbLogger.Training.Figures;

/// <summary>The per-epoch performance figures of <see cref="TensorBoardCallback"/>, written into the validation run.</summary>
internal static class PerformanceFigures
{
    /// <summary>Tag of the confusion-matrix image.</summary>
    public const string ConfusionMatrixTag = "performance/confusion_matrix";

    /// <summary>Tag of the ROC image.</summary>
    public const string RocTag = "performance/roc_curve";

    /// <summary>Tag prefix of the per-class PR curves: <c>pr_curve/{class}</c>.</summary>
    public const string PrCurvePrefix = "pr_curve/";

    public static void Write(SummaryWriter writer, ValidationPredictions p, IReadOnlyList<string>? classNames, int epoch, int thresholds, int size)
    {
        var names = ClassNames(classNames, p.NumClasses);
        int n = p.Count, c = p.NumClasses;
        var labels = new bool[n];
        var scores = new float[n];
        var curves = new List<(string, double[], double[], double)>(c);
        for (int k = 0; k < c; k++)
        {
            for (int i = 0; i < n; i++)
            {
                labels[i] = p.Labels[i] == k;
                scores[i] = Math.Clamp(p.Probabilities[i * c + k], 0f, 1f);
            }
            writer.AddPrCurve(PrCurvePrefix + Sanitize(names[k]), labels, scores, epoch, thresholds);
            var (fpr, tpr, auc) = Roc(labels, scores);
            curves.Add((names[k], fpr, tpr, auc));
        }
        double[,] counts = ConfusionCounts(p);
        string title = string.Create(CultureInfo.InvariantCulture, $"Confusion matrix (epoch {epoch + 1}, {n} samples)");
        writer.AddImageEncoded(ConfusionMatrixTag, FigureRenderer.ConfusionMatrixPng(counts, names, title, size), epoch);
        string rocTitle = string.Create(CultureInfo.InvariantCulture, $"ROC, one class vs rest (epoch {epoch + 1})");
        writer.AddImageEncoded(RocTag, FigureRenderer.RocPng(c == 2 ? [curves[1]] : curves, rocTitle, size), epoch);
    }

    /// <summary>The confusion counts [true, predicted], from the <see cref="ConfusionMatrix"/> metric.</summary>
    public static double[,] ConfusionCounts(ValidationPredictions p)
    {
        int n = p.Count, c = p.NumClasses;
        var metric = new ConfusionMatrix(c, sparseYTrue: true, sparseYPred: false);
        var yTrue = new float[n];
        for (int i = 0; i < n; i++) yTrue[i] = p.Labels[i];
        metric.UpdateState(new ReadOnlyTensorSpan<float>(yTrue, [n]), new ReadOnlyTensorSpan<float>(p.Probabilities, [n, c]));
        var result = metric.ResultTensor();
        var counts = new double[c, c];
        int idx = 0;
        foreach (float v in result)
        {
            counts[idx / c, idx % c] = v;
            idx++;
        }
        return counts;
    }

    /// <summary>The exact ROC curve (every distinct score a threshold) and its trapezoidal area.</summary>
    public static (double[] Fpr, double[] Tpr, double Auc) Roc(ReadOnlySpan<bool> labels, ReadOnlySpan<float> scores)
    {
        int n = labels.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var s = scores.ToArray();
        Array.Sort(order, (a, b) => s[b].CompareTo(s[a]));
        double positives = 0;
        foreach (bool l in labels) if (l) positives++;
        double negatives = n - positives;
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        double tp = 0, fp = 0;
        for (int i = 0; i < n; i++)
        {
            if (labels[order[i]]) tp++; else fp++;
            if (i + 1 < n && s[order[i + 1]] == s[order[i]]) continue;
            fpr.Add(negatives > 0 ? fp / negatives : 0);
            tpr.Add(positives > 0 ? tp / positives : 0);
        }
        double auc = 0;
        for (int i = 1; i < fpr.Count; i++) auc += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        return ([.. fpr], [.. tpr], auc);
    }

    public static string[] ClassNames(IReadOnlyList<string>? names, int c)
    {
        var result = new string[c];
        for (int k = 0; k < c; k++)
            result[k] = names is not null && k < names.Count && !string.IsNullOrWhiteSpace(names[k]) ? names[k] : k.ToString(CultureInfo.InvariantCulture);
        return result;
    }

    private static string Sanitize(string name)
    {
        var chars = name.Trim().ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (!(char.IsLetterOrDigit(chars[i]) || chars[i] is '_' or '-' or '.')) chars[i] = '_';
        return new string(chars);
    }
}
