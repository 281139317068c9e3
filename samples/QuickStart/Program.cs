using TbLogger;

// Writes a small run to runs/quickstart (or the directory given as the first argument):
// a loss, an accuracy and a learning rate over 100 steps, a train/validation pair on one chart, and a text note.
// View it with: tensorboard --logdir runs
string logDir = args.Length > 0 ? args[0] : Path.Combine("runs", "quickstart");
if (Directory.Exists(logDir))
{
    Directory.Delete(logDir, recursive: true); // a fresh run each time, so steps never repeat
}

await using (var writer = new SummaryWriter(logDir, new SummaryWriterOptions { FlushInterval = TimeSpan.FromSeconds(5) }))
{
    writer.AddText("notes", "QuickStart run: **synthetic** loss and accuracy curves written by TbLogger.", step: 0);
    var random = new Random(7);
    for (int step = 0; step < 100; step++)
    {
        double loss = 2.5 * Math.Exp(-step / 30.0) + 0.05 * random.NextDouble();
        double accuracy = 1 - 0.9 * Math.Exp(-step / 25.0);
        writer.AddScalar("train/loss", loss, step);
        writer.AddScalar("train/accuracy", accuracy, step);
        writer.AddScalar("train/learning_rate", 0.1 * Math.Pow(0.5, step / 25), step);
        writer.AddScalars("loss", new Dictionary<string, double> { ["train"] = loss, ["validation"] = loss * 1.1 + 0.02 }, step);
    }
}

Console.WriteLine($"Wrote {Path.GetFullPath(logDir)}. View it with: tensorboard --logdir {Path.GetDirectoryName(logDir)}");
