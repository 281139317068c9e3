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
        Assert.AreEqual(204, Commands.MediaExport.SafeName(new string('x', 400)).Length);
        Assert.AreEqual("a_b", Commands.MediaExport.SafeName("a\uD834b"), "a lone surrogate has no UTF-8 form");
        Assert.AreEqual("_" + new string('.', 203), Commands.MediaExport.SafeName(new string('.', 400)));
        // 203 bytes, then a four-byte character that would end at 207: cut before it, not inside it.
        Assert.AreEqual(new string('x', 203), Commands.MediaExport.SafeName(new string('x', 203) + "\U0001D11E"));
    }

    [TestMethod]
    public async Task LongTagsAreCutToFitAFileNameInUtf8BytesAndTheValuesAfterThemAreExported()
    {
        using var temp = new TempDirectory();
        string logs = temp.Combine("logs");
        string han = new('日', 100); // 300 bytes of UTF-8
        string clefs = string.Concat(Enumerable.Repeat("\U0001D11E", 70)); // 280 bytes, 140 UTF-16 surrogate pairs
        string pictures = new('画', 100), bassClefs = string.Concat(Enumerable.Repeat("\U0001D122", 70));
        using (var writer = new SummaryWriter(logs))
        {
            writer.AddText(han, "first", step: 1);
            writer.AddText(clefs, "second", step: 1);
            writer.AddText(han + "x", "third", step: 1);
            writer.AddText("after_text", "last", step: 2);
            writer.AddImage(pictures, new byte[] { 1 }, ImageShape.Hw(1, 1), step: 1);
            writer.AddImage("after_image", new byte[] { 2 }, ImageShape.Hw(1, 1), step: 2);
            writer.AddAudio(bassClefs, [0.1f, -0.1f], 8000, step: 1);
            writer.AddAudio("after_audio", [0.2f, -0.2f], 8000, step: 2);
        }
        var result = await Cli.Run("export", logs, "--text", temp.Combine("txt"), "--images", temp.Combine("img"), "--audio", temp.Combine("wav"));
        Assert.AreEqual(0, result.Code, result.Err);
        Assert.AreEqual("Exported 2 images, 2 audio clips and 4 texts.\n", result.Out);

        // 68 three-byte characters are 204 bytes, as are 51 four-byte ones (102 UTF-16 units); the longer tag cut to
        // the same name as another is numbered.
        string hanCut = new('日', 68), clefsCut = string.Concat(Enumerable.Repeat("\U0001D11E", 51));
        string text = temp.Combine("txt", "_root");
        CollectionAssert.AreEquivalent(
            new[] { hanCut + "_step1.txt", clefsCut + "_step1.txt", hanCut + "_step1_2.txt", "after_text_step2.txt" },
            Directory.GetFiles(text).Select(Path.GetFileName).ToArray());
        Assert.AreEqual("first", File.ReadAllText(Path.Combine(text, hanCut + "_step1.txt")));
        Assert.AreEqual("second", File.ReadAllText(Path.Combine(text, clefsCut + "_step1.txt")));
        Assert.AreEqual("third", File.ReadAllText(Path.Combine(text, hanCut + "_step1_2.txt")));
        Assert.AreEqual("last", File.ReadAllText(Path.Combine(text, "after_text_step2.txt")));
        CollectionAssert.AreEquivalent(
            new[] { new string('画', 68) + "_step1.png", "after_image_step2.png" },
            Directory.GetFiles(temp.Combine("img", "_root")).Select(Path.GetFileName).ToArray());
        CollectionAssert.AreEquivalent(
            new[] { string.Concat(Enumerable.Repeat("\U0001D122", 51)) + "_step1.wav", "after_audio_step2.wav" },
            Directory.GetFiles(temp.Combine("wav", "_root")).Select(Path.GetFileName).ToArray());

        var strictUtf8 = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true);
        foreach (string file in Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories))
        {
            string name = Path.GetFileName(file);
            // Throws on a lone surrogate: the name is valid UTF-16.
            int bytes = strictUtf8.GetByteCount(name);
            Assert.IsLessThanOrEqualTo(255, bytes, name);
        }
        Assert.AreEqual(216, System.Text.Encoding.UTF8.GetByteCount(hanCut + "_step1_2.txt"));
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

    [TestMethod]
    public async Task AnOutputFileInAMissingDirectoryIsRefusedBeforeAnyMediaIsWritten()
    {
        using var temp = new TempDirectory();
        string missing = temp.Combine("no-such-dir");
        foreach (string name in new[] { "s.csv", "s.jsonl" })
        {
            string images = temp.Combine("img-" + name);
            var result = await Cli.Run("export", Cli.Golden, "-o", Path.Combine(missing, name), "--images", images, "--text", images + "-txt");
            Assert.AreEqual((2, "", $"tblog: The output directory '{missing}' does not exist.\n"), result, name);
            Assert.IsFalse(Directory.Exists(images), "no image was written for an export that was refused");
            Assert.IsFalse(Directory.Exists(images + "-txt"), "no text was written for an export that was refused");
        }
        Assert.IsFalse(Directory.Exists(missing));
    }
}
