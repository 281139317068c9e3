using System.Globalization;
using TorchSharpDigits;

// Trains a two-convolution CNN on the 8×8 UCI handwritten digits with TorchSharp and logs the run to TensorBoard through
// TbLogger.Training's callbacks and TbLogger.TorchSharp. Options: --epochs N, --logdir DIR, --seed N, --lr X.
var options = new CnnTrainingOptions();
for (int i = 0; i + 1 < args.Length; i += 2)
{
    options = args[i] switch
    {
        "--epochs" => options with { Epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--logdir" => options with { LogDirectory = args[i + 1] },
        "--seed" => options with { Seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--lr" => options with { LearningRate = double.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --epochs N, --logdir DIR, --seed N, --lr X."),
    };
}

var result = CnnTrainer.Train(options);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Validation accuracy {result.ValidationAccuracy:P2} (loss {result.ValidationLoss:0.0000}) after {result.Epochs} epochs, {result.Elapsed.TotalSeconds:0.0} s."));
Console.WriteLine($"TensorBoard log:  {Path.GetFullPath(result.LogDirectory)}  (runs: train, validation; hparams in the root)");
// The parent as --logdir: the run (and its hparams session) is then named after its folder, not ".".
string parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(result.LogDirectory)) is { Length: > 0 } p ? p : ".";
Console.WriteLine($"Open it with:     tensorboard --logdir {parent}");
const double Required = 0.97;
if (result.ValidationAccuracy < Required)
{
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Validation accuracy {result.ValidationAccuracy:P2} is below {Required:P0}."));
    return 1;
}
return 0;
