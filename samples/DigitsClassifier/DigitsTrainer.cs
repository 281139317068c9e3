using System.Diagnostics;
using System.Numerics.Tensors;
using TbLogger.Projector;
using TbLogger;
using TbLogger.Metrics;
using TbLogger.Metrics.Losses;
using TbLogger.Training;

namespace DigitsClassifier;

/// <summary>Settings of a digits training run.</summary>
public sealed record DigitsTrainingOptions
{
    public int Epochs { get; init; } = 30;
    public int BatchSize { get; init; } = 32;
    public float LearningRate { get; init; } = 0.003f;
    public int Hidden { get; init; } = 32;
    public int Seed { get; init; } = 42;
    public string LogDirectory { get; init; } = Path.Combine("runs", "digits");
    /// <summary>Delete the log directory first, so a rerun does not mix with the last one.</summary>
    public bool CleanLogDirectory { get; init; } = true;
    /// <summary>Where the progress bar and messages go; null for the console.</summary>
    public TextWriter? Output { get; init; }
    /// <summary>Write histograms, images, PR curves, figures and the embedding (false: scalars only, faster).</summary>
    public bool RichSummaries { get; init; } = true;
    /// <summary>Patience of early stopping on val_loss; 0 for none.</summary>
    public int EarlyStoppingPatience { get; init; } = 8;
    public string? DataPath { get; init; }
}

/// <summary>The outcome of a run.</summary>
public sealed record DigitsTrainingResult(double ValidationAccuracy, double ValidationLoss, int EpochsRun, TimeSpan Elapsed,
                                          string LogDirectory, History History, int ValidationSamples);

/// <summary>
/// Trains the MLP on the digits with mini-batch Adam, computing the loss and its gradient with TbLogger's
/// <see cref="CategoricalCrossentropyLoss"/> and the metrics with TbLogger.Metrics, and logs everything through
/// Keras-style callbacks: TensorBoard, history, CSV, early stopping and a progress bar.
/// </summary>
public static class DigitsTrainer
{
    public static readonly string[] ClassNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>The metrics logged for training and validation (one fresh set per use).</summary>
    public static MetricCollection CreateMetrics() => new(
    [
        new CategoricalAccuracy("accuracy"),
        new TopKCategoricalAccuracy(k: 3, name: "top3_accuracy"),
        new AUC(name: "auc"),
        new F1Score(FScoreAverage.Macro, name: "f1_macro"),
        new Precision(name: "precision"),
        new Recall(name: "recall"),
    ]);

