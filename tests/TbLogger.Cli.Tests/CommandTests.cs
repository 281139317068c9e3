using System.Text.RegularExpressions;
using TbLogger.Cli;
using System.Text.Json;
using TbLogger.Reading;

namespace TbLogger.Cli.Tests;

/// <summary>Each command end to end: exit codes, output, files written.</summary>
[TestClass]
public sealed class CommandTests
{
    [TestMethod]
    public async Task LsListsRunsTagsCountsRangesAndLastValues()
    {
        var (code, stdout, stderr) = await Cli.Run("ls", Cli.Golden);
        Assert.AreEqual(0, code, stderr);
        var lines = stdout.Split('\n');
        Assert.AreEqual("run1\t1 file(s)\t46028 bytes", lines[0]);
        CollectionAssert.Contains(lines, "  scalars\ttrain/loss\t100\t0..99\t0.25");
        CollectionAssert.Contains(lines, "  pr_curves\tpr/curve\t3\t0..2\t");
        CollectionAssert.Contains(lines, "run1/group_b\t1 file(s)\t516 bytes");
        CollectionAssert.Contains(lines, "  scalars\tgroup\t10\t0..9\t18");
    }

    [TestMethod]
    public async Task LsJsonIsMachineReadable()
    {
        var (code, stdout, _) = await Cli.Run("ls", Cli.Golden, "--json", "--runs", "run1/hparams_trial");
        Assert.AreEqual(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var run = doc.RootElement.EnumerateArray().Single();
        Assert.AreEqual("run1/hparams_trial", run.GetProperty("run").GetString());
        var accuracy = run.GetProperty("tags").EnumerateArray().Single(t => t.GetProperty("tag").GetString() == "hparam/accuracy");
        Assert.AreEqual(0.875, accuracy.GetProperty("last_value").GetDouble());
        Assert.AreEqual("scalars", accuracy.GetProperty("plugin").GetString());
    }

    [TestMethod]
    public async Task LsSaysWhenItsRunFilterMatchesNothingRatherThanThatThereAreNoRuns()
    {
        int runs = new LogDirReader(Cli.Golden).GetRuns().Count;
        Assert.IsGreaterThan(0, runs);
        var none = await Cli.Run("ls", Cli.Golden, "--runs", "nomatch");
        Assert.AreEqual((1, "", $"tblog: no run under '{Cli.Golden}' matches --runs 'nomatch' ({runs} run(s) there).\n"), none);
        using var empty = new TempDirectory();
        var nothing = await Cli.Run("ls", empty.Path, "--runs", "nomatch");
        Assert.AreEqual((1, "", $"tblog: no runs (directories with event files) under '{empty.Path}'.\n"), nothing);
    }

    [TestMethod]
    public async Task UsageErrorsExitWith2AndOneLine()
    {
        var missing = await Cli.Run("ls", "/no/such/dir");
        Assert.AreEqual((2, "", "tblog: Log directory '/no/such/dir' does not exist.\n"), missing);

        var unknown = await Cli.Run("frobnicate");
        Assert.AreEqual(2, unknown.Code);
        Assert.AreEqual(1, unknown.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        StringAssert.StartsWith(unknown.Err, "tblog: ");

        var noOutput = await Cli.Run("export", Cli.Golden);
        Assert.AreEqual(2, noOutput.Code);
        StringAssert.Contains(noOutput.Err, "--output");

        var badSteps = await Cli.Run("export", Cli.Golden, "-o", "x.csv", "--steps", "9:1");
        Assert.AreEqual((2, "tblog: --steps: Step range '9:1': the start is after the end.\n"), (badSteps.Code, badSteps.Err));

        var badRegex = await Cli.Run("ls", Cli.Golden, "--tags", "re:(");
        Assert.AreEqual(2, badRegex.Code);
        StringAssert.StartsWith(badRegex.Err, "tblog: --tags: Invalid regular expression '('");
        Assert.IsFalse(badRegex.Err.Contains("   at ", StringComparison.Ordinal), "no stack trace");
    }

    [TestMethod]
    public async Task ExportRejectsAnOutputWhoseFormatItCannotTell()
    {
        using var temp = new TempDirectory();
        var txt = await Cli.Run("export", Cli.Golden, "-o", temp.Combine("x.txt"));
        Assert.AreEqual((2, "", "tblog: --output: unknown extension '.txt'; use .csv, .jsonl or .parquet, or - with --format.\n"), txt);
        Assert.IsFalse(File.Exists(temp.Combine("x.txt")), "nothing written");

        var none = await Cli.Run("export", Cli.Golden, "-o", temp.Combine("x"));
        Assert.AreEqual((2, "", "tblog: --output: no extension; use .csv, .jsonl or .parquet, or - with --format.\n"), none);

        var stdout = await Cli.Run("export", Cli.Golden, "-o", "-");
        Assert.AreEqual((2, "", "tblog: --output -: standard output needs --format csv or --format jsonl.\n"), stdout);

        var upper = await Cli.Run("export", Cli.Golden, "-o", temp.Combine("X.JSONL"), "--tags", "hparam/loss");
        Assert.AreEqual(0, upper.Code, upper.Err);
        StringAssert.StartsWith(File.ReadAllText(temp.Combine("X.JSONL")), "{\"run\":");

        var explicitFormat = await Cli.Run("export", Cli.Golden, "-o", temp.Combine("x.txt"), "--format", "csv", "--tags", "hparam/loss");
        Assert.AreEqual(0, explicitFormat.Code, explicitFormat.Err);
        StringAssert.StartsWith(File.ReadAllText(temp.Combine("x.txt")), "run,tag,step,wall_time,value\n");
    }

    [TestMethod]
    public async Task ABadRegexFilterNamesTheOptionWithoutTheDotNetParameterSuffix()
    {
        var badRegex = await Cli.Run("ls", Cli.Golden, "--tags", "re:(");
        Assert.AreEqual((2, "", "tblog: --tags: Invalid regular expression '(': Invalid pattern '(' at offset 1. Not enough )'s.\n"), badRegex);

        var badRuns = await Cli.Run("export", Cli.Golden, "-o", "x.csv", "--runs", "re:a[");
        Assert.AreEqual((2, "", "tblog: --runs: Invalid regular expression 'a[': Invalid pattern 'a[' at offset 2. Unterminated [] set.\n"), badRuns);
    }

    [TestMethod]
    public async Task HelpListsTheCommands()
    {
        var (code, stdout, _) = await Cli.Run("--help");
        Assert.AreEqual(0, code);
        foreach (string command in new[] { "ls", "export", "replay", "import", "verify", "tail", "plot" })
        {
            StringAssert.Contains(stdout, command);
        }
    }

    [TestMethod]
    public async Task ExportWritesCsvAndJsonLinesWithFilters()
    {
        using var temp = new TempDirectory();
        var (code, stdout, stderr) = await Cli.Run("export", Cli.Golden, "-o", temp.Combine("out.csv"), "--runs", "run1", "--tags", "train/loss", "--steps", "98:");
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual($"Exported 2 rows to {temp.Combine("out.csv")}\n", stdout);
        Assert.AreEqual("run,tag,step,wall_time,value\nrun1,train/loss,98,1700000098,0.5\nrun1,train/loss,99,1700000099,0.25\n", File.ReadAllText(temp.Combine("out.csv")));

        (code, _, _) = await Cli.Run("export", Cli.Golden, "-o", temp.Combine("out.jsonl"), "--tags", "group");
        Assert.AreEqual(0, code);
        var lines = File.ReadAllLines(temp.Combine("out.jsonl"));
        Assert.AreEqual(20, lines.Length);
        Assert.AreEqual("{\"run\":\"run1/group_b\",\"tag\":\"group\",\"step\":9,\"wall_time\":1700000009,\"value\":18}", lines[^1]);

        var toStdout = await Cli.Run("export", Cli.Golden, "-o", "-", "--format", "csv", "--tags", "hparam/loss");
        Assert.AreEqual("run,tag,step,wall_time,value\n", toStdout.Out.Split('\n')[0] + "\n");
        StringAssert.Contains(toStdout.Out, "run1/hparams_trial,hparam/loss,0,");

        var none = await Cli.Run("export", Cli.Golden, "-o", temp.Combine("none.csv"), "--tags", "no/such/tag");
        Assert.AreEqual(1, none.Code);
    }

    [TestMethod]
    public async Task ReplayDownsamplesRenamesAndShifts()
    {
        using var temp = new TempDirectory();
        var (code, stdout, stderr) = await Cli.Run("replay", Cli.Golden, temp.Combine("out"), "--runs", "run1", "--tags", "train/loss,train/accuracy",
            "--downsample", "10", "--rename", "train/loss=loss", "--time-shift", "-1h");
        Assert.AreEqual(0, code, stderr);
        StringAssert.StartsWith(stdout, "Replayed 1 run(s) into 1: 20 values written, ");
        var points = new LogDirReader(temp.Combine("out")).ReadScalars().ToList();
        Assert.AreEqual(10, points.Count(p => p.Tag == "loss"));
        Assert.AreEqual(10, points.Count(p => p.Tag == "train/accuracy"));
        var last = points.Last(p => p.Tag == "loss");
        Assert.AreEqual((99L, 1700000099.0 - 3600, 0.25), (last.Step, last.WallTime, last.Value));

        var bad = await Cli.Run("replay", Cli.Golden, temp.Combine("bad"), "--rename", "nope");
        Assert.AreEqual((2, "tblog: --rename: Rename 'nope' is not of the form old=new.\n"), (bad.Code, bad.Err));
        var badShift = await Cli.Run("replay", Cli.Golden, temp.Combine("bad"), "--time-shift", "soon");
        Assert.AreEqual((2, "tblog: --time-shift: 'soon' is not a duration (e.g. 3600, -90s, 2h, 1d, 01:30:00).\n"), (badShift.Code, badShift.Err));
        var notEmpty = await Cli.Run("replay", Cli.Golden, temp.Combine("out"));
        Assert.AreEqual((1, $"tblog: The destination '{temp.Combine("out")}' already exists and is not empty.\n"), (notEmpty.Code, notEmpty.Err));
    }

    [TestMethod]
    public async Task ReplayMergedRunsSharingATagWarnsOfThePointsTensorBoardDrops()
    {
        using var temp = new TempDirectory();
        foreach (string run in new[] { "a", "b" })
        {
            using var writer = new SummaryWriter(temp.Combine("src", run));
            for (int step = 0; step < 3; step++)
            {
                writer.AddScalar("loss", step, step);
            }
        }
        var merged = await Cli.Run("replay", temp.Combine("src"), temp.Combine("out"), "--merge", "all");
        Assert.AreEqual((0, "Replayed 2 run(s) into 1: 6 values written, 0 left out.\n",
            "tblog: warning: 1 value(s) repeat or go back in step within their tag, so TensorBoard drops that tag's earlier points at those steps and after (runs merged without --merge-prefix share these tags); 'tblog verify' lists them.\n"), merged);
        var json = await Cli.Run("replay", temp.Combine("src"), temp.Combine("out-json"), "--merge", "all", "--json");
        StringAssert.Contains(json.Out, "\"step_violations\":1");
        var prefixed = await Cli.Run("replay", temp.Combine("src"), temp.Combine("out2"), "--merge", "all", "--merge-prefix");
        Assert.AreEqual((0, "Replayed 2 run(s) into 1: 6 values written, 0 left out.\n", ""), prefixed);
        var alone = await Cli.Run("replay", temp.Combine("src"), temp.Combine("out3"), "--merge-prefix");
        Assert.AreEqual((2, "", "tblog: --merge-prefix applies only with --merge RUN.\n"), alone);
        Assert.IsFalse(Directory.Exists(temp.Combine("out3")));
    }

    [TestMethod]
    public async Task ImportTurnsAKerasHistoryIntoRuns()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("history.csv"), "epoch,loss,val_loss\n0,1.0,1.5\n1,0.5,0.75\n");
        var (code, stdout, stderr) = await Cli.Run("import", temp.Combine("history.csv"), temp.Combine("out"));
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual("Imported 2 rows: 4 values into 2 run(s).\n", stdout);
        var ls = await Cli.Run("ls", temp.Combine("out"));
        StringAssert.Contains(ls.Out, "  scalars\tloss\t2\t0..1\t0.75");

        var missing = await Cli.Run("import", temp.Combine("nope.csv"), temp.Combine("x"));
        Assert.AreEqual((2, $"tblog: History file '{temp.Combine("nope.csv")}' does not exist.\n"), (missing.Code, missing.Err));
        File.WriteAllText(temp.Combine("bad.csv"), "epoch,loss\n0,zero\n");
        var bad = await Cli.Run("import", temp.Combine("bad.csv"), temp.Combine("y"));
        Assert.AreEqual((1, $"tblog: History file '{temp.Combine("bad.csv")}' line 2: 'zero' is not a number.\n"), (bad.Code, bad.Err));
    }

