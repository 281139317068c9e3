using System.Globalization;
using DigitsClassifier;

// Trains a 64 → 32 → 10 MLP on the UCI handwritten digits in pure C# and logs the run to TensorBoard with
// TbLogger.Training's Keras-style callbacks. Options: --epochs N, --logdir DIR, --seed N, --lr X.
var options = new DigitsTrainingOptions();
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options = args[i] switch
    {
        "--epochs" => options with { Epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--logdir" => options with { LogDirectory = args[i + 1] },
        "--seed" => options with { Seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--lr" => options with { LearningRate = float.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --epochs N, --logdir DIR, --seed N, --lr X."),
    };
}

var result = DigitsTrainer.Train(options);
string logDir = Path.GetFullPath(result.LogDirectory);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Validation accuracy {result.ValidationAccuracy:P2} (loss {result.ValidationLoss:0.0000}) on {result.ValidationSamples} digits after {result.EpochsRun} epochs, {result.Elapsed.TotalSeconds:0.0} s."));
Console.WriteLine($"TensorBoard log:  {logDir}  (runs: train, validation; hparams in the root)");
Console.WriteLine($"History plot:     {Path.Combine(logDir, "history.png")}");
Console.WriteLine($"Epoch CSV:        {Path.Combine(logDir, "training.csv")}");
// TensorBoard names each run by its path under --logdir; pointing it at the parent makes this run "digits" (and its
// hparams session too) instead of ".", and lets the hparams dashboard find the train/validation series under it.
Console.WriteLine($"Open it with:     tensorboard --logdir {ParentOf(result.LogDirectory)}");
return result.ValidationAccuracy >= 0.93 ? 0 : 1;

static string ParentOf(string runDirectory) =>
    Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(runDirectory)) is { Length: > 0 } parent ? parent : ".";
