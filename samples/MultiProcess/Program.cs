// Four local processes, one run: each rank evaluates its shard, writes its own sub-run "multiprocess/rank{r}"
// (RankPolicy.AllRanks) and publishes its metric state vectors; rank 0 all-reduces them and logs the global
// metrics into the run itself, which equal one pass over all the data. The "all-reduce" here is files in a shared
// directory; a real job hands the same vectors to MPI, NCCL or its own gRPC service.
//
//   dotnet run --project samples/MultiProcess            (starts ranks 0..3 of itself)
//   tensorboard --logdir runs
using System.Diagnostics;
using TbLogger;
using TbLogger.Metrics;

const int WorldSize = 4;
const int Samples = 20_000;
string shared = Path.GetFullPath(Path.Combine("runs", "multiprocess"));

if (args.Length == 0)
{
    // Launcher: a fresh run, then one child process per rank, as torchrun or mpirun would start them.
    if (Directory.Exists(shared))
    {
        Directory.Delete(shared, recursive: true);
    }
    var children = Enumerable.Range(0, WorldSize).Select(rank =>
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (!Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("MultiProcess", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(typeof(Program).Assembly.Location); // started through "dotnet MultiProcess.dll"
        }
        info.ArgumentList.Add("--worker");
        info.Environment["RANK"] = rank.ToString();
        info.Environment["WORLD_SIZE"] = WorldSize.ToString();
        return Process.Start(info)!;
    }).ToList();
    foreach (var child in children)
    {
        child.WaitForExit();
    }
    int failed = children.Count(c => c.ExitCode != 0);
    Console.WriteLine(failed == 0 ? $"All {WorldSize} ranks done: tensorboard --logdir {Path.GetDirectoryName(shared)}" : $"{failed} rank(s) failed.");
    return failed == 0 ? 0 : 1;
}

// A rank: rank and world size come from the environment (DistributedEnvironment), like torchrun's RANK/WORLD_SIZE.
await using var writer = new SummaryWriter(shared, new SummaryWriterOptions { RankPolicy = RankPolicy.AllRanks });
int rankIndex = writer.Rank;
var (labels, scores) = Dataset(Samples);
Func<Metric>[] create = [() => new AUC(), () => new Precision(), () => new Mean("mean_score")];
Metric[] metrics = [.. create.Select(c => c())];

int shard = Samples / writer.WorldSize;
const int Batch = 500;
for (int start = rankIndex * shard, step = 0; start < (rankIndex + 1) * shard; start += Batch, step++)
{
    var y = System.Numerics.Tensors.Tensor.Create(labels[start..(start + Batch)], [Batch, 1]);
    var p = System.Numerics.Tensors.Tensor.Create(scores[start..(start + Batch)], [Batch, 1]);
    foreach (var m in metrics)
    {
        m.UpdateState(y, p);
    }
    // Per-rank curves: each rank's sub-run "multiprocess/rank{r}" is a line of the one "local/auc" chart.
    writer.AddScalar("local/auc", metrics[0].Result(), step);
}

// Publish this rank's vectors (write, then rename: readers never see half a file).
Directory.CreateDirectory(Path.Combine(shared, "state"));
for (int i = 0; i < metrics.Length; i++)
{
    string path = Path.Combine(shared, "state", $"{i}.rank{rankIndex}.bin");
    File.WriteAllBytes(path + ".tmp", ToBytes(metrics[i].State.ToVector()));
    File.Move(path + ".tmp", path, overwrite: true);
}
if (rankIndex != 0)
{
    return 0;
}

// Rank 0: the all-reduce, then the global metrics, in the run itself ("global/auc", no rank in the tag): a writer
// under the default RankZeroOnly policy writes the directory it is given, and only on rank 0.
await using var run = new SummaryWriter(shared);
for (int i = 0; i < metrics.Length; i++)
{
    var vectors = Enumerable.Range(0, writer.WorldSize).Select(r => FromBytes(WaitFor(Path.Combine(shared, "state", $"{i}.rank{r}.bin")))).ToList();
    var global = MetricFactory.FromReducedState(metrics[i], StateReduction.Reduce(vectors, metrics[i].State.GetReductions()));
    var single = create[i]();
    single.UpdateState(System.Numerics.Tensors.Tensor.Create(labels, [Samples, 1]), System.Numerics.Tensors.Tensor.Create(scores, [Samples, 1]));
    run.AddScalar($"global/{global.Name}", global.Result(), step: 0);
    Console.WriteLine($"{global.Name,-12} reduced over {writer.WorldSize} ranks = {global.Result():R}   one pass = {single.Result():R}   equal: {global.Result() == single.Result()}");
}
return 0;

static (float[] Labels, float[] Scores) Dataset(int n)
{
    // Every rank builds the same data from one seed and evaluates its own shard; scores sit on a 1/64 grid so that
    // sums are exact in any order and "equal" really means bit-equal.
    var random = new Random(42);
    var labels = new float[n];
    var scores = new float[n];
    for (int i = 0; i < n; i++)
    {
        labels[i] = random.Next(2);
        scores[i] = MathF.Round((random.Next(64) + (labels[i] * 24)) / 88f * 64) / 64;
    }
    return (labels, scores);
}

static byte[] ToBytes(double[] values)
{
    var bytes = new byte[values.Length * sizeof(double)];
    Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
    return bytes;
}

static double[] FromBytes(byte[] bytes)
{
    var values = new double[bytes.Length / sizeof(double)];
    Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
    return values;
}

static byte[] WaitFor(string path)
{
    var deadline = Stopwatch.StartNew();
    while (!File.Exists(path))
    {
        if (deadline.Elapsed > TimeSpan.FromMinutes(2))
        {
            throw new TimeoutException($"No state from {path}.");
        }
        Thread.Sleep(20);
    }
    return File.ReadAllBytes(path);
}

/// <summary>Entry point type, named so the launcher can find its own assembly.</summary>
public partial class Program;
