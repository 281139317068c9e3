using System.Security.Cryptography;
using System.Text.Json;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Video;

[TestClass]
public sealed class VideoSummaryTests
{
    /// <summary>v[n, t, c, h, w] = (37n + 11t + 5c + 3h + 7w) mod 256, laid out NTCHW.</summary>
    internal static byte[] Pattern(int n, int t, int c, int h, int w)
    {
        var values = new byte[n * t * c * h * w];
        int i = 0;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < t; b++)
                for (int d = 0; d < c; d++)
                    for (int y = 0; y < h; y++)
                        for (int x = 0; x < w; x++)
                            values[i++] = (byte)((37 * a + 11 * b + 5 * d + 3 * y + 7 * x) % 256);
        return values;
    }

    private static JsonElement Fixture(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "video", name))).RootElement;

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [TestMethod]
    public void ClipsTileLikePyTorchsPrepareVideo()
    {
        // Fixtures/video/torch_grid.json: torch.utils.tensorboard.summary._prepare_video on the same 5 clips:
        // padded to 8 with black clips, 2 rows of 4.
        var torch = Fixture("torch_grid.json");
        CollectionAssert.AreEqual(new[] { 2, 8, 24, 3 }, torch.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        byte[] expected = torch.GetProperty("values").EnumerateArray().Select(e => (byte)e.GetInt32()).ToArray();

        var video = VideoFrames.From(Pattern(5, 2, 3, 4, 6), VideoShape.Ntchw(5, 2, 3, 4, 6), "frames");
        Assert.AreEqual((2, 4, 8, 24), (video.Rows, video.Columns, video.GridHeight, video.GridWidth));
        CollectionAssert.AreEqual(expected, video.Tile());

        // The same clips as floats (v / 255) and as NTHWC tile to the same bytes.
        var floats = Pattern(5, 2, 3, 4, 6).Select(v => (v + 0.5f) / 255f).ToArray();
        CollectionAssert.AreEqual(expected, VideoFrames.From(floats, VideoShape.Ntchw(5, 2, 3, 4, 6), "frames").Tile());
        var nthwc = new byte[expected.Length / 8 * 5];
        var ntchw = Pattern(5, 2, 3, 4, 6);
        for (int clip = 0; clip < 10; clip++)
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < 24; p++)
                    nthwc[clip * 72 + p * 3 + c] = ntchw[clip * 72 + c * 24 + p];
        CollectionAssert.AreEqual(expected, VideoFrames.From(nthwc, VideoShape.Nthwc(5, 2, 4, 6, 3), "frames").Tile());
    }

    [TestMethod]
    public void GridRowsFollowPyTorchForEveryClipCount()
    {
        // rows = 2^((N.bit_length() - 1) // 2), columns = next power of two / rows.
        (int n, int rows, int columns)[] cases = [(1, 1, 1), (2, 1, 2), (3, 1, 4), (4, 2, 2), (5, 2, 4), (8, 2, 4), (9, 2, 8), (16, 4, 4), (17, 4, 8)];
        foreach (var (n, rows, columns) in cases)
        {
            var video = VideoFrames.From(new byte[n], VideoShape.Ntchw(n, 1, 1, 1, 1), "frames");
            Assert.AreEqual((rows, columns), (video.Rows, video.Columns), $"N={n}");
        }
    }

    [TestMethod]
    public void PillowDecodesOurGifToTheSameFramesAsOurTestDecoder()
    {
        // Fixtures/video/pil_rich.json: Pillow 9.4 (Debian python3-pil) decoding the GIF of RichClip.
        var pil = Fixture("pil_rich.json");
        byte[] gif = GifEncoder.Encode(GifEncoderTests.RichClip(), 16, 64, 64, 3);
        Assert.AreEqual(pil.GetProperty("gif_sha256").GetString(), Sha256(gif), "the encoder is deterministic");
        var decoded = GifTestDecoder.Decode(gif);
        Assert.AreEqual((64, 64, 0), (pil.GetProperty("width").GetInt32(), pil.GetProperty("height").GetInt32(), pil.GetProperty("loop").GetInt32()));
        var frames = pil.GetProperty("frames").EnumerateArray().ToArray();
        Assert.HasCount(16, frames);
        for (int f = 0; f < 16; f++)
        {
            Assert.AreEqual(250, frames[f].GetProperty("duration_ms").GetInt32());
            Assert.AreEqual(25, decoded.Frames[f].Delay);
            Assert.AreEqual(frames[f].GetProperty("rgb_sha256").GetString(), Sha256(decoded.Frames[f].Rgb), $"frame {f}");
        }
    }

    [TestMethod]
    public void WriterStoresAGifImageValueThatTensorBoardServesAsImageGif()
    {
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            Assert.IsTrue(writer.AddVideo("video/rich", GifEncoderTests.RichClip(), VideoShape.Nthwc(1, 16, 64, 64, 3), step: 0));
            writer.AddVideo("video/grid", Pattern(5, 2, 3, 4, 6), VideoShape.Ntchw(5, 2, 3, 4, 6), step: 1, fps: 10);
            writer.AddVideo("video/grid", Pattern(5, 2, 3, 4, 6), VideoShape.Ntchw(5, 2, 3, 4, 6), step: 2, fps: 10);
        }
        var values = EventFileReader.Read(Fixtures.EventFileIn(dir.Path)).Where(e => e.Summary != null)
            .Select(e => (e.Step, Value: e.Summary.Value.Single())).ToList();

        // Fixtures/video/tb_images.json: what TensorBoard 2.20's images plugin served for these three writes.
        var served = Fixture("tb_images.json").GetProperty("images").GetProperty("runs").GetProperty("video");
        foreach (var tag in new[] { "video/rich", "video/grid" })
        {
            var events = served.GetProperty(tag).GetProperty("events").EnumerateArray().ToArray();
            var ours = values.Where(v => v.Value.Tag == tag).ToArray();
            Assert.HasCount(events.Length, ours);
            for (int i = 0; i < events.Length; i++)
            {
                Assert.AreEqual("image/gif", events[i].GetProperty("content_type").GetString());
                Assert.AreEqual(events[i].GetProperty("step").GetInt64(), ours[i].Step);
                byte[] gif = ours[i].Value.Image.EncodedImageString.ToByteArray();
                Assert.AreEqual(events[i].GetProperty("bytes").GetInt32(), gif.Length);
                Assert.AreEqual(events[i].GetProperty("magic").GetString(), Convert.ToHexStringLower(gif.AsSpan(0, 8)));
            }
        }
        var grid = values.First(v => v.Value.Tag == "video/grid").Value;
        Assert.AreEqual((8, 24, 3), (grid.Image.Height, grid.Image.Width, grid.Image.Colorspace));
        Assert.AreEqual("images", grid.Metadata.PluginData.PluginName);
        var decoded = GifTestDecoder.Decode(grid.Image.EncodedImageString.ToByteArray());
        Assert.AreEqual(10, decoded.Frames[0].Delay, "fps 10");
        byte[] tiled = VideoFrames.From(Pattern(5, 2, 3, 4, 6), VideoShape.Ntchw(5, 2, 3, 4, 6), "frames").Tile();
        CollectionAssert.AreEqual(tiled.AsSpan(0, 576).ToArray(), decoded.Frames[0].Rgb, "few colours: exact");
        CollectionAssert.AreEqual(tiled.AsSpan(576, 576).ToArray(), decoded.Frames[1].Rgb);
    }

    [TestMethod]
    public void BadVideosAreRejectedOnTheCallersThreadAndEarlierEventsSurvive()
    {
        using var dir = new TempDirectory();
        int rejected = 0;
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalar("kept", 1, step: 0);
            void Bad<T>(Action call, string message) where T : Exception
            {
                var ex = Assert.ThrowsExactly<T>(call);
                StringAssert.Contains(ex.Message, message);
                rejected++;
            }
            Bad<ArgumentException>(() => writer.AddVideo("v", new byte[10], VideoShape.Ntchw(1, 2, 3, 2, 2), 0), "Shape NTCHW [1, 2, 3, 2, 2] needs 24 values; got 10.");
            Bad<ArgumentException>(() => writer.AddVideo("v", new byte[32], VideoShape.Ntchw(1, 2, 4, 2, 2), 0), "1 (gray) or 3 (RGB) channels; got 4");
            Bad<ArgumentException>(() => writer.AddVideo("v", Array.Empty<byte>(), VideoShape.Ntchw(1, 0, 3, 2, 2), 0), "at least one clip, one frame");
            Bad<ArgumentException>(() => writer.AddVideo("v", new byte[3], VideoShape.Ntchw(-1, 1, 3, 1, 1), 0), "at least one clip");
            Bad<ArgumentException>(() => writer.AddVideo("v", new byte[70000], VideoShape.Ntchw(1, 1, 1, 1, 70000), 0), "at most 65535x65535");
            Bad<ArgumentException>(() => writer.AddVideo("v", new byte[4], VideoShape.Ntchw(1, 1, 1, 1, int.MaxValue), 0), "more values than an array can hold");
            Bad<ArgumentException>(() => writer.AddVideo("v", [0.5f, float.NaN, 0, 0], VideoShape.Ntchw(1, 4, 1, 1, 1), 0), "value 1 is NaN");
            Bad<ArgumentException>(() => writer.AddVideo("v", new byte[1], new VideoShape((VideoLayout)7, 1, 1, 1, 1, 1), 0), "Unknown video layout 7");
            Bad<ArgumentOutOfRangeException>(() => writer.AddVideo("v", new byte[1], VideoShape.Ntchw(1, 1, 1, 1, 1), 0, fps: 0), "positive and finite");
            Bad<ArgumentOutOfRangeException>(() => writer.AddVideo("v", new byte[1], VideoShape.Ntchw(1, 1, 1, 1, 1), 0, fps: double.NaN), "positive and finite");
            Bad<ArgumentException>(() => writer.AddVideo(" ", new byte[1], VideoShape.Ntchw(1, 1, 1, 1, 1), 0), "");
            writer.AddVideo("v", [1.5f, -2f], VideoShape.Ntchw(1, 2, 1, 1, 1), 3);   // clamped like images
        }
        Assert.AreEqual(11, rejected);
        var events = EventFileReader.Read(Fixtures.EventFileIn(dir.Path)).Skip(1).ToList();
        Assert.HasCount(2, events);
        Assert.AreEqual("kept", events[0].Summary.Value[0].Tag);
        var clamped = GifTestDecoder.Decode(events[1].Summary.Value[0].Image.EncodedImageString.ToByteArray());
        Assert.AreEqual((255, 0), (clamped.Frames[0].Rgb[0], clamped.Frames[1].Rgb[0]));
    }
}
