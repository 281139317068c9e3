using TbLogger.Reading;

namespace TbLogger.Cli.Tests;

[TestClass]
public sealed class MediaExportTests
{
    [TestMethod]
    public async Task ImagesAudioAndTextBecomeFilesNamedByRunTagAndStep()
    {
        using var temp = new TempDirectory();
        var result = await Cli.Run("export", Cli.Golden, "--images", temp.Combine("img"), "--audio", temp.Combine("wav"), "--text", temp.Combine("txt"));
        Assert.AreEqual(0, result.Code, result.Err);
        // The golden run (Fixtures/torch-writer/tb_query_expected.json): images image/gray@0, image/rgb@0,1,
        // images/batch@0; audio/sine@0; text/note@0,1,2 and text/unicode@0.
        Assert.AreEqual("Exported 4 images, 1 audio clips and 4 texts.\n", result.Out);
        string run = Path.Combine(temp.Path, "img", "run1");
        CollectionAssert.AreEquivalent(
            new[] { "image_gray_step0.png", "image_rgb_step0.png", "image_rgb_step1.png", "images_batch_step0.png" },
            Directory.GetFiles(run).Select(Path.GetFileName).ToArray());
        var reader = new LogDirReader(Cli.Golden);
        var rgb1 = reader.ReadImages().Single(i => i.Tag == "image/rgb" && i.Step == 1);
        CollectionAssert.AreEqual(rgb1.Encoded.ToArray(), File.ReadAllBytes(Path.Combine(run, "image_rgb_step1.png")));
        var sine = reader.ReadAudio().Single();
        CollectionAssert.AreEqual(sine.Encoded.ToArray(), File.ReadAllBytes(temp.Combine("wav", "run1", "audio_sine_step0.wav")));
        Assert.AreEqual("Step 2: hello **markdown**", File.ReadAllText(temp.Combine("txt", "run1", "text_note_text_summary_step2.txt")));
        Assert.AreEqual("Grüße – 日本語", File.ReadAllText(temp.Combine("txt", "run1", "text_unicode_text_summary_step0.txt")));

        var json = await Cli.Run("export", Cli.Golden, "--images", temp.Combine("img2"), "--tags", "image/gray", "--json");
        Assert.AreEqual(0, json.Code, json.Err);
        StringAssert.Contains(json.Out, "\"images\":1");
    }

    [TestMethod]
    public async Task HostileRunsAndTagsCannotWriteOutsideTheDirectory()
    {
        using var temp = new TempDirectory();
        string logs = temp.Combine("logs");
        using (var writer = new SummaryWriter(Path.Combine(logs, "..")))
        {
            // The run is the log directory's parent seen from inside: a tag full of traversal and separators.
            writer.AddImage("../../escape/x", new byte[] { 1, 2, 3, 4 }, ImageShape.Hw(2, 2), step: 5);
            writer.AddImage("..", new byte[] { 1, 2, 3, 4 }, ImageShape.Hw(2, 2), step: 5);
            writer.AddImage("a/b", new byte[] { 1 }, ImageShape.Hw(1, 1), step: 1);
            writer.AddImage("a_b", new byte[] { 2 }, ImageShape.Hw(1, 1), step: 1);
        }
        string output = temp.Combine("out");
        var result = await Cli.Run("export", temp.Path, "--images", output, "--runs", ".");
        Assert.AreEqual(0, result.Code, result.Err);
        var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f)).Order().ToArray();
        CollectionAssert.AreEqual(new[]
        {
            Path.Combine("_root", ".._.._escape_x_step5.png"),
            Path.Combine("_root", "_.._step5.png"),
            Path.Combine("_root", "a_b_step1.png"),
            Path.Combine("_root", "a_b_step1_2.png"),
        }.Order().ToArray(), files);
        Assert.IsFalse(Directory.Exists(temp.Combine("escape")), "nothing outside the output directory");
        Assert.AreEqual("_..", Commands.MediaExport.SafeName(".."));
        Assert.AreEqual("_", Commands.MediaExport.SafeName(""));
        Assert.AreEqual("a_b_c_d", Commands.MediaExport.SafeName("a/b\\c:d"));
        Assert.AreEqual(150, Commands.MediaExport.SafeName(new string('x', 400)).Length);
    }

    [TestMethod]
    public async Task ExportNeedsAnOutputOrAMediaDirectory()
    {
        var none = await Cli.Run("export", Cli.Golden);
        Assert.AreEqual((2, "", "tblog: --output is required unless --images, --audio or --text is given.\n"), none);
        using var temp = new TempDirectory();
        var nothing = await Cli.Run("export", Cli.Golden, "--images", temp.Combine("img"), "--tags", "no/such/tag");
        Assert.AreEqual(1, nothing.Code, "nothing exported is a problem, like an empty scalar export");
        var both = await Cli.Run("export", Cli.Golden, "-o", temp.Combine("s.csv"), "--images", temp.Combine("img2"));
        Assert.AreEqual(0, both.Code, both.Err);
        Assert.IsTrue(File.Exists(temp.Combine("img2", "run1", "image_gray_step0.png")));
        StringAssert.StartsWith(File.ReadAllText(temp.Combine("s.csv")), "run,tag,step,wall_time");
    }
}
