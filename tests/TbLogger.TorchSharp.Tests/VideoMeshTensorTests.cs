using TorchSharp;
using static TorchSharp.torch;

namespace TbLogger.TorchSharp.Tests;

[TestClass]
public sealed class VideoMeshTensorTests
{
    private static readonly DateTimeOffset T = Logged.Time;

    private static byte[] Frames(int count) => Enumerable.Range(0, count).Select(i => (byte)(i * 37 % 256)).ToArray();

    [TestMethod]
    public void VideoOfUInt8NtchwEqualsTheSpanOverload()
    {
        byte[] data = Frames(2 * 3 * 3 * 4 * 5);
        using var t = torch.tensor(data, [2, 3, 3, 4, 5]);
        CollectionAssert.AreEqual(
            Logged.Bytes(w => w.AddVideo("v", data.AsSpan(), VideoShape.Ntchw(2, 3, 3, 4, 5), 7, 8, T)),
            Logged.Bytes(w => w.AddVideo("v", t, 7, fps: 8, wallTime: T)));
    }

    [TestMethod]
    public void VideoOfFloat64NthwcAndOfAPermutedViewEqualTheSpanOverload()
    {
        float[] data = Frames(1 * 2 * 4 * 5 * 3).Select(b => b / 255f).ToArray();
        using var t = torch.tensor(data, [1, 2, 4, 5, 3]).to_type(ScalarType.Float64);
        CollectionAssert.AreEqual(
            Logged.Bytes(w => w.AddVideo("v", data.AsSpan(), VideoShape.Nthwc(1, 2, 4, 5, 3), 1, 4, T)),
            Logged.Bytes(w => w.AddVideo("v", t, 1, dataFormats: "NTHWC", wallTime: T)));
        // The same clip as a non-contiguous NTCHW view of the NTHWC tensor.
        using var view = torch.tensor(data, [1, 2, 4, 5, 3]).permute(0, 1, 4, 2, 3);
        Assert.IsFalse(view.is_contiguous());
        CollectionAssert.AreEqual(
            Logged.Bytes(w => w.AddVideo("v", data.AsSpan(), VideoShape.Nthwc(1, 2, 4, 5, 3), 1, 4, T)),
            Logged.Bytes(w => w.AddVideo("v", view, 1, wallTime: T)));
    }

    [TestMethod]
    public void VideoRefusesWrongRanksLayoutsAndDisposedTensors()
    {
        string dir = Logged.NewDirectory();
        using var writer = new SummaryWriter(dir);
        using var four = torch.zeros(new long[] { 2, 3, 4, 5 });
        var rank = Assert.ThrowsExactly<ArgumentException>(() => writer.AddVideo("v", four, 0));
        Assert.AreEqual("video", rank.ParamName);
        StringAssert.Contains(rank.Message, "[2, 3, 4, 5]");
        using var five = torch.zeros(new long[] { 1, 1, 3, 2, 2 });
        var layout = Assert.ThrowsExactly<ArgumentException>(() => writer.AddVideo("v", five, 0, dataFormats: "NCTHW"));
        Assert.AreEqual("dataFormats", layout.ParamName);
        var gone = torch.zeros(new long[] { 1, 1, 3, 2, 2 });
        gone.Dispose();
        Assert.AreEqual("video", Assert.ThrowsExactly<ArgumentException>(() => writer.AddVideo("v", gone, 0)).ParamName);
        using var twoChannels = torch.zeros(new long[] { 1, 1, 2, 2, 2 });
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddVideo("v", twoChannels, 0));
    }

    [TestMethod]
    public void MeshOfAnyDtypesEqualsTheSpanOverload()
    {
        float[] vertices = [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
        byte[] colors = [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9];
        int[] faces = [0, 1, 2, 0, 2, 3];
        using var tv = torch.tensor(vertices, [1, 4, 3]).to_type(ScalarType.Float64);
        using var tc = torch.tensor(colors, [1, 4, 3]);
        using var tf = torch.tensor(faces.Select(i => (long)i).ToArray(), [1, 2, 3]);
        CollectionAssert.AreEqual(
            Logged.Bytes(w => w.AddMesh("m", vertices.AsSpan(), colors.AsSpan(), faces.AsSpan(), "{\"camera\":{\"fov\":60}}", 3, 1, T)),
            Logged.Bytes(w => w.AddMesh("m", tv, tc, tf, 3, "{\"camera\":{\"fov\":60}}", T)));
        using var points = torch.tensor(vertices, [1, 4, 3]);
        CollectionAssert.AreEqual(
            Logged.Bytes(w => w.AddMesh("p", vertices.AsSpan(), default, default, null, 0, 1, T)),
            Logged.Bytes(w => w.AddMesh("p", points, null, null, 0, wallTime: T)));
    }

    [TestMethod]
    public void MeshRefusesShapesThatDoNotFitAndIndicesPastInt32()
    {
        string dir = Logged.NewDirectory();
        using var writer = new SummaryWriter(dir);
        using var v = torch.zeros(new long[] { 1, 4, 3 });
        using var flat = torch.zeros(new long[] { 4, 3 });
        Assert.AreEqual("vertices", Assert.ThrowsExactly<ArgumentException>(() => writer.AddMesh("m", flat, null, null, 0)).ParamName);
        using var c = torch.zeros(new long[] { 1, 3, 3 }, ScalarType.Byte);
        var colors = Assert.ThrowsExactly<ArgumentException>(() => writer.AddMesh("m", v, c, null, 0));
        Assert.AreEqual("colors", colors.ParamName);
        StringAssert.Contains(colors.Message, "[1, 3, 3]");
        using var floatFaces = torch.zeros(new long[] { 1, 1, 3 });
        Assert.AreEqual("faces", Assert.ThrowsExactly<ArgumentException>(() => writer.AddMesh("m", v, null, floatFaces, 0)).ParamName);
        using var batchFaces = torch.zeros(new long[] { 2, 1, 3 }, ScalarType.Int64);
        Assert.AreEqual("faces", Assert.ThrowsExactly<ArgumentException>(() => writer.AddMesh("m", v, null, batchFaces, 0)).ParamName);
        // 2^32 + 1 would narrow to 1, a valid index: refused before narrowing.
        using var huge = torch.tensor(new long[] { 0, 1, (1L << 32) + 1 }, [1, 1, 3]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => writer.AddMesh("m", v, null, huge, 0)).Message, "32-bit");
        using var outOfRange = torch.tensor(new long[] { 0, 1, 4 }, [1, 1, 3]);
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddMesh("m", v, null, outOfRange, 0));
    }
}
