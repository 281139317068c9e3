using System.Diagnostics;
using System.Globalization;
using DigitsClassifier;
using TbLogger;
using TbLogger.Metrics;
using TbLogger.Training;
using TbLogger.TorchSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchSharpDigits;

/// <summary>Settings of a run.</summary>
public sealed record CnnTrainingOptions
{
    public int Epochs { get; init; } = 20;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 0.002;
    public int Seed { get; init; } = 42;
    public string LogDirectory { get; init; } = Path.Combine("runs", "torchsharp_digits");
    /// <summary>Where the progress bar goes; null for the console.</summary>
    public TextWriter? Output { get; init; }
}

/// <summary>The outcome of a run.</summary>
public sealed record CnnTrainingResult(double ValidationAccuracy, double ValidationLoss, int Epochs, TimeSpan Elapsed, string LogDirectory);

/// <summary>
/// A TorchSharp training loop (Adam, cross-entropy) logged with no glue: TensorBoardCallback reads the weights from the
/// module itself (<see cref="ModuleParameterSource"/>) and writes train/validation scalars, weight histograms, PR curves,
/// figures and hparams; the loop adds the graph, gradient histograms and norms, and the misclassified digits as tensors.
/// </summary>
public static class CnnTrainer
{
    private const int C = DigitsData.Classes, S = DigitsData.Side;

    public static CnnTrainingResult Train(CnnTrainingOptions o)
    {
        var clock = Stopwatch.StartNew();
        if (Directory.Exists(o.LogDirectory)) Directory.Delete(o.LogDirectory, recursive: true);
        torch.manual_seed(o.Seed);
        // Tiny convolutions gain nothing from more intra-op threads, and on a busy machine OpenMP threads waiting for
        // each other cost far more than they save; one thread also makes the run reproducible.
        torch.set_num_threads(1);
        var data = DigitsData.Load(seed: o.Seed);
        using var xTrain = torch.tensor(data.TrainX, [data.TrainCount, 1, S, S]);
        using var yTrain = torch.tensor(data.TrainY.Select(y => (long)y).ToArray());
        using var xVal = torch.tensor(data.ValidationX, [data.ValidationCount, 1, S, S]);
        using var yVal = torch.tensor(data.ValidationY.Select(y => (long)y).ToArray());
        float[] trainLabels = data.TrainY.Select(y => (float)y).ToArray(), valLabels = data.ValidationY.Select(y => (float)y).ToArray();

        using var model = DigitsCnn.Create();
        using var optimizer = torch.optim.Adam(model.parameters(), o.LearningRate);
        using var lossFn = nn.CrossEntropyLoss();
        int steps = (data.TrainCount + o.BatchSize - 1) / o.BatchSize;
        var valProbabilities = new float[data.ValidationCount * C];

        var tb = new TensorBoardCallback(o.LogDirectory, new TensorBoardCallbackOptions
        {
            UpdateFrequency = UpdateFrequency.EveryNBatches(5),
            HistogramFrequency = 1,
            WriteImages = true,
            HParams = new Dictionary<string, HParamValue>
            {
                ["learning_rate"] = o.LearningRate, ["batch_size"] = o.BatchSize, ["conv_channels"] = "16,32", ["optimizer"] = "adam",
            },
            HParamsDeclaration = new HParamsDeclaration(),   // the HPARAMS columns: these hyperparameters and the hparams/* values
            ValidationPredictions = ValidationPredictions.From(_ => new ValidationPredictions(data.ValidationY, valProbabilities, C)),
            ClassNames = [.. Enumerable.Range(0, C).Select(i => i.ToString(CultureInfo.InvariantCulture))],
            FigureFrequency = 5,
            LearningRate = () => o.LearningRate,
        });
        using (var example = torch.zeros(1, 1, S, S)) tb.TrainWriter.AddGraph(model, example);
        tb.EpochWritten += (cb, epoch) => WriteMisclassified(cb.ValidationWriter, xVal, data.ValidationY, valProbabilities, epoch);

        var train = new EpochMetrics(Metrics());
        var val = new EpochMetrics(Metrics());
        using var callbacks = new CallbackList(
            [tb, new ProgressBar(o.Output ?? Console.Out, interactive: o.Output is null && !Console.IsOutputRedirected)],
            new TrainingContext { Epochs = o.Epochs, StepsPerEpoch = steps, Parameters = new ModuleParameterSource(model) });

        IReadOnlyDictionary<string, double> epochLogs = Logs.Empty;
        callbacks.OnTrainBegin();
        for (int epoch = 0; epoch < o.Epochs && !callbacks.StopTraining; epoch++)
        {
            callbacks.OnEpochBegin(epoch);
            train.Reset();
            model.train();
            using var order = torch.randperm(data.TrainCount);
            for (int b = 0; b < steps; b++)
            {
                callbacks.OnTrainBatchBegin(b);
                using var scope = torch.NewDisposeScope();
                int start = b * o.BatchSize, n = Math.Min(o.BatchSize, data.TrainCount - start);
                var index = order.narrow(0, start, n);
                var x = xTrain.index_select(0, index);
                var y = yTrain.index_select(0, index);
                optimizer.zero_grad();
                var logits = model.call(x);
                var loss = lossFn.call(logits, y);
                loss.backward();
                // Gradients exist only between backward() and the next zero_grad(): log them for the epoch's last batch.
                if (b == steps - 1) tb.TrainWriter.AddParameters(model, epoch, new ParameterLogOptions { Values = false });
                optimizer.step();
                var probabilities = nn.functional.softmax(logits.detach(), 1);
                var labels = torch.tensor(index.data<long>().ToArray().Select(i => trainLabels[i]).ToArray());
                train.Update(loss.item<float>(), Span(labels), Span(probabilities));
                callbacks.OnTrainBatchEnd(b, train.Results());
            }
            var valLogs = Evaluate(model, lossFn, xVal, yVal, valLabels, val, callbacks, valProbabilities);
            epochLogs = Logs.WithValidation(train.Results(), valLogs);
            callbacks.OnEpochEnd(epoch, epochLogs);
        }
        callbacks.OnTrainEnd(epochLogs);
        clock.Stop();
        return new CnnTrainingResult(epochLogs["val_accuracy"], epochLogs["val_loss"], o.Epochs, clock.Elapsed, o.LogDirectory);
    }

