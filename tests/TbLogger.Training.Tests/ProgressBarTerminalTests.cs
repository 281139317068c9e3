namespace TbLogger.Training.Tests;

/// <summary>The progress bar in terminals, without colour (NO_COLOR) and outside terminals.</summary>
[TestClass]
public sealed class ProgressBarTerminalTests
{
    private static void RunOneEpoch(ProgressBar bar)
    {
        using var list = new CallbackList([bar], new TrainingContext { Epochs = 2, StepsPerEpoch = 10 });
        list.OnTrainBegin();
        list.OnEpochBegin(0);
        for (int b = 0; b < 10; b++) list.OnTrainBatchEnd(b, new Dictionary<string, double> { ["loss"] = 0.5 });
        list.OnEpochEnd(0, new Dictionary<string, double> { ["loss"] = 0.5, ["val_loss"] = 0.625 });
        list.OnTrainEnd();
    }

    [TestMethod]
    public void Without_colour_the_live_bar_redraws_with_no_escape_sequences()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, interactive: true, color: false, interval: TimeSpan.Zero);
        RunOneEpoch(bar);
        string text = output.ToString();
        Assert.IsFalse(bar.UsesColor);
        Assert.IsFalse(text.Contains('\x1b'), text);
        StringAssert.StartsWith(text, "Epoch 1/2" + Environment.NewLine);
        StringAssert.Contains(text, "\r 5/10 ━━━━━━━━━━────────── ");
        StringAssert.Contains(text, "\r10/10 ━━━━━━━━━━━━━━━━━━━━ ");
        StringAssert.Contains(text, "- loss: 0.5000 - val_loss: 0.6250");
    }

    [TestMethod]
    public void Outside_a_terminal_there_is_one_plain_line_per_epoch_even_when_colour_is_asked_for()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, interactive: false, color: true);
        RunOneEpoch(bar);
        Assert.IsFalse(bar.UsesColor);
        string[] lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines);
        StringAssert.Matches(lines[0], new System.Text.RegularExpressions.Regex(@"^Epoch 1/2 - 10/10 - \d+s - \d+(us|ms|s)/step - loss: 0\.5000 - val_loss: 0\.6250$"));
        Assert.IsFalse(output.ToString().Contains('\r') || output.ToString().Contains('\x1b'));
    }

    [TestMethod]
    [DoNotParallelize]
    public void NO_COLOR_and_a_dumb_terminal_turn_colour_off()
    {
        string? noColor = Environment.GetEnvironmentVariable("NO_COLOR"), term = Environment.GetEnvironmentVariable("TERM");
        try
        {
            Environment.SetEnvironmentVariable("NO_COLOR", null);
            Environment.SetEnvironmentVariable("TERM", "xterm-256color");
            Assert.IsTrue(ProgressBar.ColorAllowedByEnvironment());
            Assert.IsTrue(new ProgressBar(new StringWriter(), interactive: true).UsesColor);

            Environment.SetEnvironmentVariable("NO_COLOR", "1");
            Assert.IsFalse(ProgressBar.ColorAllowedByEnvironment());
            var output = new StringWriter();
            var bar = new ProgressBar(output, interactive: true, interval: TimeSpan.Zero);
            Assert.IsFalse(bar.UsesColor);
            RunOneEpoch(bar);
            Assert.IsFalse(output.ToString().Contains('\x1b'));

            Environment.SetEnvironmentVariable("NO_COLOR", null);
            Environment.SetEnvironmentVariable("TERM", "dumb");
            Assert.IsFalse(ProgressBar.ColorAllowedByEnvironment());
        }
        finally
        {
            Environment.SetEnvironmentVariable("NO_COLOR", noColor);
            Environment.SetEnvironmentVariable("TERM", term);
        }
    }

    [TestMethod]
    public void The_console_bar_is_one_line_per_epoch_when_standard_output_is_redirected()
    {
        if (!Console.IsOutputRedirected)
        {
            Assert.Inconclusive("Standard output is a terminal here; the test runner normally redirects it.");
        }
        var bar = new ProgressBar();
        Assert.IsFalse(bar.IsInteractive);
        Assert.IsFalse(bar.UsesColor);
    }
}