    [TestMethod]
    public async Task VerifyReportsProblemsWithOffsetsAndRepairs()
    {
        using var temp = new TempDirectory();
        // The golden PyTorch run is intact, but its DT_DOUBLE scalars break a default-loader rule: a warning per value,
        // which fails the run only with --strict.
        var golden = await Cli.Run("verify", Cli.Golden);
        var goldenLines = golden.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(0, golden.Code);
        Assert.AreEqual("4 file(s), 480 records, 100 problem(s).", goldenLines[^1]);
        Assert.AreEqual(100, goldenLines.Count(l => l.Contains(": warning [loader-scalar] tag 'train/x_double' step ", StringComparison.Ordinal)));
        var strict = await Cli.Run("verify", Cli.Golden, "--strict");
        Assert.AreEqual(1, strict.Code);

        var (file, bytes) = GroupACopyIn(temp);
        // group_a's records: file_version (12 + 16 framing ... ) then 10 scalars; damage the data of the 3rd record.
        var offsets = RecordOffsets(bytes);
        bytes[offsets[2] + 14] ^= 0x01;
        File.WriteAllBytes(file, bytes[..^3]);

        var (code, stdout, stderr) = await Cli.Run("verify", temp.Combine("logs"), "--repair", temp.Combine("fixed"));
        Assert.AreEqual(1, code, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual($"{file}:{offsets[2]}: error [framing] data CRC mismatch (record skipped)", lines[0]);
        Assert.AreEqual($"{file}:{offsets[^1]}: error [framing] truncated record: the file ends {bytes.Length - 3 - offsets[^1]} bytes into a record (a crash, or a writer still writing)", lines[1]);
        Assert.AreEqual("1 file(s), 9 records, 2 problem(s).", lines[2]);
        Assert.AreEqual($"Wrote a repaired copy to {temp.Combine("fixed")} (1 file(s) repaired).", lines[3]);
        var repaired = await Cli.Run("verify", temp.Combine("fixed"), "--json");
        Assert.AreEqual(0, repaired.Code);
        using var doc = JsonDocument.Parse(repaired.Out);
        Assert.AreEqual(2, doc.RootElement.GetProperty("records").GetInt32());
    }

    [TestMethod]
    public async Task VerifyNamesARecordThatIsNotAnEventAndSalvageDropsIt()
    {
        using var temp = new TempDirectory();
        var (file, bytes) = GroupACopyIn(temp);
        var offsets = RecordOffsets(bytes);
        // A record whose CRCs verify but whose 4 bytes claim a wall_time field longer than the record, after the 3rd.
        var notEvent = new byte[4 + 16];
        TbLogger.Records.TfRecordWriter.Frame([0x0A, 0xFF, 0xFF, 0xFF], notEvent);
        File.WriteAllBytes(file, [.. bytes[..offsets[3]], .. notEvent, .. bytes[offsets[3]..]]);

        var (code, stdout, stderr) = await Cli.Run("verify", temp.Combine("logs"), "--repair", temp.Combine("fixed"), "--salvage");
        Assert.AreEqual(1, code, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        StringAssert.StartsWith(lines[0], $"{file}:{offsets[3]}: error [decode] 4 bytes are not an Event: ");
        Assert.AreEqual($"1 file(s), {offsets.Count + 1} records, 1 problem(s).", lines[1]);
        var salvaged = await Cli.Run("verify", temp.Combine("fixed"));
        Assert.AreEqual(0, salvaged.Code, salvaged.Err);
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(Path.Combine(temp.Combine("fixed", "run"), Path.GetFileName(file))));
    }

    [TestMethod]
    public async Task ReadingCommandsSayOnceWhatTheySkipped()
    {
        // TensorBoard skips a corrupt record, and so do ls, export, plot and replay; each says so once when it ends.
        using var temp = new TempDirectory();
        var (file, bytes) = GroupACopyIn(temp);
        bytes[RecordOffsets(bytes)[2] + 14] ^= 0x01;
        File.WriteAllBytes(file, bytes);
        string logs = temp.Combine("logs");
        string warning = $"tblog: warning: skipped 1 corrupt record(s) or value(s) that do not decode, as TensorBoard does; 'tblog verify {logs}' says where.";

        foreach (string[] command in new[]
        {
            new[] { "ls", logs },
            ["export", logs, "-o", temp.Combine("out.csv")],
            ["export", logs, "-o", temp.Combine("out.jsonl"), "--histograms"],
            ["plot", logs, "--tags", "*", "-o", temp.Combine("plot.svg")],
            ["replay", logs, temp.Combine("replayed")],
        })
        {
            var (code, _, stderr) = await Cli.Run(command);
            Assert.AreEqual(0, code, $"{command[0]}: {stderr}");
            CollectionAssert.AreEqual(new[] { warning }, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), command[0]);
        }
        var clean = await Cli.Run("ls", Cli.Golden);
        Assert.AreEqual(0, clean.Code);
        Assert.AreEqual("", clean.Err);
    }

