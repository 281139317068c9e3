using Google.Protobuf;
using TbLogger.Deferred;
using TbLogger.Events;
using TbLogger.Tests.Mesh;
using TbLogger.Tests.Support;

namespace TbLogger.Tests.Deferred;

using Summaries = TbLogger.Summaries;

/// <summary>
/// AddMesh on the writer's thread (issue 19): vertices, faces and colors checked and copied in one pass into one pooled
/// buffer; the summary is TensorBoard's mesh_pb (the fixture <c>Fixtures/mesh/mesh_pb.bin</c>, via
/// <see cref="MeshTests"/>' data), errors are those of <see cref="Summaries.Mesh"/>, and every copy goes back once.
/// </summary>
[TestClass]
public sealed class DeferredMeshTests
{
    [TestMethod]
    public void IndicesOutsideTheVerticesAreFoundAtEveryPositionAndLength()
    {
        for (int n = 0; n <= 3 * 16 + 7; n++)
        {
            int[] good = [.. Enumerable.Range(0, n).Select(i => i * 5 % 9)];
            var copy = new int[n + 1];
            Assert.IsFalse(CheckedCopy.CopyIndices(good, copy, 9), $"n={n}");
            CollectionAssert.AreEqual(good, copy[..n], $"n={n}");
            Assert.IsTrue(n == 0 || CheckedCopy.CopyIndices(good, copy, 8) == good.Contains(8), "the bound is exclusive");
            foreach (int bad in new[] { 9, -1, int.MinValue, int.MaxValue })
            {
                for (int at = 0; at < n; at++)
                {
                    int[] withBad = (int[])good.Clone();
                    withBad[at] = bad;
                    var into = new int[n];
                    Assert.IsTrue(CheckedCopy.CopyIndices(withBad, into, 9), $"n={n}, {bad} at {at}");
                    CollectionAssert.AreEqual(withBad, into);
                }
            }
        }
        Assert.IsTrue(CheckedCopy.CopyIndices([0], new int[1], 0), "no vertex: every index is out of range");
    }

