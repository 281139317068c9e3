using System.Diagnostics;
using System.Numerics.Tensors;
using TbLogger.Benchmarks.Quick;
using TbLogger.Metrics;
using TbLogger.Training;

namespace TbLogger.Benchmarks.Training;

/// <summary>
/// The training-integration figure: the per-batch overhead of <see cref="TensorBoardCallback.OnTrainBatchEnd"/> with
/// update frequency "batch" and 8 metrics (9 values with the loss), as a ratio to that batch's metric updates
/// themselves (a 32 × 10 softmax batch into 8 Keras metrics). Also the worst single call over many batches writing to a
/// real event file, which shows the callback never waits for the disk, and the bytes it allocates per batch.
/// </summary>
public sealed class TrainingQuickBenchmark : IQuickBenchmark
{
    private const int Batch = 32, Classes = 10, Batches = 2000;

    /// <inheritdoc />
    public string Name => "training";

    /// <inheritdoc />
    public void Run(QuickReport report)
    {
        var rng = new Random(5);
        var yTrue = new float[Batch * Classes];
        var yPred = new float[Batch * Classes];
        for (int i = 0; i < Batch; i++)
        {
            yTrue[i * Classes + rng.Next(Classes)] = 1f;
            var row = yPred.AsSpan(i * Classes, Classes);
            for (int k = 0; k < Classes; k++) row[k] = (float)rng.NextDouble();
            TensorPrimitives.SoftMax(row, row);
        }
        var metrics = new EpochMetrics(new MetricCollection(
        [
            new CategoricalAccuracy("accuracy"), new TopKCategoricalAccuracy(3, "top3_accuracy"), new AUC(name: "auc"),
            new F1Score(FScoreAverage.Macro, name: "f1_macro"), new Precision(name: "precision"), new Recall(name: "recall"),
            new TbLogger.Metrics.CategoricalCrossentropy(name: "crossentropy"), new MeanSquaredError(name: "mse"),
        ]));
        void UpdateMetrics() => metrics.Update(0.5, new ReadOnlyTensorSpan<float>(yTrue, [Batch, Classes]), new ReadOnlyTensorSpan<float>(yPred, [Batch, Classes]));
        UpdateMetrics();
        var logs = metrics.Results();

        string dir = Path.Combine(Path.GetTempPath(), "tblogger-bench-training-" + Guid.NewGuid().ToString("N"));
        try
        {
            var tb = new TensorBoardCallback(dir, new TensorBoardCallbackOptions { UpdateFrequency = UpdateFrequency.Batch });
            using var callbacks = new CallbackList([tb], new TrainingContext { StepsPerEpoch = Batches });
            callbacks.OnTrainBegin();
            callbacks.OnEpochBegin(0);
            int b = 0;
            void Callback() => tb.OnTrainBatchEnd(b++, logs);

            double updateNs = QuickReport.MedianNanoseconds(() => { for (int i = 0; i < 200; i++) UpdateMetrics(); }, runs: 9) / 200;
            double callbackNs = QuickReport.MedianNanoseconds(() => { for (int i = 0; i < 200; i++) Callback(); }, runs: 9) / 200;
            double resultsNs = QuickReport.MedianNanoseconds(() => { for (int i = 0; i < 200; i++) _ = metrics.Results(); }, runs: 9) / 200;
            report.Add("metric updates ns/batch (32x10, 8 metrics + loss)", updateNs.ToString("0"));
            report.Add("TensorBoardCallback.OnTrainBatchEnd ns/batch (9 values)", callbackNs.ToString("0"));
            report.AddRatio("callback per batch / the batch's metric updates", callbackNs, updateNs, "goal < 0.25x");
            report.AddRatio("(logs = Results() + callback) / metric updates", resultsNs + callbackNs, updateNs, "");

            // Never waits for the disk: each call only enqueues, so even the slowest calls stay far below a disk write + flush
            // (what remains is scheduling noise on a shared machine: the writer's thread competes for the cores).
            var times = new double[Batches];
            for (int i = 0; i < Batches; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Callback();
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            Array.Sort(times);
            report.Add($"OnTrainBatchEnd p50 / p99 / max over {Batches} batches, us",
                       $"{times[Batches / 2]:0.0} / {times[Batches * 99 / 100]:0.0} / {times[^1]:0.0}", "no disk wait");
            report.Add("OnTrainBatchEnd bytes/batch", QuickReport.AllocatedBytesPerCall(Callback, 1000).ToString("0"), "goal 0");
            callbacks.OnTrainEnd();
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}