    public static DigitsTrainingResult Train(DigitsTrainingOptions o)
    {
        var clock = Stopwatch.StartNew();
        var output = o.Output ?? Console.Out;
        if (o.CleanLogDirectory && Directory.Exists(o.LogDirectory)) Directory.Delete(o.LogDirectory, recursive: true);
        var data = DigitsData.Load(o.DataPath, o.Seed);
        const int C = DigitsData.Classes, D = DigitsData.Pixels;
        var model = new Mlp(D, o.Hidden, C, o.LearningRate, o.Seed);
        var loss = new CategoricalCrossentropyLoss(fromLogits: true);
        var train = new EpochMetrics(CreateMetrics());
        var val = new EpochMetrics(CreateMetrics());
        int steps = (data.TrainCount + o.BatchSize - 1) / o.BatchSize;
        var valProbabilities = new float[data.ValidationCount * C];

        var tbOptions = new TensorBoardCallbackOptions
        {
            UpdateFrequency = UpdateFrequency.EveryNBatches(5),
            HistogramFrequency = o.RichSummaries ? 1 : 0,
            WriteImages = o.RichSummaries,
            HParams = new Dictionary<string, HParamValue>
            {
                ["learning_rate"] = o.LearningRate, ["hidden_units"] = o.Hidden, ["batch_size"] = o.BatchSize, ["optimizer"] = "adam",
            },
            // Declares the HPARAMS columns: these hyperparameters and the hparams/* final values (without it TensorBoard
            // would list every batch_/epoch_/evaluation_ series of the run as a metric column).
            HParamsDeclaration = new HParamsDeclaration(),
            ValidationPredictions = o.RichSummaries
                ? ValidationPredictions.From(_ => new ValidationPredictions(data.ValidationY, valProbabilities, C))
                : null,
            ClassNames = ClassNames,
            FigureFrequency = 2,
            LearningRate = () => o.LearningRate,
        };
        var tb = new TensorBoardCallback(o.LogDirectory, tbOptions);
        tb.TrainWriter.AddGraph(model.Graph());   // the GRAPHS dashboard, like PyTorch's add_graph
        if (o.RichSummaries) tb.EpochWritten += (cb, epoch) => { if (epoch % 2 == 0) WriteMisclassified(cb.ValidationWriter, data, valProbabilities, epoch); };
        var history = new History();
        var callbackList = new List<Callback> { tb, history, new CsvLogger(Path.Combine(o.LogDirectory, "training.csv")) };
        if (o.EarlyStoppingPatience > 0) callbackList.Add(new EarlyStopping("val_loss", patience: o.EarlyStoppingPatience, restoreBestWeights: false));
        callbackList.Add(o.Output is null ? new ProgressBar() : new ProgressBar(o.Output, interactive: false));
        using var callbacks = new CallbackList(callbackList, new TrainingContext { Epochs = o.Epochs, StepsPerEpoch = steps, Parameters = model });

        var rng = new Random(o.Seed);
        var order = Enumerable.Range(0, data.TrainCount).ToArray();
        var xBatch = new float[o.BatchSize * D];
        var yBatch = new float[o.BatchSize * C];
        var probs = new float[o.BatchSize * C];
        var dLogits = new float[o.BatchSize * C];
        IReadOnlyDictionary<string, double> epochLogs = Logs.Empty;
        int epochsRun = 0;

        callbacks.OnTrainBegin();
        for (int epoch = 0; epoch < o.Epochs && !callbacks.StopTraining; epoch++)
        {
            callbacks.OnEpochBegin(epoch);
            train.Reset();
            rng.Shuffle(order);
            for (int b = 0; b < steps; b++)
            {
                callbacks.OnTrainBatchBegin(b);
                int start = b * o.BatchSize, n = Math.Min(o.BatchSize, data.TrainCount - start);
                Gather(data.TrainX, data.TrainY, order.AsSpan(start, n), xBatch, yBatch);
                var logits = model.Forward(xBatch.AsSpan(0, n * D), n);
                var yTrue = new ReadOnlyTensorSpan<float>(yBatch, [n, C]);
                float batchLoss = loss.ComputeWithGradient(yTrue, new ReadOnlyTensorSpan<float>(logits, [n, C]), dLogits.AsSpan(0, n * C));
                Mlp.Softmax(logits, probs.AsSpan(0, n * C), C);
                model.BackwardAndStep(xBatch.AsSpan(0, n * D), dLogits.AsSpan(0, n * C), n);
                train.Update(batchLoss, yTrue, new ReadOnlyTensorSpan<float>(probs, [n, C]));
                callbacks.OnTrainBatchEnd(b, train.Results());
            }
            var valLogs = Evaluate(model, loss, data, val, callbacks, valProbabilities, o.BatchSize);
            epochLogs = Logs.WithValidation(train.Results(), valLogs);
            callbacks.OnEpochEnd(epoch, epochLogs);
            epochsRun++;
        }
        if (o.RichSummaries) WriteEmbedding(tb, model, data, epochsRun - 1);
        callbacks.OnTrainEnd(epochLogs);
        history.Plot(Path.Combine(o.LogDirectory, "history.png"));
        clock.Stop();
        return new DigitsTrainingResult(epochLogs["val_accuracy"], epochLogs["val_loss"], epochsRun, clock.Elapsed, o.LogDirectory, history,
                                        data.ValidationCount);
    }