    [TestMethod]
    public void MeshesAreTensorBoardsAndTheCallerMayOverwriteItsArraysAtOnce()
    {
        byte[] theirs = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "mesh", "mesh_pb.bin"));
        var pool = new CountingPool(extraLength: 7);
        using var dir = new TempDirectory();
        using (var writer = new SummaryWriter(dir.Path, new SummaryWriterOptions { FlushInterval = Timeout.InfiniteTimeSpan }) { BufferPool = pool })
        {
            for (int step = 0; step < 3; step++)
            {
                float[] vertices = (float[])MeshTests.Vertices.Clone();
                byte[] colors = (byte[])MeshTests.Colors.Clone();
                int[] faces = (int[])MeshTests.Faces.Clone();
                Assert.IsTrue(writer.AddMesh("tetra", vertices, colors, faces, MeshTests.Config, step));
                Array.Fill(vertices, 5f);
                Array.Fill(colors, (byte)1);
                Array.Fill(faces, 2);
                Assert.IsTrue(writer.AddMesh("cloud", MeshTests.Vertices, [], [], null, step, batch: 2));
            }
        }
        var events = EventFileReader.Read(Fixtures.EventFileIn(dir.Path)).Where(e => e.WhatCase == Protos.Event.WhatOneofCase.Summary).ToList();
        Assert.HasCount(6, events);
        // mesh_pb's bytes carry a description, AddMesh has none: with it added, step 0 is byte for byte the fixture. A
        // tag's metadata is written on its first value in a file only, so later steps are compared tensor by tensor.
        var first = events[0].Summary.Clone();
        foreach (var value in first.Value)
        {
            value.Metadata.SummaryDescription = "A tetrahedron";
        }
        CollectionAssert.AreEqual(theirs, first.ToByteArray());
        var expectedCloud = Summaries.Mesh("cloud", MeshTests.Vertices, [], [], configJson: null, batch: 2);
        Assert.AreEqual(expectedCloud, events[1].Summary);
        for (int step = 1; step < 3; step++)
        {
            foreach (var (expected, written) in new[] { (events[0].Summary, events[2 * step].Summary), (expectedCloud, events[2 * step + 1].Summary) })
            {
                CollectionAssert.AreEqual(expected.Value.Select(v => v.Tag).ToArray(), written.Value.Select(v => v.Tag).ToArray(), $"step {step}");
                CollectionAssert.AreEqual(expected.Value.Select(v => v.Tensor).ToArray(), written.Value.Select(v => v.Tensor).ToArray(), $"step {step}");
            }
        }
        Assert.AreEqual((6, 6, 0), (pool.Rents, pool.Returns, pool.BadReturns));
    }

    [TestMethod]
    public void BadMeshesThrowTheSynchronousErrorsAndTheirCopiesGoBack()
    {
        var pool = new CountingPool(extraLength: 7);
        using var dir = new TempDirectory();
        var writer = new SummaryWriter(dir.Path) { BufferPool = pool };
        void Same(float[] vertices, byte[] colors, int[] faces, string? config, int batch, string what)
        {
            var expected = Assert.Throws<ArgumentException>(() => Summaries.Mesh("m", vertices, colors, faces, config, batch), what);
            var actual = Assert.Throws<ArgumentException>(() => writer.AddMesh("m", vertices, colors, faces, config, 0, batch), what);
            Assert.AreEqual(expected.GetType(), actual.GetType(), what);
            Assert.AreEqual(expected.Message, actual.Message, what);
            Assert.AreEqual(expected.ParamName, actual.ParamName, what);
        }
        // 60 points: a bad coordinate or face index at the edges of the vectors and in the tail.
        float[] vertices = [.. Enumerable.Range(0, 180).Select(i => (i % 7) - 3f)];
        int[] faces = [.. Enumerable.Range(0, 99).Select(i => i * 7 % 60)];
        byte[] colors = [.. Enumerable.Range(0, 180).Select(i => (byte)i)];
        int cases = 0;
        foreach (int at in new[] { 0, 7, 8, 15, 16, 17, 31, 32, 97, 98 })
        {
            float[] badVertices = (float[])vertices.Clone();
            badVertices[at] = at % 2 == 0 ? float.NaN : float.NegativeInfinity;
            Same(badVertices, colors, faces, null, 1, $"vertex {at}");
            int[] badFaces = (int[])faces.Clone();
            badFaces[at] = at % 2 == 0 ? 60 : -1;
            Same(vertices, colors, badFaces, null, 1, $"face {at}");
            // Several errors at once: the first in Summaries.Mesh's order wins (a vertex before colors and faces).
            Same(badVertices, colors[..3], badFaces, "[]", 1, $"vertex {at}, colors, face, config");
            Same(vertices, colors[..3], badFaces, null, 1, $"colors, face {at}");
            cases++;
        }
        Same(vertices, colors, faces, "{\"camera\": ", 1, "config not JSON");
        Same(vertices, colors, faces, "[1]", 1, "config not an object");
        Same(vertices, colors, faces[..98], null, 1, "faces not triples");
        Same(vertices, colors, faces, null, 7, "vertices not a multiple of 3 x 7");
        Same([], [], [], null, 1, "no vertex");
        Assert.AreEqual("batch", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => writer.AddMesh("m", vertices, colors, faces, null, 0, batch: 0)).ParamName);
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddMesh(" ", vertices, colors, faces, null, 0));
        Assert.AreEqual(10, cases);
        Assert.IsTrue(writer.AddMesh("m", vertices, colors, faces[..96], null, 1));
        writer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.AddMesh("m", vertices, colors, faces[..96], null, 2));
        // A bad mesh is still reported before a disposed writer.
        Assert.ThrowsExactly<ArgumentException>(() => writer.AddMesh("m", vertices, colors, [60, 0, 0], null, 2));
        Assert.AreEqual((pool.Rents, 0), (pool.Returns, pool.BadReturns), "every copy back exactly once");
        Assert.AreEqual(2 * 10 + 1 + 1 + 1, pool.Rents, "a copy for each bad value found in the pass, the good mesh and the two after Dispose");
        var written = EventFileReader.Read(Fixtures.EventFileIn(dir.Path)).Where(e => e.WhatCase == Protos.Event.WhatOneofCase.Summary).ToList();
        Assert.AreEqual(Summaries.Mesh("m", vertices, colors, faces[..96]), written.Single().Summary);
    }
}