    private static MetricCollection Metrics() => new(
    [
        new SparseCategoricalAccuracy("accuracy"),
        new SparseTopKCategoricalAccuracy(k: 3, name: "top3_accuracy"),
    ]);

    // A contiguous CPU float tensor as the span type the metrics take; the tensor must outlive the span's use.
    private static System.Numerics.Tensors.ReadOnlyTensorSpan<float> Span(Tensor t) =>
        new(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.contiguous().bytes), t.shape.Select(d => (nint)d).ToArray(), []);

    /// <summary>The whole validation set in one batch (Keras's evaluation inside fit: test hooks, val_ values).</summary>
    private static Dictionary<string, double> Evaluate(nn.Module<Tensor, Tensor> model, nn.Module<Tensor, Tensor, Tensor> lossFn, Tensor x, Tensor y,
        float[] labels, EpochMetrics val, CallbackList callbacks, float[] probabilities)
    {
        val.Reset();
        callbacks.OnTestBegin();
        callbacks.OnTestBatchBegin(0);
        model.eval();
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var logits = model.call(x);
            var loss = lossFn.call(logits, y).item<float>();
            var p = nn.functional.softmax(logits, 1);
            p.data<float>().CopyTo(probabilities);
            using var t = torch.tensor(labels);
            val.Update(loss, Span(t), Span(p));
        }
        var logs = val.Results();
        callbacks.OnTestBatchEnd(0, logs);
        callbacks.OnTestEnd(logs);
        return logs;
    }

    /// <summary>Up to 32 misclassified validation digits, scaled ×4, as one image grid straight from the tensor, and their labels as text.</summary>
    private static void WriteMisclassified(SummaryWriter writer, Tensor xVal, int[] truth, float[] probabilities, int epoch)
    {
        var picked = new List<(long Index, int Predicted)>();
        for (int i = 0; i < truth.Length && picked.Count < 32; i++)
        {
            int predicted = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities.AsSpan(i * C, C));
            if (predicted != truth[i]) picked.Add((i, predicted));
        }
        if (picked.Count == 0) return;
        using var scope = torch.NewDisposeScope();
        var images = xVal.index_select(0, torch.tensor(picked.Select(p => p.Index).ToArray()))
                         .repeat_interleave(4, 2).repeat_interleave(4, 3);
        writer.AddImages("misclassified/digits", images, epoch, "NCHW", options: new ImageOptions { Columns = 8, Padding = 2, PadValue = 128 });
        writer.AddText("misclassified/labels", "| # | true | predicted |\n|---|---|---|\n" +
            string.Join("\n", picked.Select((p, k) => string.Create(CultureInfo.InvariantCulture, $"| {k + 1} | {truth[p.Index]} | {p.Predicted} |"))), epoch);
    }
}