    /// <summary>One pass over the validation set: Keras's evaluation inside fit (test hooks, val_ values).</summary>
    private static Dictionary<string, double> Evaluate(Mlp model, Loss loss, DigitsData data, EpochMetrics val, CallbackList callbacks,
                                                       float[] probabilities, int batchSize)
    {
        const int C = DigitsData.Classes, D = DigitsData.Pixels;
        val.Reset();
        callbacks.OnTestBegin();
        var yBatch = new float[batchSize * C];
        int batches = (data.ValidationCount + batchSize - 1) / batchSize;
        for (int b = 0; b < batches; b++)
        {
            callbacks.OnTestBatchBegin(b);
            int start = b * batchSize, n = Math.Min(batchSize, data.ValidationCount - start);
            var logits = model.Forward(data.ValidationX.AsSpan(start * D, n * D), n);
            Array.Clear(yBatch);
            for (int i = 0; i < n; i++) yBatch[i * C + data.ValidationY[start + i]] = 1f;
            var yTrue = new ReadOnlyTensorSpan<float>(yBatch, [n, C]);
            float batchLoss = loss.Compute(yTrue, new ReadOnlyTensorSpan<float>(logits, [n, C]));
            var p = probabilities.AsSpan(start * C, n * C);
            Mlp.Softmax(logits, p, C);
            val.Update(batchLoss, yTrue, new ReadOnlyTensorSpan<float>((ReadOnlySpan<float>)p, [n, C]));
            callbacks.OnTestBatchEnd(b, val.Results());
        }
        var logs = val.Results();
        callbacks.OnTestEnd(logs);
        return logs;
    }

    private static void Gather(float[] x, int[] y, ReadOnlySpan<int> indices, float[] xBatch, float[] yBatch)
    {
        const int C = DigitsData.Classes, D = DigitsData.Pixels;
        Array.Clear(yBatch);
        for (int i = 0; i < indices.Length; i++)
        {
            x.AsSpan(indices[i] * D, D).CopyTo(xBatch.AsSpan(i * D, D));
            yBatch[i * C + y[indices[i]]] = 1f;
        }
    }

    /// <summary>A grid of up to 32 misclassified validation digits (scaled ×4), and their true → predicted labels as text.</summary>
    private static void WriteMisclassified(SummaryWriter writer, DigitsData data, float[] probabilities, int epoch)
    {
        const int C = DigitsData.Classes, S = DigitsData.Side, Scale = 4, Max = 32;
        var picked = new List<(int Index, int Predicted)>();
        for (int i = 0; i < data.ValidationCount && picked.Count < Max; i++)
        {
            int predicted = TensorPrimitives.IndexOfMax(probabilities.AsSpan(i * C, C));
            if (predicted != data.ValidationY[i]) picked.Add((i, predicted));
        }
        if (picked.Count == 0) return;
        int side = S * Scale;
        var pixels = new float[picked.Count * side * side];
        for (int k = 0; k < picked.Count; k++)
        {
            var src = data.ValidationX.AsSpan(picked[k].Index * S * S, S * S);
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++)
                    pixels[k * side * side + r * side + c] = src[r / Scale * S + c / Scale];
        }
        writer.AddImages("misclassified/digits", pixels, ImageBatchShape.Nhwc(picked.Count, side, side, 1), epoch,
                         options: new ImageOptions { Columns = 8, Padding = 2, PadValue = 128 });
        var text = "| # | true | predicted |\n|---|---|---|\n" +
                   string.Join("\n", picked.Select((p, k) => $"| {k + 1} | {data.ValidationY[p.Index]} | {p.Predicted} |"));
        writer.AddText("misclassified/labels", text, epoch);
    }

    /// <summary>The penultimate layer's activations on the validation set, with digit labels and a sprite of the digits.</summary>
    private static void WriteEmbedding(TensorBoardCallback tb, Mlp model, DigitsData data, int step)
    {
        int n = data.ValidationCount, h = model.Hidden;
        model.Forward(data.ValidationX, n);
        var activations = model.HiddenActivations[..(n * h)].ToArray();
        var metadata = EmbeddingMetadata.FromLabels(data.ValidationY.Select(y => y.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var sprite = EmbeddingSprite.From(data.ValidationX, ImageBatchShape.Nhwc(n, DigitsData.Side, DigitsData.Side, 1));
        tb.TrainWriter.AddEmbedding("penultimate_layer", activations, h, Math.Max(0, step), metadata, sprite);
    }
}
