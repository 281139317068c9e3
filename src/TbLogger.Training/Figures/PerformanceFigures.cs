using System.Globalization;
using System.Numerics.Tensors;
using TbLogger.Metrics;

namespace TbLogger.Training.Figures;

/// <summary>
/// Performance figures as ScottPlot plots (log them with
/// <see cref="FigureExtensions.AddFigure(SummaryWriter, string, ScottPlot.Plot, long, int, int, DateTimeOffset?)"/>):
/// confusion matrix, ROC and precision-recall curves. <see cref="TensorBoardCallback"/> writes them each epoch into
/// the validation run; these functions make them outside a callback. Each returned plot is the caller's to dispose.
/// </summary>
public static class PerformanceFigures
{
    /// <summary>Tag of the confusion-matrix image.</summary>
    public const string ConfusionMatrixTag = "performance/confusion_matrix";

    /// <summary>Tag of the ROC image.</summary>
    public const string RocTag = "performance/roc_curve";

    /// <summary>Tag prefix of the per-class PR curves: <c>pr_curve/{class}</c>.</summary>
    public const string PrCurvePrefix = "pr_curve/";

    internal static void Write(SummaryWriter writer, ValidationPredictions p, IReadOnlyList<string>? classNames, int epoch, int thresholds, int size)
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
            var (fpr, tpr, auc) = RocPoints(labels, scores);
            curves.Add((names[k], fpr, tpr, auc));
        }
        double[,] counts = ConfusionCounts(p);
        // Titles name the step TensorBoard shows under the image (the callback logs epoch e at step e).
        string title = string.Create(CultureInfo.InvariantCulture, $"Confusion matrix (step {epoch}, {n} samples)");
        writer.AddImageEncoded(ConfusionMatrixTag, FigureRenderer.ConfusionMatrixPng(counts, names, title, size), epoch);
        string rocTitle = string.Create(CultureInfo.InvariantCulture, $"ROC, one class vs rest (step {epoch})");
        writer.AddImageEncoded(RocTag, FigureRenderer.RocPng(c == 2 ? [curves[1]] : curves, rocTitle, size), epoch);
    }

    /// <summary>The confusion counts [true, predicted] of predictions, from the <see cref="TbLogger.Metrics.ConfusionMatrix"/> metric (arg-max class).</summary>
    /// <param name="p">Labels and class probabilities.</param>
    /// <returns>C × C counts.</returns>
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

    /// <summary>
    /// A confusion-matrix heatmap: rows are true classes, columns predicted ones, each cell shows its count (or, when
    /// <paramref name="normalize"/>, its share of the true class's row). Colours follow the square root of a cell's
    /// share of the largest cell, so a few errors among many correct samples stay visible.
    /// </summary>
    /// <param name="counts">C × C counts [true, predicted], e.g. from <see cref="ConfusionCounts"/>; finite and not negative.</param>
    /// <param name="classNames">Names of the classes; null or missing entries show the index.</param>
    /// <param name="normalize">Show each row's fractions instead of counts.</param>
    /// <param name="step">The step the figure is logged at, shown in the default title; null for none.</param>
    /// <param name="title">The title; null for "Confusion matrix (step s, n samples)".</param>
    /// <returns>The plot.</returns>
    /// <exception cref="ArgumentException">The matrix is empty, not square, or has a negative or non-finite count.</exception>
    public static ScottPlot.Plot ConfusionMatrix(double[,] counts, IReadOnlyList<string>? classNames = null, bool normalize = false, long? step = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int c = counts.GetLength(0);
        if (c == 0 || counts.GetLength(1) != c)
        {
            throw new ArgumentException($"A confusion matrix is square and not empty; got {counts.GetLength(0)} x {counts.GetLength(1)}.", nameof(counts));
        }
        double total = 0;
        for (int i = 0; i < c; i++)
        {
            for (int j = 0; j < c; j++)
            {
                double v = counts[i, j];
                if (!double.IsFinite(v) || v < 0)
                {
                    throw new ArgumentException($"counts[{i}, {j}] is {v}; counts must be finite and not negative.", nameof(counts));
                }
                total += v;
            }
        }
        title ??= string.Create(CultureInfo.InvariantCulture,
            $"Confusion matrix ({(step is { } s ? $"step {s}, " : "")}{total:0.##} samples{(normalize ? ", normalised by row" : "")})");
        return FigureRenderer.BuildConfusionMatrix(counts, ClassNames(classNames, c), title, normalize);
    }

    /// <summary>The ROC curve of binary labels and scores (every distinct score a threshold), with its AUC in the legend and the chance diagonal.</summary>
    /// <param name="labels">True for the positive class.</param>
    /// <param name="scores">Scores of the positive class, as many as labels, not NaN.</param>
    /// <param name="step">The step, shown in the default title; null for none.</param>
    /// <param name="title">The title; null for "ROC (step s)".</param>
    /// <returns>The plot.</returns>
    /// <exception cref="ArgumentException">Lengths differ, are zero, or a score is NaN.</exception>
    public static ScottPlot.Plot Roc(ReadOnlySpan<bool> labels, ReadOnlySpan<float> scores, long? step = null, string? title = null)
    {
        CheckScores(labels, scores);
        var (fpr, tpr, auc) = RocPoints(labels, scores);
        return FigureRenderer.BuildRoc([("positive", fpr, tpr, auc)], title ?? (step is { } s ? $"ROC (step {s})" : "ROC"));
    }

    /// <summary>The exact precision-recall curve of binary labels and scores, with its average precision in the legend.</summary>
    /// <param name="labels">True for the positive class.</param>
    /// <param name="scores">Scores of the positive class, as many as labels, not NaN.</param>
    /// <param name="step">The step, shown in the default title; null for none.</param>
    /// <param name="title">The title; null for "Precision-recall (step s)".</param>
    /// <returns>The plot.</returns>
    /// <exception cref="ArgumentException">Lengths differ, are zero, or a score is NaN.</exception>
    public static ScottPlot.Plot PrCurve(ReadOnlySpan<bool> labels, ReadOnlySpan<float> scores, long? step = null, string? title = null)
    {
        CheckScores(labels, scores);
        var (recall, precision, ap) = PrPoints(labels, scores);
        return FigureRenderer.BuildPrCurve([("positive", recall, precision, ap)], title ?? (step is { } s ? $"Precision-recall (step {s})" : "Precision-recall"));
    }

    private static void CheckScores(ReadOnlySpan<bool> labels, ReadOnlySpan<float> scores)
    {
        if (labels.Length != scores.Length || labels.IsEmpty)
        {
            throw new ArgumentException($"labels has {labels.Length} entries and scores {scores.Length}; they must match and not be empty.", nameof(scores));
        }
        for (int i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i]))
            {
                throw new ArgumentException($"scores[{i}] is NaN.", nameof(scores));
            }
        }
    }

    /// <summary>
    /// The exact precision-recall curve: a point after every distinct score (from the highest), starting at recall 0,
    /// precision 1, and the average precision Σ (r_k − r_k−1) · p_k.
    /// </summary>
    /// <param name="labels">True for the positive class.</param>
    /// <param name="scores">Scores, as many as labels.</param>
    /// <returns>Recall and precision per point, and the average precision.</returns>
    public static (double[] Recall, double[] Precision, double AveragePrecision) PrPoints(ReadOnlySpan<bool> labels, ReadOnlySpan<float> scores)
    {
        int n = labels.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var s = scores.ToArray();
        Array.Sort(order, (a, b) => s[b].CompareTo(s[a]));
        double positives = 0;
        foreach (bool l in labels) if (l) positives++;
        var recall = new List<double> { 0 };
        var precision = new List<double> { 1 };
        double tp = 0, fp = 0, ap = 0;
        for (int i = 0; i < n; i++)
        {
            if (labels[order[i]]) tp++; else fp++;
            if (i + 1 < n && s[order[i + 1]] == s[order[i]]) continue;
            double r = positives > 0 ? tp / positives : 0, p = tp / (tp + fp);
            ap += (r - recall[^1]) * p;
            recall.Add(r);
            precision.Add(p);
        }
        return ([.. recall], [.. precision], ap);
    }

    /// <summary>The exact ROC curve (every distinct score a threshold) and its trapezoidal area.</summary>
    /// <param name="labels">True for the positive class.</param>
    /// <param name="scores">Scores, as many as labels.</param>
    /// <returns>False and true positive rates per point, and the area under the curve.</returns>
    public static (double[] Fpr, double[] Tpr, double Auc) RocPoints(ReadOnlySpan<bool> labels, ReadOnlySpan<float> scores)
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

    internal static string[] ClassNames(IReadOnlyList<string>? names, int c)
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
