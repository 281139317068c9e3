using System.Numerics.Tensors;
using TbLogger.Events;
using TbLogger.Projector;
using TbLogger.Protos.Plugins.Projector;
using TbLogger.Tests.Images;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Projector;

[TestClass]
public sealed class ProjectorTests
{
    private static string GoldenFile(params string[] parts) => Path.Combine([Fixtures.TorchRun1, .. parts]);

    private static float[] Matrix()
    {
        // README: 16 rows x 4 columns, row i = [i, i*0.5, -i, i mod 4].
        var matrix = new float[16 * 4];
        for (int i = 0; i < 16; i++)
        {
            matrix[4 * i] = i;
            matrix[4 * i + 1] = i * 0.5f;
            matrix[4 * i + 2] = -i;
            matrix[4 * i + 3] = i % 4;
        }
        return matrix;
    }

    private static float[] Thumbnails()
    {
        // NCHW 16x3x8x8; thumbnail i has channel i mod 3 = i/15, the others 0.
        var pixels = new float[16 * 3 * 8 * 8];
        for (int i = 0; i < 16; i++)
        {
            pixels.AsSpan((i * 3 + i % 3) * 64, 64).Fill(i / 15f);
        }
        return pixels;
    }

    private static EmbeddingMetadata Labels() => EmbeddingMetadata.FromLabels(Enumerable.Range(0, 16).Select(i => "p" + i));

    [TestMethod]
    public void EmbeddingFilesMatchTheGoldenRun()
    {
        using var dir = new TempDirectory();
        string embeddingDir;
        using (var writer = new SummaryWriter(dir.Path))
        {
            var sprite = EmbeddingSprite.From(Thumbnails(), ImageBatchShape.Nchw(16, 3, 8, 8));
            embeddingDir = writer.AddEmbedding("emb", Matrix(), columns: 4, step: 0, Labels(), sprite);
        }
        Assert.AreEqual(Path.GetFullPath(dir.Combine("00000", "emb")), embeddingDir);
        CollectionAssert.AreEqual(File.ReadAllBytes(GoldenFile("00000", "emb", "tensors.tsv")), File.ReadAllBytes(dir.Combine("00000", "emb", "tensors.tsv")));
        CollectionAssert.AreEqual(File.ReadAllBytes(GoldenFile("00000", "emb", "metadata.tsv")), File.ReadAllBytes(dir.Combine("00000", "emb", "metadata.tsv")));
        Assert.AreEqual(File.ReadAllText(GoldenFile("projector_config.pbtxt")), File.ReadAllText(dir.Combine("projector_config.pbtxt")));
        CollectionAssert.AreEqual(File.ReadAllBytes(GoldenFile("projector_config.pbtxt")), File.ReadAllBytes(dir.Combine("projector_config.pbtxt")));

        var golden = PngTestDecoder.Decode(File.ReadAllBytes(GoldenFile("00000", "emb", "sprite.png")));
        var ours = PngTestDecoder.Decode(File.ReadAllBytes(dir.Combine("00000", "emb", "sprite.png")));
        Assert.AreEqual((32, 32, 3), (ours.Width, ours.Height, ours.Channels));
        Assert.AreEqual((golden.Width, golden.Height, golden.Channels), (ours.Width, ours.Height, ours.Channels));
        CollectionAssert.AreEqual(golden.Pixels, ours.Pixels);

        // No event is written for an embedding.
        Assert.AreEqual(1, EventFileReader.Read(Fixtures.EventFileIn(dir.Path)).Count());
    }

