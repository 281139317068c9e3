using TbLogger.Events;
using TbLogger.Protos;

namespace TbLogger.Cli.Tests;

/// <summary>Names and numbers from files reach the terminal safely (issue 18, item 7).</summary>
[TestClass]
public sealed class HostileOutputTests
{
    private const string Clear = "\u001b[2J";
    private const string Title = "\u001b]0;pwned\u0007";

    private static void WriteEvents(string directory, params Event[] events)
    {
        using var writer = new EventFileWriter(directory, new EventFileWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan });
        foreach (var e in events)
        {
            writer.WriteEvent(e);
        }
    }

    private static Event Scalar(string tag, long step, float value, double wall) =>
        new() { Step = step, WallTime = wall, Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, SimpleValue = value } } } };

    [TestMethod]
    public async Task Ls_and_tail_escape_control_characters_in_runs_and_tags()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Windows file names cannot hold control characters.");
        }
        using var temp = new TempDirectory();
        WriteEvents(temp.Combine("run" + Title), Scalar("loss" + Clear, 1, 0.5f, 1700000000));

        var ls = await Cli.Run("ls", temp.Path);
        Assert.AreEqual(0, ls.Code, ls.Err);
        Assert.AreEqual("run\\e]0;pwned\\u0007\t1 file(s)\t" + new FileInfo(Directory.GetFiles(temp.Combine("run" + Title))[0]).Length + " bytes\n  scalars\tloss\\e[2J\t1\t1..1\t0.5\n", ls.Out);

        var tail = await Cli.Run("tail", temp.Path, "--from-start", "--count", "1", "--poll-ms", "20", "--timeout", "20");
        Assert.AreEqual(0, tail.Code, tail.Err);
        StringAssert.EndsWith(tail.Out, "  run\\e]0;pwned\\u0007  loss\\e[2J  step 1  0.5\n");
        Assert.IsFalse(ls.Out.Contains('\u001b') || tail.Out.Contains('\u001b') || tail.Out.Contains('\u0007'));

        // JSON escapes them itself, and keeps the real names.
        var json = await Cli.Run("ls", temp.Path, "--json");
        Assert.DoesNotContain("\u001b", json.Out);
        StringAssert.Contains(json.Out, "\"run\":\"run\\u001B]0;pwned\\u0007\"");
    }

    [TestMethod]
    public async Task Tail_prints_non_finite_wall_times_and_keeps_going()
    {
        using var temp = new TempDirectory();
        WriteEvents(temp.Combine("r"),
            Scalar("x", 1, 1f, double.PositiveInfinity),
            Scalar("x", 2, 2f, double.NaN),
            Scalar("x", 3, 3f, double.NegativeInfinity),
            Scalar("x", 4, 4f, 1e300),
            Scalar("x", 5, 5f, 1700000000));
        var tail = await Cli.Run("tail", temp.Path, "--from-start", "--count", "5", "--poll-ms", "20", "--timeout", "20");
        Assert.AreEqual(0, tail.Code, tail.Err);
        var lines = tail.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(5, lines, tail.Out);
        CollectionAssert.AreEqual(
            new[] { "Infinity  r  x  step 1  1", "NaN  r  x  step 2  2", "-Infinity  r  x  step 3  3", "1E+300  r  x  step 4  4" },
            lines[..4]);
        StringAssert.EndsWith(lines[4], "  r  x  step 5  5");
        Assert.AreEqual(DateTimeOffset.FromUnixTimeSeconds(1700000000).ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), lines[4][..8]);
    }

    [TestMethod]
    public async Task Export_to_a_terminal_escapes_names_and_to_a_pipe_keeps_them_exact()
    {
        using var temp = new TempDirectory();
        WriteEvents(temp.Combine("r"), Scalar("loss" + Clear, 1, 0.5f, 1700000000));
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int code = await CliApp.RunAsync(["export", temp.Path, "-o", "-", "--format", "csv"], stdout, stderr, interactive: true, CancellationToken.None);
        Assert.AreEqual(0, code, stderr.ToString());
        Assert.AreEqual("run,tag,step,wall_time,value\nr,loss\\e[2J,1,1700000000,0.5\n", stdout.ToString());

        var piped = await Cli.Run("export", temp.Path, "-o", "-", "--format", "csv");
        Assert.AreEqual("run,tag,step,wall_time,value\nr,loss" + Clear + ",1,1700000000,0.5\n", piped.Out);
    }

    [TestMethod]
    public async Task Tail_says_on_standard_error_what_it_skips_with_file_and_offset()
    {
        using var temp = new TempDirectory();
        string file = Path.Combine(temp.Combine("r"), "events.out.tfevents.1.host");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        byte[] first = Google.Protobuf.MessageExtensions.ToByteArray(Scalar("x", 1, 1f, 1700000000));
        using (var stream = File.Create(file))
        using (var writer = new TbLogger.Records.TfRecordWriter(stream))
        {
            writer.Write(first);
            writer.Write([0x10]); // framing verifies, the event header does not decode
            writer.Write(Google.Protobuf.MessageExtensions.ToByteArray(Scalar("x", 3, 3f, 1700000000)));
        }

        var tail = await Cli.Run("tail", temp.Path, "--from-start", "--count", "2", "--poll-ms", "20", "--timeout", "20");

        Assert.AreEqual(0, tail.Code, tail.Err);
        var lines = tail.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(2, lines, tail.Out);
        StringAssert.EndsWith(lines[1], "  r  x  step 3  3");
        long offset = first.Length + TbLogger.Records.TfRecordWriter.FramingOverhead;
        Assert.AreEqual($"tblog: skipped: Corrupt TFRecord in '{file}' at byte offset {offset}: record does not decode (1 bytes are not an Event: While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could mean either that the input has been truncated or that an embedded message misreported its own length.).\n", tail.Err.Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