    /// <summary>Where the golden group_a run's event file goes in <paramref name="temp"/>'s logs/run (created), and its bytes, for a test to change and write there.</summary>
    private static (string File, byte[] Bytes) GroupACopyIn(TempDirectory temp)
    {
        string run = temp.Combine("logs", "run");
        Directory.CreateDirectory(run);
        string source = Directory.GetFiles(Path.Combine(Cli.Golden, "run1", "group_a")).Single();
        return (Path.Combine(run, Path.GetFileName(source)), File.ReadAllBytes(source));
    }

    private static List<int> RecordOffsets(byte[] file)
    {
        var offsets = new List<int>();
        for (int at = 0; at < file.Length; at += 16 + (int)BitConverter.ToUInt64(file, at))
        {
            offsets.Add(at);
        }
        return offsets;
    }

    [TestMethod]
    public async Task TailPrintsScalarsAsTheyAreWritten()
    {
        using var temp = new TempDirectory();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // --from-start: under load the first poll may come after the file appears; following a growing file is tested either way.
        var tail = Cli.Run(cancel.Token, "tail", temp.Path, "--tags", "train/*", "--count", "3", "--poll-ms", "20", "--json", "--from-start");
        await Task.Delay(300);
        using (var writer = new SummaryWriter(temp.Combine("live")))
        {
            for (int step = 0; step < 3; step++)
            {
                writer.AddScalar("train/loss", 1.0 / (step + 1), step, DateTimeOffset.FromUnixTimeSeconds(1700000000 + step));
                writer.AddScalar("other", 5, step);
                writer.Flush();
                await Task.Delay(50);
            }
        }
        var (code, stdout, stderr) = await tail;
        Assert.AreEqual(0, code, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(3, lines.Length, stdout);
        Assert.AreEqual("{\"run\":\"live\",\"tag\":\"train/loss\",\"step\":1,\"wall_time\":1700000001,\"value\":0.5}", lines[1]);
    }

    [TestMethod]
    public async Task TailEndsCleanlyOnTimeoutAndCancel()
    {
        using var temp = new TempDirectory();
        var timedOut = await Cli.Run("tail", temp.Path, "--timeout", "0.3", "--poll-ms", "20");
        Assert.AreEqual((0, "", ""), timedOut);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var cancelled = await Cli.Run(cancel.Token, "tail", temp.Path, "--poll-ms", "20");
        Assert.AreEqual(0, cancelled.Code);
    }

    [TestMethod]
    public async Task PlotWritesAPngWithSmoothing()
    {
        using var temp = new TempDirectory();
        var (code, stdout, stderr) = await Cli.Run("plot", Cli.Golden, "--tags", "train/loss,train/accuracy", "-o", temp.Combine("chart.png"), "--smoothing", "0.6");
        Assert.AreEqual(0, code, stderr);
        Assert.AreEqual($"Plotted 2 series to {temp.Combine("chart.png")}\n", stdout);
        byte[] png = File.ReadAllBytes(temp.Combine("chart.png"));
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.AreEqual(1000, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.AreEqual(600, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));

        var svg = await Cli.Run("plot", Cli.Golden, "--tags", "group", "-o", temp.Combine("chart.svg"), "--smoothing", "0");
        Assert.AreEqual(0, svg.Code);
        StringAssert.Contains(File.ReadAllText(temp.Combine("chart.svg")), "<svg");

        var badSmoothing = await Cli.Run("plot", Cli.Golden, "--tags", "group", "-o", temp.Combine("x.png"), "--smoothing", "1.5");
        Assert.AreEqual((2, "tblog: --smoothing must be in [0, 1).\n"), (badSmoothing.Code, badSmoothing.Err));
        var badExtension = await Cli.Run("plot", Cli.Golden, "--tags", "group", "-o", temp.Combine("x.gif"));
        Assert.AreEqual(2, badExtension.Code);
        var noMatch = await Cli.Run("plot", Cli.Golden, "--tags", "nothing", "-o", temp.Combine("x.png"));
        Assert.AreEqual((1, "tblog: no scalars match --tags (and --runs/--steps).\n"), (noMatch.Code, noMatch.Err));
    }
}

/// <summary>The Spectre.Console path (a terminal) renders without errors.</summary>
[TestClass]
public sealed class InteractiveOutputTests
{
    [TestMethod]
    public async Task TablesAndColouredProblemsRender()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(["ls", Cli.Golden, "--runs", "run1/group_a"], stdout, stderr, interactive: true, CancellationToken.None);
        Assert.AreEqual(0, code, stderr.ToString());
        StringAssert.Contains(stdout.ToString(), "run1/group_a");
        StringAssert.Contains(stdout.ToString(), "group");
        code = await CliApp.RunAsync(["verify", Cli.Golden], stdout, stderr, interactive: true, CancellationToken.None);
        Assert.AreEqual(0, code);
        // Warnings are yellow (ANSI 256-colour 11) and the summary still counts them. The console wraps lines at its
        // width, and where depends on the file's path (the repository's location), so the text is compared without
        // colours and line breaks.
        StringAssert.Contains(stdout.ToString(), "\u001b[38;5;11m");
        string text = Regex.Replace(Regex.Replace(stdout.ToString(), "\u001b\\[[0-9;]*m", ""), "\\s+", " ");
        StringAssert.Contains(text, "warning [loader-scalar] tag 'train/x_double' step 0: scalar stored as DtDouble");
        StringAssert.Contains(stdout.ToString(), "4 file(s), 480 records, 100 problem(s).");
    }
    [TestMethod]
    public async Task ReplayTimeShiftTooLargeIsAUsageErrorNotACrash()
    {
        using var temp = new TempDirectory();
        foreach (string shift in new[] { "1e300", "1e300s", "-1e20d" })
        {
            var result = await Cli.Run("replay", Cli.Golden, temp.Combine("out-" + shift), "--time-shift", shift);
            Assert.AreEqual((2, "", $"tblog: --time-shift: '{shift}' is too large (at most about 10675199 days).\n"), result, shift);
        }
    }

    [TestMethod]
    public async Task TailRejectsANegativeNaNOrHugeTimeoutAsAUsageError()
    {
        using var temp = new TempDirectory();
        foreach (string timeout in new[] { "-1", "NaN", "1e300" })
        {
            var result = await Cli.Run("tail", temp.Path, "--timeout", timeout);
            Assert.AreEqual((2, "", $"tblog: --timeout must be a number of seconds from 0 to 4294967 (about 49 days); got {timeout}.\n"), result, timeout);
        }
    }

    [TestMethod]
    public async Task AFileGivenAsTheLogDirectoryIsCalledAFileNotMissing()
    {
        using var temp = new TempDirectory();
        string file = temp.Combine("training.csv");
        File.WriteAllText(file, "epoch,loss\n0,1.0\n");
        var result = await Cli.Run("verify", file);
        Assert.AreEqual((2, "", $"tblog: Log directory '{file}' is a file, not a directory.\n"), result);
    }

    [TestMethod]
    public async Task AnUnknownCommandIsNamedInTheError()
    {
        var unknown = await Cli.Run("frobnicate");
        Assert.AreEqual((2, "", "tblog: Unrecognized command or argument 'frobnicate'. (see tblog --help)\n"), unknown);
    }
}
