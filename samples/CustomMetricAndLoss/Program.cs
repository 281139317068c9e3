using System.Globalization;
using System.Numerics.Tensors;
using CustomMetricAndLoss;
using TbLogger.Metrics;
using TbLogger.Metrics.Losses;
using TbLogger.Training;

// A binary classifier (logistic regression, 30 features → P(malignant)) on the Wisconsin breast cancer data, showing the
// three ways to bring your own numbers, each as in Keras's guides:
//   1. a custom metric FUNCTION (per-element values) wrapped as a stateful mean: Metric.FromFunction;
//   2. a custom Metric SUBCLASS with its own state: BinaryTruePositives;
//   3. a custom LOSS from a function with its analytic gradient and a chosen reduction: Loss.FromFunction.
// Options: --epochs N, --logdir DIR.
int epochs = 40;
string logDir = Path.Combine("runs", "custom_metric_and_loss");
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--epochs") epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    else if (args[i] == "--logdir") logDir = args[i + 1];
    else throw new ArgumentException($"Unknown option {args[i]}. Options: --epochs N, --logdir DIR.");
}
if (Directory.Exists(logDir)) Directory.Delete(logDir, recursive: true);

// ---- data: 80/20 split with a fixed seed, features standardised on the training part ----
var (x, labels, features) = LoadBreastCancer(Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer.csv"));
int n = labels.Length, nTrain = (int)(n * 0.8), nVal = n - nTrain;
var order = Enumerable.Range(0, n).ToArray();
new Random(7).Shuffle(order);
Standardise(x, features, order.AsSpan(0, nTrain));

// ---- 1. a custom metric function in one line (Keras guide's my_metric_fn): mean over the last axis of (y_true − y_pred)²,
//         averaged over samples with Keras's sample weights; allocation-free after the first batch ----
Metric MeanSquaredDifference() => Metric.FromFunction("mean_squared_difference", (t, p) => (t - p) * (t - p));

// ---- 3. a custom loss: class-weighted binary crossentropy (a missed malignant case costs 3×), its exact derivative,
//         and the reduction Reduction.SumOverGivenWeights (Keras's "mean_with_sample_weight": Σ w·loss / Σ w) ----
const float MissCost = 3f;
var weightedBce = Loss.FromFunction("weighted_bce",
    (yTrue, yPred, perSample) =>
    {
        var t = new float[yTrue.FlattenedLength]; yTrue.FlattenTo(t);
        var p = new float[yPred.FlattenedLength]; yPred.FlattenTo(p);
        for (int i = 0; i < perSample.Length; i++)
        {
            float q = Math.Clamp(p[i], 1e-7f, 1 - 1e-7f);
            perSample[i] = -(MissCost * t[i] * MathF.Log(q) + (1 - t[i]) * MathF.Log(1 - q));
        }
    },
    Reduction.SumOverGivenWeights,
    gradient: (yTrue, yPred, d) =>
    {
        var t = new float[yTrue.FlattenedLength]; yTrue.FlattenTo(t);
        var p = new float[yPred.FlattenedLength]; yPred.FlattenTo(p);
        for (int i = 0; i < d.Length; i++)
        {
            float q = Math.Clamp(p[i], 1e-7f, 1 - 1e-7f);
            d[i] = -MissCost * t[i] / q + (1 - t[i]) / (1 - q);
        }
    });

MetricCollection Metrics() => new(
[
    new BinaryAccuracy(name: "accuracy"),
    new AUC(name: "auc"),
    MeanSquaredDifference(),                                                   // 1.
    new BinaryTruePositives(),                                                 // 2.
    new Recall(name: "recall"),
]);
var train = new EpochMetrics(Metrics());
var val = new EpochMetrics(Metrics());

// ---- the model: logistic regression, plain SGD on the custom loss's gradient ----
var w = new float[features];
float b = 0f, lr = 0.1f;
const int BatchSize = 32;
int steps = (nTrain + BatchSize - 1) / BatchSize;
var valProb = new float[nVal];
var valLabels = order[nTrain..].Select(i => labels[i]).ToArray();

var history = new History();
using var callbacks = new CallbackList(
[
    new TensorBoardCallback(logDir, new TensorBoardCallbackOptions
    {
        HParams = new Dictionary<string, TbLogger.HParamValue> { ["learning_rate"] = lr, ["miss_cost"] = MissCost, ["loss"] = weightedBce.Name },
        // Declares the HPARAMS columns: these hyperparameters and the final hparams/* values; miss_cost's filter is the
        // range a sweep would try.
        HParamsDeclaration = new HParamsDeclaration { Domains = new Dictionary<string, TbLogger.HParamDomain> { ["miss_cost"] = TbLogger.HParamDomain.Interval(1, 10) } },
        ValidationPredictions = ValidationPredictions.From(_ => ValidationPredictions.Binary(valLabels, valProb)),
        ClassNames = ["benign", "malignant"],
        FigureFrequency = 10,
    }),
    history,
    new EarlyStopping("val_loss", patience: 10),
    new ProgressBar(),
], new TrainingContext { Epochs = epochs, StepsPerEpoch = steps });

var rng = new Random(7);
var trainIdx = order[..nTrain];
var xb = new float[BatchSize * features];
var yb = new float[BatchSize];
var pb = new float[BatchSize];
var grad = new float[BatchSize];
Dictionary<string, double> logs = [];
callbacks.OnTrainBegin();
for (int epoch = 0; epoch < epochs && !callbacks.StopTraining; epoch++)
{
    callbacks.OnEpochBegin(epoch);
    train.Reset();
    rng.Shuffle(trainIdx);
    for (int s = 0; s < steps; s++)
    {
        int start = s * BatchSize, m = Math.Min(BatchSize, nTrain - start);
        for (int i = 0; i < m; i++)
        {
            int row = trainIdx[start + i];
            x.AsSpan(row * features, features).CopyTo(xb.AsSpan(i * features));
            yb[i] = labels[row];
            pb[i] = Sigmoid(TensorPrimitives.Dot(w, xb.AsSpan(i * features, features)) + b);
        }
        var yTrue = new ReadOnlyTensorSpan<float>(yb.AsSpan(0, m), [m, 1]);
        var yPred = new ReadOnlyTensorSpan<float>(pb.AsSpan(0, m), [m, 1]);
        float loss = weightedBce.ComputeWithGradient(yTrue, yPred, grad.AsSpan(0, m));
        for (int i = 0; i < m; i++)
        {
            float dz = grad[i] * pb[i] * (1 - pb[i]);                                 // chain rule through the sigmoid
            TensorPrimitives.MultiplyAdd(xb.AsSpan(i * features, features), -lr * dz, w, w);
            b -= lr * dz;
        }
        train.Update(loss, yTrue, yPred);
        callbacks.OnTrainBatchEnd(s, train.Results());
    }
    // validation
    val.Reset();
    callbacks.OnTestBegin();
    for (int i = 0; i < nVal; i++)
        valProb[i] = Sigmoid(TensorPrimitives.Dot(w, x.AsSpan(order[nTrain + i] * features, features)) + b);
    var vTrue = new ReadOnlyTensorSpan<float>(valLabels.Select(l => (float)l).ToArray(), [nVal, 1]);
    var vPred = new ReadOnlyTensorSpan<float>(valProb, [nVal, 1]);
    val.Update(weightedBce.Compute(vTrue, vPred), vTrue, vPred);
    var valLogs = val.Results();
    callbacks.OnTestEnd(valLogs);
    logs = Logs.WithValidation(train.Results(), valLogs);
    callbacks.OnEpochEnd(epoch, logs);
}
callbacks.OnTrainEnd(logs);
history.Plot(Path.Combine(logDir, "history.png"));

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Validation accuracy {logs["val_accuracy"]:P2}, AUC {logs["val_auc"]:0.0000}, malignant cases found {logs["val_binary_true_positives"]:0} (recall {logs["val_recall"]:P1})."));
// The parent as --logdir: the run (and its hparams session) is then named after its folder, not ".".
string parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(logDir)) is { Length: > 0 } p ? p : ".";
Console.WriteLine($"TensorBoard log: {Path.GetFullPath(logDir)}   Open it with: tensorboard --logdir {parent}");
return 0;

