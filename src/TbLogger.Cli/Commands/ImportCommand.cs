using System.CommandLine;
using TbLogger.Replay;

namespace TbLogger.Cli.Commands;

/// <summary><c>tblog import CSV DST</c>: a CSV/JSONL training history into event files.</summary>
internal static class ImportCommand
{
    public static Command Create(Func<ParseResult, CliOutput> output)
    {
        var input = new Argument<string>("HISTORY") { Description = "A .csv/.tsv or .jsonl file: Keras CSVLogger output, or tblog export output." };
        var destination = new Argument<string>("DST") { Description = "A new or empty directory to write." };
        var run = new Option<string?>("--run") { Description = "Run for rows that name none (default: DST itself)." };
        var stepColumn = new Option<string?>("--step-column") { Description = "Column holding the step (default: step, global_step, epoch, iteration)." };
        var noSplit = new Option<bool>("--no-split") { Description = "Do not send val_* columns to a 'validation' run." };
        var encoding = new Option<string>("--encoding") { Description = "float32 (default, shown by every TensorBoard), simple, or float64 (exact; TensorBoard's default loader drops it).", DefaultValueFactory = _ => "float32" };
        encoding.AcceptOnlyFromAmong("float32", "simple", "float64");
        var command = new Command("import", "Turn a CSV/JSONL training history into event files.") { input, destination, run, stepColumn, noSplit, encoding };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var o = output(parse);
            string path = parse.GetValue(input)!;
            if (!File.Exists(path))
            {
                throw new UsageException($"History file '{path}' does not exist.");
            }
            var options = new ImportOptions
            {
                DefaultRun = parse.GetValue(run) ?? ".",
                StepColumn = parse.GetValue(stepColumn),
                SplitValidation = !parse.GetValue(noSplit),
                Encoding = parse.GetValue(encoding) switch { "simple" => ScalarEncoding.SimpleValue, "float64" => ScalarEncoding.Float64Tensor, _ => ScalarEncoding.Float32Tensor },
            };
            // Progress: bytes of the history file read out of its size.
            long total = new FileInfo(path).Length;
            string dst = parse.GetValue(destination)!;
            var result = await o.WithProgressAsync("Importing", total, progress => HistoryImporter.Import(path, dst, options with { Progress = progress })).ConfigureAwait(false);
            if (o.Json)
            {
                o.WriteJson(result);
            }
            else
            {
                o.Out.WriteLine($"Imported {result.Rows} rows: {result.Values} values into {result.Runs} run(s).");
            }
            return result.Values == 0 ? ExitCodes.Problems : ExitCodes.Ok;
        });
        return command;
    }
}