    [TestMethod]
    public void ConfigIsMergedAndEntriesAreReplacedPerTagAndStep()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("projector_config.pbtxt"), """
            # written by hand
            model_checkpoint_path: 'ckpt/model-1'
            embeddings {
              tensor_name: "old:00007"
              tensor_shape: [2, 3]
              sprite: { image_path: "old.png" single_image_dim: [4, 5] }
              tensor_path: "old.tsv"
              some_future_field: 1
            }
            """);
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddEmbedding("emb", Matrix(), 4, step: 0);
            writer.AddEmbedding("emb", Matrix(), 4, step: 1, Labels());
            writer.AddEmbedding("emb", Matrix().AsSpan(0, 8), 4, step: 0);
            writer.AddEmbedding("other", Tensor.Create(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2]), step: 2);
        }
        var config = ProjectorConfigText.Parse(File.ReadAllText(dir.Combine("projector_config.pbtxt")));
        Assert.AreEqual("ckpt/model-1", config.ModelCheckpointPath);
        CollectionAssert.AreEqual(new[] { "old:00007", "emb:00000", "emb:00001", "other:00002" }, config.Embeddings.Select(e => e.TensorName).ToArray());
        CollectionAssert.AreEqual(new uint[] { 2, 3 }, config.Embeddings[0].TensorShape.ToArray());
        CollectionAssert.AreEqual(new uint[] { 4, 5 }, config.Embeddings[0].Sprite.SingleImageDim.ToArray());
        Assert.AreEqual("", config.Embeddings[1].MetadataPath);
        Assert.AreEqual("00001/emb/metadata.tsv", config.Embeddings[2].MetadataPath);
        Assert.AreEqual("0.0\t0.0\t0.0\t0.0\n1.0\t0.5\t-1.0\t1.0\n", File.ReadAllText(dir.Combine("00000", "emb", "tensors.tsv")));
        Assert.AreEqual("1.0\t2.0\n3.0\t4.0\n5.0\t6.0\n", File.ReadAllText(dir.Combine("00002", "other", "tensors.tsv")));
    }

    [TestMethod]
    public void ConfigTextRoundTripsEscapes()
    {
        var config = new ProjectorConfig { ModelCheckpointDir = "dir" };
        config.Embeddings.Add(new EmbeddingInfo
        {
            TensorName = "Grüße \"q\" 'a' \\ \t日本:00001",
            TensorPath = "00001/x/tensors.tsv",
            TensorShape = { 16, 4 },
            BookmarksPath = "b",
            Sprite = new SpriteMetadata(),
        });
        string text = ProjectorConfigText.Format(config);
        StringAssert.Contains(text, "tensor_name: \"Gr\\303\\274\\303\\237e \\\"q\\\" \\'a\\' \\\\ \\t\\346\\227\\245\\346\\234\\254:00001\"");
        StringAssert.Contains(text, "  sprite {\n  }\n");
        Assert.AreEqual(config, ProjectorConfigText.Parse(text));
        Assert.ThrowsExactly<FormatException>(() => ProjectorConfigText.Parse("embeddings { tensor_name: \"x\" "));
        Assert.ThrowsExactly<FormatException>(() => ProjectorConfigText.Parse("embeddings { tensor_shape: -1 }"));
        Assert.AreEqual("", ProjectorConfigText.Format(new ProjectorConfig()));
    }

    [TestMethod]
    public void MultiColumnMetadataHasAHeaderRow()
    {
        var metadata = EmbeddingMetadata.FromColumns(["name", "class"], [["a\tb", "1"], ["c", ""]]);
        var text = new StringWriter();
        ProjectorFiles.WriteMetadataTsv(text, metadata);
        Assert.AreEqual("name\tclass\na b\t1\nc\t\n", text.ToString());
        Assert.AreEqual(2, metadata.Count);

        var labels = new StringWriter();
        ProjectorFiles.WriteMetadataTsv(labels, EmbeddingMetadata.FromLabels(["x\ny", "z"]));
        Assert.AreEqual("x y\nz\n", labels.ToString());
    }

    [TestMethod]
    [DataRow(0f, "0.0")]
    [DataRow(-0f, "-0.0")]
    [DataRow(1f, "1.0")]
    [DataRow(-2.5f, "-2.5")]
    [DataRow(0.1f, "0.1")]
    [DataRow(1e-5f, "1e-05")]
    [DataRow(0.0001f, "0.0001")]
    [DataRow(123456.75f, "123456.75")]
    [DataRow(1e15f, "1000000000000000.0")] // shortest float32 digits, not the double expansion
    [DataRow(1e16f, "1e+16")]
    [DataRow(1.5e20f, "1.5e+20")]
    [DataRow(3.4028235e38f, "3.4028235e+38")]
    [DataRow(1.4e-45f, "1e-45")]
    public void FloatsAreWrittenLikePythonRepr(float value, string expected)
    {
        var text = new StringWriter();
        ProjectorFiles.WriteTensorsTsv(text, [value], 1);
        Assert.AreEqual(expected + "\n", text.ToString());
    }

    [TestMethod]
    [DataRow("emb", "emb")]
    [DataRow("a/b", "a%2fb")]
    [DataRow("../../etc", "..%2f..%2fetc")]
    [DataRow("..", "%2e%2e")]
    [DataRow(".", "%2e")]
    [DataRow("50%", "50%25")]
    [DataRow("c:\\x", "c%3a%5cx")]
    [DataRow("a*b?<c>|\"", "a%2ab%3f%3cc%3e%7c%22")]
    [DataRow("tail.", "tail%2e")]
    [DataRow("tab\there", "tab%09here")]
    [DataRow("日本", "日本")]
    public void TagsBecomeOneSafeDirectoryName(string tag, string expected)
    {
        Assert.AreEqual(expected, ProjectorFiles.DirectoryName(tag));
    }

    [TestMethod]
    public void NoTagEscapesTheLogDirectory()
    {
        using var dir = new TempDirectory();
        string run = dir.Combine("run");
        using var writer = new SummaryWriter(run);
        foreach (string tag in new[] { "..", "../..", "..\\..", "/abs", "C:\\abs", ".", "a/../../b" })
        {
            string written = writer.AddEmbedding(tag, new float[] { 1 }, 1, step: 3);
            Assert.IsTrue(written.StartsWith(Path.GetFullPath(Path.Combine(run, "00003")) + Path.DirectorySeparatorChar, StringComparison.Ordinal), written);
            Assert.IsTrue(File.Exists(Path.Combine(written, "tensors.tsv")));
        }
        Assert.AreEqual(1, Directory.GetDirectories(dir.Path).Length);
    }

    [TestMethod]
    public void BadEmbeddingsGetSpecificExceptionsAndTheWriterStaysUsable()
    {
        using var dir = new TempDirectory();
        using var writer = new SummaryWriter(dir.Path);
        var error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddEmbedding("e", new[] { 1f, float.NaN }, 2, 0));
        StringAssert.Contains(error.Message, "[0, 1] is NaN");
        error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddEmbedding("e", new[] { 1f, float.PositiveInfinity }, 1, 0));
        StringAssert.Contains(error.Message, "[1, 0]");
        error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddEmbedding("e", new float[5], 2, 0));
        StringAssert.Contains(error.Message, "N x 2");
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddEmbedding("e", new float[4], 0, 0));
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddEmbedding("e", Array.Empty<float>(), 2, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.AddEmbedding("e", new float[2], 2, -1));
        error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddEmbedding("e", new float[4], 2, 0, EmbeddingMetadata.FromLabels(["a"])));
        StringAssert.Contains(error.Message, "2 rows but the metadata has 1");
        error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddEmbedding("e", new float[4], 2, 0, sprite: EmbeddingSprite.From(new byte[3], ImageBatchShape.Nchw(3, 1, 1, 1))));
        StringAssert.Contains(error.Message, "sprite has 3 images");
        error = Assert.ThrowsExactly<ArgumentException>(() => writer.AddEmbedding("e", Tensor.Create(new float[8], [2, 2, 2]), 0));
        StringAssert.Contains(error.Message, "[2, 2, 2]");
        Assert.ThrowsExactly<ArgumentException>(() => EmbeddingMetadata.FromLabels(["a", " "]));
        Assert.ThrowsExactly<ArgumentException>(() => EmbeddingMetadata.FromColumns(["only"], [["x"]]));
        Assert.ThrowsExactly<ArgumentException>(() => EmbeddingMetadata.FromColumns(["a", "b"], [["x"]]));
        Assert.ThrowsExactly<ArgumentException>(() => EmbeddingMetadata.FromColumns(["a", "b"], [["", " "]]));
        Assert.ThrowsExactly<ArgumentException>(() => EmbeddingSprite.From(new float[2], ImageBatchShape.Nchw(1, 2, 1, 1)));
        Assert.IsFalse(Directory.Exists(dir.Combine("00000")), "nothing written for rejected input");

        // A config that cannot be read is reported and left as it was.
        File.WriteAllText(dir.Combine("projector_config.pbtxt"), "embeddings {");
        Assert.ThrowsExactly<FormatException>(() => writer.AddEmbedding("e", new float[2], 2, 0));
        Assert.AreEqual("embeddings {", File.ReadAllText(dir.Combine("projector_config.pbtxt")));
        File.Delete(dir.Combine("projector_config.pbtxt"));

        writer.AddEmbedding("e", new float[] { 1, 2 }, 2, 0, EmbeddingMetadata.FromLabels(["only"]));
        Assert.IsTrue(writer.AddScalar("still/works", 1, 0));
        writer.Flush();
        StringAssert.Contains(File.ReadAllText(dir.Combine("projector_config.pbtxt")), "tensor_name: \"e:00000\"");
    }

    [TestMethod]
    public void SpriteIsASquareGridWithEmptyCellsBlack()
    {
        // Five 2x3 (HxW) gray thumbnails -> 3x3 cells -> 6 rows x 9 columns.
        byte[] pixels = Enumerable.Range(0, 5).SelectMany(n => Enumerable.Repeat((byte)(n + 1), 6)).ToArray();
        var sprite = EmbeddingSprite.From(pixels, ImageBatchShape.Nhwc(5, 2, 3, 1));
        Assert.AreEqual(3, sprite.GridSize);
        var decoded = PngTestDecoder.Decode(sprite.EncodePng());
        Assert.AreEqual((9, 6, 1), (decoded.Width, decoded.Height, decoded.Channels));
        for (int y = 0; y < 6; y++)
        {
            for (int x = 0; x < 9; x++)
            {
                int n = y / 2 * 3 + x / 3;
                Assert.AreEqual(n < 5 ? (byte)(n + 1) : (byte)0, decoded.Pixels[y * 9 + x]);
            }
        }
        var info = ProjectorFiles.EmbeddingInfo("t", 12, hasMetadata: false, sprite);
        Assert.AreEqual("00012/t/sprite.png", info.Sprite.ImagePath);
        CollectionAssert.AreEqual(new uint[] { 3, 2 }, info.Sprite.SingleImageDim.ToArray());
        Assert.AreEqual("t:00012", info.TensorName);
    }
}