static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

// The file's first line is "569,30,malignant,benign"; then 30 features and the class (0 = malignant, 1 = benign) per row.
// The label here is 1 for malignant, the case the classifier must find.
static (float[] X, int[] Labels, int Features) LoadBreastCancer(string path)
{
    var lines = File.ReadAllLines(path);
    var head = lines[0].Split(',');
    int rows = int.Parse(head[0], CultureInfo.InvariantCulture), f = int.Parse(head[1], CultureInfo.InvariantCulture);
    var x = new float[rows * f];
    var y = new int[rows];
    for (int r = 0; r < rows; r++)
    {
        var parts = lines[r + 1].Split(',');
        for (int c = 0; c < f; c++) x[r * f + c] = float.Parse(parts[c], CultureInfo.InvariantCulture);
        y[r] = int.Parse(parts[f], CultureInfo.InvariantCulture) == 0 ? 1 : 0;
    }
    return (x, y, f);
}

static void Standardise(float[] x, int f, ReadOnlySpan<int> fitRows)
{
    for (int c = 0; c < f; c++)
    {
        double sum = 0, sq = 0;
        foreach (int r in fitRows) { sum += x[r * f + c]; sq += (double)x[r * f + c] * x[r * f + c]; }
        double mean = sum / fitRows.Length, std = Math.Sqrt(Math.Max(1e-12, sq / fitRows.Length - mean * mean));
        for (int r = 0; r < x.Length / f; r++) x[r * f + c] = (float)((x[r * f + c] - mean) / std);
    }
}
