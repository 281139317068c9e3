using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using TbLogger.Protos;
using TbLogger.Protos.Plugins.Mesh;

namespace TbLogger;

public static partial class Summaries
{
    /// <summary>The mesh plugin's name in summary metadata.</summary>
    public const string MeshPluginName = "mesh";

    /// <summary>
    /// Builds a mesh or point-cloud summary for TensorBoard's MESH dashboard, laid out exactly as TensorBoard's
    /// <c>mesh/summary_v2.py</c> <c>mesh_pb</c> does (PyTorch's <c>add_mesh</c> writes the same plugin data): one value
    /// per component, tagged "{tag}_VERTEX", "{tag}_FACE", "{tag}_COLOR", each a [B, N, 3] tensor (DT_FLOAT vertices,
    /// DT_INT32 faces, DT_UINT8 colors, stored as packed little-endian content) with plugin "mesh" metadata naming
    /// the mesh, its component, the components present, the shape and the JSON configuration.
    /// </summary>
    /// <param name="tag">The mesh's name.</param>
    /// <param name="vertices">B × N × 3 coordinates (x, y, z), finite.</param>
    /// <param name="colors">Empty, or B × N × 3 RGB values, one per vertex.</param>
    /// <param name="faces">Empty (a point cloud), or B × F × 3 vertex indices per triangle, each in [0, N).</param>
    /// <param name="configJson">A JSON object of three.js settings (camera, lights, material), or null for "{}".</param>
    /// <param name="batch">B, the number of meshes; at least 1.</param>
    /// <param name="description">Markdown shown with the tag; null for none.</param>
    /// <returns>A summary with one value per component present.</returns>
    /// <exception cref="ArgumentException">A length is not a multiple of 3 × B, colors do not match the vertices, a face index is out of range, a coordinate is not finite, or the configuration is not a JSON object.</exception>
    public static Summary Mesh(string tag, ReadOnlySpan<float> vertices, ReadOnlySpan<byte> colors, ReadOnlySpan<int> faces,
        string? configJson = null, int batch = 1, string? description = null)
    {
        ValidateTag(tag);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        int points = Triples(vertices.Length, batch, nameof(vertices));
        if (points == 0)
        {
            throw new ArgumentException("A mesh needs at least one vertex.", nameof(vertices));
        }
        int bad = vertices.IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);
        if (bad >= 0)
        {
            throw new ArgumentException($"vertices[{bad}] is {vertices[bad]}; coordinates must be finite.", nameof(vertices));
        }
        if (!colors.IsEmpty && colors.Length != vertices.Length)
        {
            throw new ArgumentException($"colors has {colors.Length} values but vertices has {vertices.Length}; give one RGB color per vertex or none.", nameof(colors));
        }
        int triangles = faces.IsEmpty ? 0 : Triples(faces.Length, batch, nameof(faces));
        for (int i = 0; i < faces.Length; i++)
        {
            if ((uint)faces[i] >= (uint)points)
            {
                throw new ArgumentException($"faces[{i}] is {faces[i]}; vertex indices must be in [0, {points}).", nameof(faces));
            }
        }
        string json = configJson ?? "{}";
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"configJson must be a JSON object; got a {document.RootElement.ValueKind}.", nameof(configJson));
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"configJson is not valid JSON: {ex.Message}", nameof(configJson), ex);
        }
        return MeshFromValidated(tag, vertices, colors, faces, json, batch, description);
    }

    /// <summary>
    /// True when <paramref name="configJson"/> (null meaning "{}") is what <see cref="Mesh"/> accepts: a JSON object. A
    /// deferred mesh checks it on the caller; only <see cref="Mesh"/> words the error.
    /// </summary>
    internal static bool IsMeshConfig(string? configJson)
    {
        try
        {
            using var document = JsonDocument.Parse(configJson ?? "{}");
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The values of <see cref="Mesh"/> from inputs it would accept (lengths multiples of 3 × <paramref name="batch"/>,
    /// finite vertices, matching colors, face indices in range, <paramref name="json"/> an object): the part a deferred
    /// mesh builds on the writer's thread.
    /// </summary>
    internal static Summary MeshFromValidated(string tag, ReadOnlySpan<float> vertices, ReadOnlySpan<byte> colors, ReadOnlySpan<int> faces,
        string json, int batch, string? description)
    {
        int points = (int)(vertices.Length / (3L * batch));
        int triangles = (int)(faces.Length / (3L * batch));
        // The order and the bitmask are summary_v2.py's: vertices, faces, colors; bit 1 << content type.
        uint components = 1u << (int)MeshPluginData.Types.ContentType.Vertex;
        if (!faces.IsEmpty)
        {
            components |= 1u << (int)MeshPluginData.Types.ContentType.Face;
        }
        if (!colors.IsEmpty)
        {
            components |= 1u << (int)MeshPluginData.Types.ContentType.Color;
        }
        var summary = new Summary();
        summary.Value.Add(MeshValue(tag, MeshPluginData.Types.ContentType.Vertex, DataType.DtFloat, MemoryMarshal.AsBytes(vertices), batch, points, components, json, description));
        if (!faces.IsEmpty)
        {
            summary.Value.Add(MeshValue(tag, MeshPluginData.Types.ContentType.Face, DataType.DtInt32, MemoryMarshal.AsBytes(faces), batch, triangles, components, json, description));
        }
        if (!colors.IsEmpty)
        {
            summary.Value.Add(MeshValue(tag, MeshPluginData.Types.ContentType.Color, DataType.DtUint8, colors, batch, points, components, json, description));
        }
        return summary;
    }

    private static int Triples(int length, int batch, string parameterName)
    {
        if (length % (3L * batch) != 0)
        {
            throw new ArgumentException($"{parameterName} has {length} values, not a multiple of 3 x {batch} (shape [B, N, 3] with B = {batch}).", parameterName);
        }
        return (int)(length / (3L * batch));
    }

    private static Summary.Types.Value MeshValue(string tag, MeshPluginData.Types.ContentType type, DataType dtype, ReadOnlySpan<byte> content,
        int batch, int count, uint components, string json, string? description)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Mesh tensors are stored little-endian.");
        }
        var data = new MeshPluginData
        {
            Version = 0,
            Name = tag,
            ContentType = type,
            Components = components,
            JsonConfig = json,
            Shape = { batch, count, 3 },
        };
        var metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = MeshPluginName, Content = data.ToByteString() } };
        if (description is not null)
        {
            metadata.SummaryDescription = description;
        }
        return new Summary.Types.Value
        {
            // metadata.get_instance_name: "%s_%s" % (name, ContentType.Name(content_type)).
            Tag = tag + "_" + type switch
            {
                MeshPluginData.Types.ContentType.Vertex => "VERTEX",
                MeshPluginData.Types.ContentType.Face => "FACE",
                _ => "COLOR",
            },
            Metadata = metadata,
            Tensor = new TensorProto
            {
                Dtype = dtype,
                TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = batch }, new TensorShapeProto.Types.Dim { Size = count }, new TensorShapeProto.Types.Dim { Size = 3 } } },
                TensorContent = ByteString.CopyFrom(content),
            },
        };
    }
}
