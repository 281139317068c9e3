#:project ../../src/TbLogger/TbLogger.csproj
// One rank of a live check (see live_ranks.sh): writes "loss" = 100 * rank + step for steps 0..N-1 under
// RankPolicy.AllRanks, flushing every point and pausing between points, so TensorBoard reloads while it writes.
// Usage: dotnet run RankWriter.cs -- RUN RANK WORLD_SIZE POINTS DELAY_MS RunPerRank|SharedRun
using TbLogger;

string run = args[0];
int rank = int.Parse(args[1]), worldSize = int.Parse(args[2]), points = int.Parse(args[3]), delayMs = int.Parse(args[4]);
var layout = Enum.Parse<RankLayout>(args[5]);
using var writer = new SummaryWriter(run, new SummaryWriterOptions { Rank = rank, WorldSize = worldSize, RankPolicy = RankPolicy.AllRanks, RankLayout = layout });
for (int step = 0; step < points; step++)
{
    writer.AddScalar("loss", 100 * rank + step, step);
    writer.Flush();
    Thread.Sleep(delayMs);
}
Console.WriteLine($"rank {rank} wrote {points} points to {writer.LogDirectory}");
