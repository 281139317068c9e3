using System.Text.Json;
using Google.Protobuf;
using TbLogger.Events;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.Mesh;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Mesh;

[TestClass]
public sealed class MeshTests
{
    internal static readonly float[] Vertices = [1, 1, 1, -1, -1, 1, 1, -1, -1, -1, 1, -1];
    internal static readonly byte[] Colors = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 0, 255];
    internal static readonly int[] Faces = [0, 2, 3, 0, 3, 1, 0, 1, 2, 1, 3, 2];

    // json.dumps(config, sort_keys=True), as PyTorch and summary_v2 serialise config_dict.
    internal const string Config = "{\"camera\": {\"cls\": \"PerspectiveCamera\", \"fov\": 75}, \"material\": {\"cls\": \"MeshStandardMaterial\"}}";

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "mesh", name);

    [TestMethod]
    public void MeshIsByteForByteWhatTensorBoardsMeshPbBuilds()
    {
        // Fixtures/mesh/mesh_pb.bin: tensorboard.plugins.mesh.summary_v2.mesh_pb on the same tetrahedron (TB 2.20).
        byte[] theirs = File.ReadAllBytes(FixturePath("mesh_pb.bin"));
        var ours = TbLogger.Summaries.Mesh("tetra", Vertices, Colors, Faces, Config, description: "A tetrahedron");
        CollectionAssert.AreEqual(theirs, ours.ToByteArray());

        CollectionAssert.AreEqual(new[] { "tetra_VERTEX", "tetra_FACE", "tetra_COLOR" }, ours.Value.Select(v => v.Tag).ToArray());
        var color = MeshPluginData.Parser.ParseFrom(ours.Value[2].Metadata.PluginData.Content);
        Assert.AreEqual((0, "tetra", MeshPluginData.Types.ContentType.Color, 14u), (color.Version, color.Name, color.ContentType, color.Components));
        CollectionAssert.AreEqual(new[] { 1, 4, 3 }, color.Shape.ToArray());
        Assert.AreEqual(DataType.DtUint8, ours.Value[2].Tensor.Dtype);
        Assert.AreEqual(DataType.DtInt32, ours.Value[1].Tensor.Dtype);
        Assert.AreEqual(-1f, BitConverter.ToSingle(ours.Value[0].Tensor.TensorContent.Span[12..]));
    }

    [TestMethod]
    public void PointCloudWithoutConfigMatchesToo()
    {
        // Fixtures/mesh/points_pb.bin: mesh_pb("cloud", vertices reshaped to [2, 2, 3]) — vertices only, config "{}".
        var ours = TbLogger.Summaries.Mesh("cloud", Vertices, [], [], configJson: null, batch: 2);
        CollectionAssert.AreEqual(File.ReadAllBytes(FixturePath("points_pb.bin")), ours.ToByteArray());
        Assert.AreEqual(2u, MeshPluginData.Parser.ParseFrom(ours.Value.Single().Metadata.PluginData.Content).Components);
    }

    [TestMethod]
    public void TensorBoardsMeshPluginServesWhatWeWrite()
    {
        // Fixtures/mesh/tb_mesh.json: TensorBoard 2.20's /data/plugin/mesh/tags, /meshes and /data for a run written
        // by AddMesh at steps 0 and 3.
        var served = JsonDocument.Parse(File.ReadAllText(FixturePath("tb_mesh.json"))).RootElement;
        var tags = served.GetProperty("tags").GetProperty("mesh");
        CollectionAssert.AreEqual(new[] { "tetra" }, tags.EnumerateObject().Select(p => p.Name).ToArray());
        var samples = tags.GetProperty("tetra").GetProperty("samples").GetInt32();
        Assert.AreEqual(1, samples);

        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddMesh("tetra", Vertices, Colors, Faces, Config, step: 0);
            writer.AddMesh("tetra", Vertices.Select(v => v * 2).ToArray(), Colors, Faces, Config, step: 3);
        }
        var values = EventFileReader.Read(Fixtures.EventFileIn(dir.Path)).Where(e => e.Summary != null).ToList();
        Assert.HasCount(2, values);
        Assert.AreEqual(6, served.GetProperty("meshes").GetArrayLength());
        Assert.AreEqual(6, served.GetProperty("data").GetArrayLength());
        foreach (var meta in served.GetProperty("meshes").EnumerateArray())
        {
            string type = meta.GetProperty("content_type").GetInt32() switch { 1 => "VERTEX", 2 => "FACE", _ => "COLOR" };
            long step = meta.GetProperty("step").GetInt64();
            var value = values.Single(e => e.Step == step).Summary.Value.Single(v => v.Tag == "tetra_" + type);
            // Both steps have the same shapes, so only step 0 carries the metadata (TensorBoard takes it from there).
            Assert.AreEqual(step == 0, value.Metadata is not null);
            var first = values.Single(e => e.Step == 0).Summary.Value.Single(v => v.Tag == "tetra_" + type);
            var data = MeshPluginData.Parser.ParseFrom(first.Metadata.PluginData.Content);
            CollectionAssert.AreEqual(meta.GetProperty("data_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray(), data.Shape.ToArray());
            Assert.AreEqual(meta.GetProperty("components").GetUInt32(), data.Components);
            Assert.AreEqual(meta.GetProperty("config").GetString(), data.JsonConfig);
        }
        // /data serves each component as raw little-endian values: the tensor content, unchanged.
        foreach (var blob in served.GetProperty("data").EnumerateArray())
        {
            var value = values.Single(e => e.Step == blob.GetProperty("step").GetInt64()).Summary.Value.Single(v => v.Tag == "tetra_" + blob.GetProperty("content_type").GetString());
            Assert.AreEqual(blob.GetProperty("hex").GetString(), Convert.ToHexStringLower(value.Tensor.TensorContent.Span));
        }
    }

    [TestMethod]
    public void BadMeshesAreRejectedWithTheArgumentNamed()
    {
        (Action Call, string Parameter, string Message)[] cases =
        [
            (() => TbLogger.Summaries.Mesh("m", [1, 2], [], []), "vertices", "not a multiple of 3 x 1"),
            (() => TbLogger.Summaries.Mesh("m", [], [], []), "vertices", "at least one vertex"),
            (() => TbLogger.Summaries.Mesh("m", [1, 2, float.NaN], [], []), "vertices", "vertices[2] is NaN"),
            (() => TbLogger.Summaries.Mesh("m", [1, 2, float.PositiveInfinity], [], []), "vertices", "must be finite"),
            (() => TbLogger.Summaries.Mesh("m", Vertices, [1, 2, 3], []), "colors", "one RGB color per vertex"),
            (() => TbLogger.Summaries.Mesh("m", Vertices, [], [0, 1, 4]), "faces", "faces[2] is 4; vertex indices must be in [0, 4)"),
            (() => TbLogger.Summaries.Mesh("m", Vertices, [], [0, -1, 2]), "faces", "faces[1] is -1"),
            (() => TbLogger.Summaries.Mesh("m", Vertices, [], [0, 1]), "faces", "not a multiple of 3"),
            (() => TbLogger.Summaries.Mesh("m", Vertices, [], [], "{\"camera\": "), "configJson", "not valid JSON"),
            (() => TbLogger.Summaries.Mesh("m", Vertices, [], [], "[1, 2]"), "configJson", "must be a JSON object"),
            (() => TbLogger.Summaries.Mesh("m", Vertices, [], [], batch: 5), "vertices", "not a multiple of 3 x 5"),
        ];
        foreach (var (call, parameter, message) in cases)
        {
            var ex = Assert.ThrowsExactly<ArgumentException>(call, message);
            Assert.AreEqual(parameter, ex.ParamName, message);
            StringAssert.Contains(ex.Message, message);
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TbLogger.Summaries.Mesh("m", Vertices, [], [], batch: 0));

        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path))
        {
            writer.AddScalar("kept", 1, 0);
            Assert.ThrowsExactly<ArgumentException>(() => writer.AddMesh("m", Vertices, [], [9, 9, 9], null, 1));
        }
        Assert.AreEqual("kept", EventFileReader.Read(Fixtures.EventFileIn(dir.Path)).Last().Summary.Value[0].Tag);
    }
}
